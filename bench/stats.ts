/**
 * Ticket statistics at desk scale: `ticketStats` of RESOLUTION_SLA_MET_RATE and MEDIAN_TIME_TO_RESOLVE
 * by GROUP × CREATED_WEEK over a year of BENCH_TICKETS (default 1,000,000) tickets, through the real
 * server (GraphQL over HTTP: a read-only transaction, the time limit, EXPLAIN against the analyst's
 * budget, the statement), beside the baseline measured in the same run: the very same statement
 * (built by `statsQuery` of src/modules/analytics/analytics.query.ts from the same filter and viewer)
 * sent directly with pg, and the same inside the service's guard (read-only transaction, time limit,
 * EXPLAIN) sent by hand, which tells the guard's share from GraphQL's. A cheaper question (COUNT and OPEN_COUNT by PRIORITY over 30 days) shows the
 * fixed cost of the GraphQL path. One request at a time (latencies), rounds interleaved.
 *
 * Data: the bulk seed (src/demo/bulk-seed.ts: a year of tickets, denser lately, 20 groups) with its SLA
 * outcomes (`sla: true`: both clocks of every ticket, decided from its timestamps), in an
 * embedded PostgreSQL in a temporary DATA_DIR (or BENCH_DATABASE_URL: empty, or seeded by an earlier
 * run, then reused as it is), then VACUUM ANALYZE, as autovacuum would have done on a desk that old.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client as PgClient } from 'pg';
import { Role } from '../src/auth/roles';
import { TokenService } from '../src/auth/tokens';
import { seedTickets } from '../src/demo/bulk-seed';
import { statsQuery } from '../src/modules/analytics/analytics.query';
import { AnalyticsService } from '../src/modules/analytics/analytics.service';
import { TicketDimension, TicketMetric } from '../src/modules/analytics/analytics.types';
import { toCriteria } from '../src/modules/tickets/tickets.resolver';
import type { TicketFilter } from '../src/modules/tickets/tickets.types';
import { loadViewer } from '../src/modules/users/session.service';
import { median, percentile, positiveInteger, table, UsageError, withBenchDatabase } from './lib';

export const description =
  'ticketStats (SLA met rate and median time to resolve by group x week over a year of 1,000,000 tickets) through GraphQL vs. the same SQL run directly with pg; p50/p99 latency';

const JWT_SECRET = 'stats-benchmark-secret-0123456789abcdef012345';
const DAY = 86_400_000;

const QUERY = `query Stats($filter: TicketFilter, $groupBy: [TicketDimension!]!, $metrics: [TicketMetric!]!, $timezone: String) {
  ticketStats(filter: $filter, groupBy: $groupBy, metrics: $metrics, timezone: $timezone) {
    rows { keys { dimension value label } values { metric value } }
  }
}`;

interface Question {
  name: string;
  filter: TicketFilter;
  groupBy: TicketDimension[];
  metrics: TicketMetric[];
  timezone: string;
}

function questions(now: Date): Question[] {
  return [
    {
      name: 'RESOLUTION_SLA_MET_RATE, MEDIAN_TIME_TO_RESOLVE by GROUP x CREATED_WEEK, 365 days',
      filter: { createdAfter: new Date(now.getTime() - 365 * DAY) },
      groupBy: [TicketDimension.GROUP, TicketDimension.CREATED_WEEK],
      metrics: [TicketMetric.RESOLUTION_SLA_MET_RATE, TicketMetric.MEDIAN_TIME_TO_RESOLVE],
      timezone: 'UTC',
    },
    {
      name: 'COUNT, OPEN_COUNT by PRIORITY, 30 days',
      filter: { createdAfter: new Date(now.getTime() - 30 * DAY) },
      groupBy: [TicketDimension.PRIORITY],
      metrics: [TicketMetric.COUNT, TicketMetric.OPEN_COUNT],
      timezone: 'UTC',
    },
  ];
}

const fmt = (value: number) => `${value.toFixed(1)} ms`;

export async function run(args: string[]): Promise<void> {
  if (args.length) throw new UsageError(`stats takes no arguments (BENCH_TICKETS, BENCH_REQUESTS, BENCH_ROUNDS, BENCH_WARMUP, BENCH_DATABASE_URL), got ${args.join(' ')}`);
  const tickets = positiveInteger('BENCH_TICKETS', 1_000_000);
  const requests = positiveInteger('BENCH_REQUESTS', 10);
  const rounds = positiveInteger('BENCH_ROUNDS', 3);
  const warmUp = positiveInteger('BENCH_WARMUP', 3);

  await withBenchDatabase('stats', async ({ databaseUrl, say, hold, startServer }) => {
    const direct = hold(new PgClient({ connectionString: databaseUrl }), (client) => client.end());
    await direct.connect();
    // A database this benchmark already seeded is reused as it is (BENCH_DATABASE_URL, for iterating).
    const [{ count: existing }] = (await direct.query<{ count: number }>('select count(*)::int as count from tickets')).rows;
    let seeding = 'reused';
    if (existing === 0) {
      const seeded = await seedTickets(databaseUrl, { tickets, sla: true, progress: say });
      seeding = `seeded in ${(seeded.ms / 1000).toFixed(1)} s`;
      say(`stats: ${seeded.tickets} tickets and ${seeded.clocks} SLA clocks ${seeding}; vacuum analyze...`);
      await direct.query('vacuum analyze tickets, ticket_sla_clocks');
    }
    const [desk] = (
      await direct.query<{ tickets: number; clocks: number; now: Date; size: string }>(
        `select (select count(*)::int from tickets) as tickets, (select count(*)::int from ticket_sla_clocks) as clocks,
                (select max(created_at) from tickets) as now, pg_size_pretty(pg_total_relation_size('tickets')) as size`,
      )
    ).rows;
    const [{ id: analystId }] = (
      await direct.query<{ id: string }>(
        `insert into users (id, created_at, updated_at, email, name, role, timezone, locale)
         values (gen_random_uuid(), now(), now(), 'stats.analyst@bench.example', 'Stats Analyst', $1, 'UTC', 'en')
         on conflict (email) do update set role = excluded.role returning id`,
        [Role.ANALYST],
      )
    ).rows;

    const server = await startServer({ JWT_SECRET });
    const { config } = server;
    const token = new TokenService(JWT_SECRET, 3600).issue(analystId);
    const em = server.orm.em.fork();
    const viewer = (await loadViewer(em, analystId))!;
    const service = new AnalyticsService({ em, viewer }, config.analytics);

    const results: string[][] = [['', 'rows', 'plan cost', 'GraphQL p50', 'p99', 'guarded p50', 'p99', 'direct p50', 'p99', 'p50 ratio', 'p50 gap']];
    const loadBefore = os.loadavg();
    for (const question of questions(desk.now)) {
      const body = JSON.stringify({ query: QUERY, variables: question });
      const { sql, bindings } = statsQuery(em, service.where(viewer, toCriteria(question.filter)), question, config.analytics.maxRows + 1)
        .toSQL()
        .toNative();
      const graphql = async () => {
        const response = await fetch(server!.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
        const json = (await response.json()) as { errors?: unknown; data?: { ticketStats: { rows: { values: { value: number | null }[] }[] } } };
        if (json.errors || !json.data) throw new Error(`GraphQL answered ${response.status}: ${JSON.stringify(json.errors).slice(0, 300)}`);
        return json.data.ticketStats.rows;
      };
      const baseline = async () => (await direct!.query<Record<string, unknown>>(sql, bindings as unknown[])).rows;
      // The service's guard around the statement, by hand: where the time between the two goes.
      const guarded = async () => {
        await direct!.query('begin transaction read only');
        await direct!.query(`select set_config('statement_timeout', $1, true)`, [String(config.analytics.statementTimeoutMs)]);
        await direct!.query(`explain (format json) ${sql}`, bindings as unknown[]);
        const { rows } = await direct!.query(sql, bindings as unknown[]);
        await direct!.query('commit');
        return rows;
      };

      // Both give the same answer before anything is timed.
      const [viaGraphql, viaSql] = [await graphql(), await baseline()];
      const same =
        viaGraphql.length === viaSql.length &&
        viaGraphql.every((row, index) => row.values.every((value, metric) => value.value === viaSql[index][`m${metric}`]));
      if (!same) throw new Error(`GraphQL and the direct statement disagree on "${question.name}" (${viaGraphql.length} vs ${viaSql.length} rows)`);
      const [plan] = (await direct.query<{ 'QUERY PLAN': { Plan: { 'Total Cost': number } }[] }>(`explain (format json) ${sql}`, bindings as unknown[])).rows;

      say(`stats: "${question.name}": ${viaSql.length} rows; warming up...`);
      const targets = [['graphql', graphql], ['guarded', guarded], ['direct', baseline]] as const;
      for (let index = 0; index < warmUp; index += 1) for (const [, work] of targets) await work();
      const times: Record<(typeof targets)[number][0], number[]> = { graphql: [], guarded: [], direct: [] };
      for (let round = 1; round <= rounds; round += 1) {
        for (const [name, work] of targets) {
          say(`  round ${round}/${rounds}: ${name}, ${requests} requests one at a time`);
          for (let index = 0; index < requests; index += 1) {
            const started = performance.now();
            await work();
            times[name].push(performance.now() - started);
          }
        }
      }
      results.push([
        question.name,
        String(viaSql.length),
        Math.round(plan['QUERY PLAN'][0].Plan['Total Cost']).toLocaleString('en'),
        fmt(median(times.graphql)),
        fmt(percentile(times.graphql, 99)),
        fmt(median(times.guarded)),
        fmt(percentile(times.guarded, 99)),
        fmt(median(times.direct)),
        fmt(percentile(times.direct, 99)),
        `${(median(times.graphql) / median(times.direct)).toFixed(2)}x`,
        fmt(median(times.graphql) - median(times.direct)),
      ]);
    }

    const cpu = os.cpus()[0]?.model ?? 'unknown';
    process.stdout.write(
      [
        `stats: ${desk.tickets.toLocaleString('en')} tickets over a year (tickets table and indexes ${desk.size}), ${desk.clocks.toLocaleString('en')} SLA clocks ` +
          `(${seeding}); node ${process.version}, ${os.availableParallelism()} CPUs (${cpu}), ` +
          `load average (1/5/15 min) before ${loadBefore.map((load) => load.toFixed(2)).join('/')}, after ${os.loadavg().map((load) => load.toFixed(2)).join('/')}`,
        `as an ANALYST (budget ${config.analytics.costBudgets.ANALYST.toLocaleString('en')}); ${rounds} rounds x ${requests} requests per target, one at a time, after ${warmUp} warm-up requests each`,
        `GraphQL: ticketStats over HTTP (read-only transaction, statement_timeout, EXPLAIN against the budget, the statement); ` +
          `guarded: those five statements by hand with pg; direct: the statement alone with pg`,
        `p50 ratio and gap: GraphQL against direct`,
        '',
        table(results),
        '',
        `target: GraphQL p50 within 1.2x or 5 ms of direct`,
        '',
      ].join('\n'),
    );
  });
}
