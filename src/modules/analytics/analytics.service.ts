import { DriverException, type QBFilterQuery } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer';
import type { AnalyticsLimits } from '../../config';
import { analyticsBudgetExceeded, analyticsTimeout, badUserInput } from '../../errors';
import type { ServiceContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { isIanaTimezone } from '../../validation';
import type { Ticket } from '../tickets/tickets.entities';
import { criteriaToQuery, type TicketCriteria } from '../tickets/tickets.filter';
import { analyticsGate } from './analytics.gate';
import { analyticsPolicy } from './analytics.policy';
import { DIMENSIONS, type StatsQuestion, statsQuery } from './analytics.query';
import { type StatKey, type TicketDimension, TicketStats, type TicketStatsRow } from './analytics.types';

/** More dimensions multiply the groups (and the sort) beyond what a person reads. */
export const MAX_DIMENSIONS = 3;

/** PostgreSQL's SQLSTATEs: statement_timeout fired; a time zone it does not know. */
const QUERY_CANCELED = '57014';
const INVALID_PARAMETER_VALUE = '22023';

/** Shape errors the schema cannot express, each naming its argument. */
function checkQuestion(question: StatsQuestion): void {
  if (question.metrics.length === 0) throw badUserInput('Ask for at least one metric.', 'metrics');
  const repeated = (values: string[]) => values.find((value, index) => values.indexOf(value) !== index);
  const dimension = repeated(question.groupBy);
  if (dimension) throw badUserInput(`\`groupBy\` lists ${dimension} twice.`, 'groupBy');
  const metric = repeated(question.metrics);
  if (metric) throw badUserInput(`\`metrics\` lists ${metric} twice.`, 'metrics');
  if (question.groupBy.length > MAX_DIMENSIONS) throw badUserInput(`Group by at most ${MAX_DIMENSIONS} dimensions, not ${question.groupBy.length}.`, 'groupBy');
  // A leading letter rules out UTC offsets such as "+01:00", whose sign PostgreSQL reads the POSIX way.
  if (!/^[A-Za-z]/.test(question.timezone) || !isIanaTimezone(question.timezone)) throw unknownTimezone(question.timezone);
}

const unknownTimezone = (zone: string) => badUserInput(`\`timezone\` must be an IANA time zone such as Europe/Paris, not "${zone}".`, 'timezone');

/** Ad-hoc ticket statistics, computed by PostgreSQL in one statement within the viewer's budget. */
export class AnalyticsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly limits: AnalyticsLimits,
  ) {}

  /** The tickets a viewer's statistics count: their scope, then the filter (the same compiler as `tickets`). */
  where(viewer: Viewer, criteria: TicketCriteria): QBFilterQuery<Ticket> {
    return { $and: [analyticsPolicy.scope(viewer), criteriaToQuery(this.ctx.em, criteria)] } as QBFilterQuery<Ticket>;
  }

  async ticketStats(viewer: Viewer, criteria: TicketCriteria, question: StatsQuestion): Promise<TicketStats> {
    checkQuestion(question);
    const { sql, bindings } = statsQuery(this.ctx.em, this.where(viewer, criteria), question, this.limits.maxRows + 1).toSQL();
    const budget = this.limits.costBudgets[viewer.role as keyof AnalyticsLimits['costBudgets']] ?? 0;
    let rows: Record<string, string | number | null>[];
    try {
      rows = await analyticsGate(this.limits).run(() => this.guarded(sql, [...bindings], budget));
    } catch (error) {
      if (error instanceof DriverException && error.code === QUERY_CANCELED) throw analyticsTimeout(this.limits.statementTimeoutMs);
      if (error instanceof DriverException && error.code === INVALID_PARAMETER_VALUE) throw unknownTimezone(question.timezone);
      throw error;
    }
    if (rows.length > this.limits.maxRows) {
      throw analyticsBudgetExceeded(`These statistics have more than ${this.limits.maxRows} rows: group by fewer or coarser dimensions, or narrow the filter.`, {
        reason: 'ROWS',
        maxRows: this.limits.maxRows,
      });
    }
    return Object.assign(new TicketStats(), {
      timezone: question.timezone,
      rows: rows.map(
        (row): TicketStatsRow => ({
          keys: question.groupBy.map((dimension, index) => statKey(dimension, row[`v${index}`] as string | null, row[`l${index}`] as string | null | undefined)),
          values: question.metrics.map((metric, index) => ({ metric, value: row[`m${index}`] as number | null })),
        }),
      ),
    });
  }

  /**
   * Runs a statistics statement read-only, with its own time limit (SET LOCAL: it ends with the
   * transaction), once the planner's estimate of its cost is known to be within `budget`.
   */
  private guarded(sql: string, bindings: unknown[], budget: number): Promise<Record<string, string | number | null>[]> {
    return this.ctx.em.transactional(
      async (em) => {
        await em.execute(`select set_config('statement_timeout', ?, true)`, [String(this.limits.statementTimeoutMs)]);
        const [plan] = await em.execute<{ 'QUERY PLAN': { Plan: { 'Total Cost': number } }[] }[]>(`explain (format json) ${sql}`, bindings);
        const cost = Math.ceil(plan['QUERY PLAN'][0].Plan['Total Cost']);
        if (cost > budget) {
          throw analyticsBudgetExceeded(
            `These statistics would cost ${cost}, above your budget of ${budget}: narrow the filter (e.g. createdAfter) or group by fewer dimensions.`,
            { reason: 'COST', cost, budget },
          );
        }
        return em.execute(sql, bindings);
      },
      { readOnly: true },
    );
  }
}

function statKey(dimension: TicketDimension, value: string | null, label: string | null | undefined): StatKey {
  const spec = DIMENSIONS[dimension];
  if (value === null) return { dimension, value: null, label: spec.none };
  if (spec.names) return { dimension, value: toGlobalId(spec.names.type, value), label: label ?? value };
  return { dimension, value, label: label ?? spec.label?.(value) ?? value };
}
