import type { EntityManager, Knex, QBFilterQuery } from '@mikro-orm/postgresql';
import { Ticket } from '../tickets/tickets.entities';
import { OPEN_STATUSES } from '../tickets/tickets.enums';
import { TicketDimension, TicketMetric } from './analytics.types';

/**
 * The one SQL statement behind `ticketStats`, shared by the service and the benchmark's baseline.
 *
 * An inner aggregate over `tickets t` (with the caller's WHERE, compiled by MikroORM from the
 * tickets' own filter and visibility rules) groups by the dimensions' expressions and computes the
 * metrics; an outer query formats the keys, joins the names of groups, people and organizations,
 * orders and caps the rows. The SLA clocks are joined only for the metrics that read them, one row
 * per ticket at most (their key is ticket and metric), so every ticket is counted once.
 */

export interface StatsQuestion {
  groupBy: TicketDimension[];
  metrics: TicketMetric[];
  /** IANA name; time buckets are local dates there. */
  timezone: string;
}

interface DimensionSpec {
  /** The grouped expression over `t`; a `?` stands for the time zone. */
  sql: string;
  zoned?: boolean;
  /** An id whose label is the `name` of `table`, exposed as a global id of `type`. */
  names?: { table: string; type: string };
  /** A time bucket: to_char formats of its value (ISO 8601) and of its label. */
  formats?: { value: string; label: string };
  /** The label of a value SQL gives none for (default: the value itself). */
  label?: (value: string) => string;
  /** The label of tickets without a value. */
  none: string;
}

// Acronyms keep their case; other enum values read as words ("ON_HOLD" → "On hold").
const ACRONYMS = new Set(['API']);
const enumLabel = (value: string) => (ACRONYMS.has(value) ? value : value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' '));

const BUCKET_FORMATS = {
  day: { value: 'YYYY-MM-DD', label: 'FMDay FMDD FMMonth YYYY' },
  week: { value: 'IYYY-"W"IW', label: '"Week "FMIW" of "IYYY' },
  month: { value: 'YYYY-MM', label: 'FMMonth YYYY' },
};

// date_trunc('week') starts weeks on Monday, as ISO weeks do.
const bucket = (unit: keyof typeof BUCKET_FORMATS, column: string, none: string): DimensionSpec => ({
  sql: `date_trunc('${unit}', t.${column} at time zone ?)`,
  zoned: true,
  formats: BUCKET_FORMATS[unit],
  none,
});

export const DIMENSIONS: Record<TicketDimension, DimensionSpec> = {
  STATUS: { sql: 't.status', label: enumLabel, none: 'None' },
  PRIORITY: { sql: 't.priority', label: enumLabel, none: 'None' },
  TYPE: { sql: 't.type', label: enumLabel, none: 'None' },
  CHANNEL: { sql: 't.channel', label: enumLabel, none: 'None' },
  CATEGORY: { sql: 't.category', none: 'No category' },
  GROUP: { sql: 't.group_id', names: { table: 'groups', type: 'Group' }, none: 'No group' },
  ASSIGNEE: { sql: 't.assignee_id', names: { table: 'users', type: 'User' }, none: 'Unassigned' },
  ORGANIZATION: { sql: 't.organization_id', names: { table: 'organizations', type: 'Organization' }, none: 'No organization' },
  CREATED_DAY: bucket('day', 'created_at', 'None'),
  CREATED_WEEK: bucket('week', 'created_at', 'None'),
  CREATED_MONTH: bucket('month', 'created_at', 'None'),
  RESOLVED_DAY: bucket('day', 'resolved_at', 'Not resolved'),
  RESOLVED_WEEK: bucket('week', 'resolved_at', 'Not resolved'),
  RESOLVED_MONTH: bucket('month', 'resolved_at', 'Not resolved'),
};

/** The SLA clocks a metric reads, joined as `fr` and `rc`. */
const CLOCKS = { fr: 'FIRST_RESPONSE', rc: 'RESOLUTION' } as const;

const seconds = (end: string) => `date_part('epoch', t.${end} - t.created_at)`;
/** 1 for a clock met in time, 0 for a breached one, null while undecided: avg() is the met rate. */
const metRate = (clock: keyof typeof CLOCKS) => `avg(case ${clock}.status when 'MET' then 1 when 'BREACHED' then 0 end)`;

const METRICS: Record<TicketMetric, { sql: string; clock?: keyof typeof CLOCKS }> = {
  COUNT: { sql: 'count(*)' },
  OPEN_COUNT: { sql: `count(*) filter (where t.status in (${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')}))` },
  RESOLVED_COUNT: { sql: 'count(t.resolved_at)' },
  MEAN_TIME_TO_RESOLVE: { sql: `avg(${seconds('resolved_at')})` },
  MEDIAN_TIME_TO_RESOLVE: { sql: `percentile_cont(0.5) within group (order by ${seconds('resolved_at')})` },
  P90_TIME_TO_RESOLVE: { sql: `percentile_cont(0.9) within group (order by ${seconds('resolved_at')})` },
  MEAN_FIRST_RESPONSE: { sql: `avg(${seconds('first_responded_at')})` },
  FIRST_RESPONSE_SLA_MET_RATE: { sql: metRate('fr'), clock: 'fr' },
  RESOLUTION_SLA_MET_RATE: { sql: metRate('rc'), clock: 'rc' },
  BREACHED_COUNT: { sql: 'count(*) filter (where t.sla_breached)' },
  // Resolved at least once: resolved now, or reopened since.
  REOPENED_RATE: { sql: 'avg(case when t.reopened_count > 0 then 1 when t.resolved_at is not null then 0 end)' },
  CSAT_AVERAGE: { sql: 'avg(t.rating)' },
};

/**
 * The statement for `question` over the tickets `where` selects: columns `v0…` (key values as
 * text), `l0…` (labels, where SQL knows them) and `m0…` (metrics, float8), at most `limit` rows.
 */
export function statsQuery(em: EntityManager, where: QBFilterQuery<Ticket>, question: StatsQuestion, limit: number): Knex.QueryBuilder {
  const knex = em.getKnex();
  const inner = em.createQueryBuilder(Ticket, 't').where(where).getKnexQuery().clearSelect();
  const dimensions = question.groupBy.map((dimension) => DIMENSIONS[dimension]);
  dimensions.forEach((spec, index) => inner.select(knex.raw(`${spec.sql} as d${index}`, spec.zoned ? [question.timezone] : [])));
  question.metrics.forEach((metric, index) => inner.select(knex.raw(`(${METRICS[metric].sql})::float8 as m${index}`)));
  const clocks = new Set(question.metrics.map((metric) => METRICS[metric].clock).filter((clock) => clock !== undefined));
  for (const clock of clocks) {
    inner.leftJoin(`ticket_sla_clocks as ${clock}`, (join) => join.on(`${clock}.ticket_id`, 't.id').andOnVal(`${clock}.metric`, CLOCKS[clock]));
  }
  if (dimensions.length) inner.groupByRaw(dimensions.map((_spec, index) => index + 1).join(', '));

  const outer = knex.from(inner.as('s'));
  const order: string[] = [];
  dimensions.forEach((spec, index) => {
    const key = `s.d${index}`;
    if (spec.names) {
      outer.leftJoin(`${spec.names.table} as n${index}`, `n${index}.id`, key);
      outer.select(knex.raw(`${key}::text as v${index}, n${index}.name as l${index}`));
      order.push(`n${index}.name nulls last`);
    } else if (spec.formats) {
      outer.select(knex.raw(`to_char(${key}, ?) as v${index}, to_char(${key}, ?) as l${index}`, [spec.formats.value, spec.formats.label]));
    } else {
      outer.select(knex.raw(`${key}::text as v${index}`));
    }
    order.push(`${key} nulls last`);
  });
  question.metrics.forEach((_metric, index) => outer.select(`s.m${index}`));
  if (order.length) outer.orderByRaw(order.join(', '));
  return outer.limit(limit);
}
