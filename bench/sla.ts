/**
 * SLA timers at scale: BENCH_SLA_TICKETS (default 100,000) open tickets whose running RESOLUTION
 * clocks fall due over BENCH_SLA_SPREAD_SECONDS (60), fired by two real server instances on one
 * database (the scheduler of src/modules/sla/sla.scheduler.ts in each), one graphql-ws client
 * subscribed to slaEvents on each. Reports the delay from due time to the event's commit
 * (pg_xact_commit_timestamp), from commit to client receipt and from due time to receipt, the
 * schedulers' batches (their debug log: clocks and event-log lock hold per batch), duplicates (SQL),
 * database load (pg_stat_database, pg_stat_statements) and CPU (PostgreSQL's processes, this one),
 * beside the floor: a bare setTimeout in this process for each due instant.
 *
 * Set-up in two timed steps, so that no timer is overdue when the run starts: before the servers
 * start, the tickets are opened and given an unarmed (paused) clock each; once servers and clients
 * are up, one transaction arms them (due times and the tickets' sla_due_at). Each step ends with a
 * VACUUM, so that the run starts without the set-up's dead rows (and autovacuum does not start on
 * them mid-run), the second with a CHECKPOINT for the same reason. The second step writes the same rows as the first, so the lead before the first due
 * time is twice the first step's time plus the schedulers' safety poll (they see clocks set behind
 * their back on it); the margin left after arming is printed.
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import pino from 'pino';
import WebSocket from 'ws';
import { loadConfig } from '../src/config';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded-postgres';
import { migrate, openDatabase } from '../src/db/orm';
import { seedTickets } from '../src/demo/bulk-seed';
import { createLogger } from '../src/logger';
import { decodeCursor } from '../src/modules/events/event-log';
import { BATCH, SAFETY_POLL_MS } from '../src/modules/sla/sla.scheduler';
import { startServer, type RunningServer } from '../src/server/app';
import { gql, positiveInteger, postgresCpuSeconds, Scratch, sleep, stats, table, UsageError, withCleanUp } from './lib';

export const description =
  'SLA breaches of 100,000 clocks due over 60 s, fired by two server instances: due → commit → client receipt (p50/p99/max), batches and lock hold, duplicates, database load; floor: bare setTimeout';

const ADMIN_EMAIL = 'sla-bench-admin@deskgraph.local';
const ADMIN_PASSWORD = 'sla-bench-admin-password';
const TARGET_SECONDS = 3600;

const fmt = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 1 : 0)} ms` : '—');

async function query<R extends Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

interface Receipt {
  seq: number;
  dueAt: number;
  receivedAt: number;
}

/** One scheduler transaction, from its debug log line. */
interface Batch {
  instance: number;
  clocks: number;
  lockHeldMs: number;
}

/** A server logger that keeps the schedulers' batch lines and passes warnings and errors on. */
function serverLog(instance: number, batches: Batch[]) {
  return pino(
    { level: 'debug' },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { level: number; msg?: string; clocks?: number; lockHeldMs?: number };
        if (entry.msg === 'SLA timers fired') batches.push({ instance, clocks: entry.clocks!, lockHeldMs: entry.lockHeldMs! });
        else if (entry.level >= 40) process.stderr.write(line);
      },
    },
  );
}

export async function run(args: string[]): Promise<void> {
  if (args.length) {
    throw new UsageError(`sla takes no arguments (BENCH_SLA_TICKETS, BENCH_SLA_SPREAD_SECONDS, BENCH_SLA_LEAD_SECONDS, BENCH_SLA_SHARED_BUFFERS), got ${args.join(' ')}`);
  }
  const tickets = positiveInteger('BENCH_SLA_TICKETS', 100_000);
  const spreadMs = positiveInteger('BENCH_SLA_SPREAD_SECONDS', 60) * 1000;
  const drainMs = 60_000;
  // The tickets with their 14 indexes (about 490 MB at 100,000) do not fit PostgreSQL's default 128MB,
  // as they would in a production server's cache: the breaches' ticket updates would read and evict pages.
  const sharedBuffers = process.env.BENCH_SLA_SHARED_BUFFERS?.trim() || '1GB';
  if (!/^\d+(kB|MB|GB)$/.test(sharedBuffers)) throw new UsageError(`BENCH_SLA_SHARED_BUFFERS must be a size such as 1GB or 128MB, got "${sharedBuffers}"`);

  const scratch = new Scratch();
  const log = createLogger('warn');
  let postgres: EmbeddedPostgres | undefined;
  const servers: RunningServer[] = [];
  const clients: WsClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  const cleanUp = async () => {
    for (const timer of timers) clearTimeout(timer);
    for (const client of clients) await client.dispose();
    for (const server of servers) await server.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    await scratch.cleanUp();
  };
  const say = (line: string) => process.stderr.write(`${line}\n`);

  return withCleanUp(cleanUp, async () => {
    // Embedded PostgreSQL with commit timestamps, pg_stat_statements and its cache size (a restart applies them).
    const dataDir = scratch.dataDir('sla');
    postgres = await startEmbeddedPostgres(dataDir, log);
    await query(postgres.adminUrl, `alter system set track_commit_timestamp = on`);
    await query(postgres.adminUrl, `alter system set shared_preload_libraries = 'pg_stat_statements'`);
    await query(postgres.adminUrl, `alter system set shared_buffers = '${sharedBuffers}'`);
    await postgres.stop();
    postgres = await startEmbeddedPostgres(dataDir, log);
    await ensureDatabase(postgres.adminUrl, 'deskgraph');
    const databaseUrl = postgres.urlFor('deskgraph');
    await query(databaseUrl, 'create extension if not exists pg_stat_statements');
    const orm = await openDatabase(databaseUrl, 1, log);
    await migrate(orm);
    await orm.close();
    const seeded = await seedTickets(databaseUrl, { tickets, progress: say });
    const [policy] = await query<{ id: string }>(
      databaseUrl,
      `insert into sla_policies (id, created_at, updated_at, version, name, position, applies_to, targets, warn_at_percent, pause_statuses)
       values (gen_random_uuid(), now(), now(), 1, 'SLA benchmark', 1, '{}', $1::jsonb, 80, '{PENDING}') returning id`,
      [JSON.stringify(['P1', 'P2', 'P3', 'P4'].map((priority) => ({ priority, firstResponseSeconds: TARGET_SECONDS, resolutionSeconds: TARGET_SECONDS })))],
    );

    // Set-up, step 1: the tickets opened, each with a paused RESOLUTION clock (nothing to fire yet).
    const preparing = Date.now();
    const [prepared] = await query<{ count: string }>(
      databaseUrl,
      `with chosen as (select id from tickets order by id limit $1),
            opened as (update tickets t set status = 'OPEN' from chosen where t.id = chosen.id and t.status <> 'OPEN'),
            clocks as (insert into ticket_sla_clocks (ticket_id, metric, policy_id, target_seconds, elapsed_millis, running_since, status, due_at, warn_at, warned_at, next_fire_at)
                       select id, 'RESOLUTION', $2, ${TARGET_SECONDS}, 0, null, 'PAUSED', null, null, null, null from chosen
                       returning 1)
       select count(*) as count from clocks`,
      [tickets, policy.id],
    );
    const clocks = Number(prepared.count);
    await query(databaseUrl, 'vacuum (analyze) tickets, ticket_sla_clocks');
    const prepareMs = Date.now() - preparing;
    say(`${clocks} tickets opened with a paused clock in ${(prepareMs / 1000).toFixed(1)} s`);

    // Two real servers on the database, in this process; their schedulers' batches are logged at debug level.
    const batches: Batch[] = [];
    for (let index = 0; index < 2; index += 1) {
      servers.push(
        await startServer(
          loadConfig({
            DATABASE_URL: databaseUrl,
            PORT: '0',
            HOST: '127.0.0.1',
            LOG_LEVEL: 'debug',
            DEMO_DATA: '0',
            JWT_SECRET: 'sla-benchmark-secret-0123456789abcdef0123',
            BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
            BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
            DATABASE_POOL_SIZE: '10',
          }),
          serverLog(index + 1, batches),
        ),
      );
    }
    const { login } = await gql<{ login: { token: string | null } }>(
      servers[0].url,
      'mutation($input: LoginInput!) { login(input: $input) { token } }',
      { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } },
    );
    if (!login.token) throw new Error('admin login failed');

    // One slaEvents subscriber (all groups) per instance.
    const receipts: Receipt[][] = servers.map(() => []);
    const subscriptionErrors: string[] = [];
    for (const [index, server] of servers.entries()) {
      const client = createClient({
        url: server.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${login.token}` },
        retryAttempts: 0,
      });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error('subscription not acknowledged')), 10_000);
        client.on('connected', () => {
          clearTimeout(timeout);
          resolve();
        });
        client.subscribe<{ slaEvents: { cursor: string; kind: string; dueAt: string | null } }>(
          { query: 'subscription { slaEvents { cursor kind metric dueAt occurredAt } }' },
          {
            next: (result) => {
              const receivedAt = Date.now();
              const event = result.data?.slaEvents;
              if (result.errors) subscriptionErrors.push(JSON.stringify(result.errors));
              if (event?.kind === 'BREACHED' && event.dueAt) receipts[index].push({ seq: decodeCursor(event.cursor), dueAt: new Date(event.dueAt).getTime(), receivedAt });
            },
            error: (error) => subscriptionErrors.push(String((error as Error)?.message ?? JSON.stringify(error))),
            complete: () => undefined,
          },
        );
      });
    }
    await sleep(500); // the subscriptions are set up server-side after the connection ack

    // Set-up, step 2, one transaction: clock k due at start + floor(k × spread / N), already warned
    // (one BREACHED each), and its ticket's sla_due_at.
    const leadMs = process.env.BENCH_SLA_LEAD_SECONDS ? positiveInteger('BENCH_SLA_LEAD_SECONDS', 1) * 1000 : 2 * prepareMs + SAFETY_POLL_MS + 1000;
    const arming = Date.now();
    const start = arming + leadMs;
    await query(
      databaseUrl,
      `with due as (select ticket_id, timestamptz 'epoch' + ($1::bigint + ((row_number() over (order by ticket_id) - 1) * $2::bigint) / $3::bigint) * interval '1 millisecond' as at
                      from ticket_sla_clocks),
            armed as (update ticket_sla_clocks c
                         set status = 'RUNNING', running_since = due.at - interval '${TARGET_SECONDS} seconds', warned_at = due.at - interval '${TARGET_SECONDS * 0.2} seconds',
                             due_at = due.at, next_fire_at = due.at
                        from due where c.ticket_id = due.ticket_id
                      returning c.ticket_id, due.at)
       update tickets t set sla_due_at = armed.at from armed where t.id = armed.ticket_id`,
      [start, spreadMs, clocks],
    );
    await query(databaseUrl, 'vacuum (analyze) tickets, ticket_sla_clocks');
    // The set-up wrote about a gigabyte of WAL: checkpoint now rather than when that triggers one mid-run.
    await query(databaseUrl, 'checkpoint');
    const armMs = Date.now() - arming;
    const margin = start - Date.now();
    say(
      `${clocks} clocks due from ${new Date(start).toISOString()} over ${spreadMs / 1000} s: armed in ${(armMs / 1000).toFixed(1)} s, ` +
        `${(margin / 1000).toFixed(1)} s before the first due time (the schedulers' safety poll is ${SAFETY_POLL_MS / 1000} s)`,
    );
    if (margin < SAFETY_POLL_MS) say(`warning: less than a safety poll of margin; the first timers may be late (set BENCH_SLA_LEAD_SECONDS higher)`);
    await query(databaseUrl, 'select pg_stat_statements_reset()');
    await query(databaseUrl, 'select pg_stat_reset()');

    // The floor: a bare setTimeout per due instant, in this process, alongside.
    const floor: number[] = [];
    for (let k = 0; k < clocks; k += 1) {
      const at = start + Math.floor((k * spreadMs) / clocks);
      timers.push(setTimeout(() => floor.push(Date.now() - at), at - Date.now()));
    }

    await sleep(start - Date.now());
    const cpuBefore = process.cpuUsage();
    const postgresCpuBefore = postgresCpuSeconds(dataDir);
    const loadBefore = os.loadavg();
    const batchesBefore = batches.length;
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const deadline = start + spreadMs + drainMs;
    while (Date.now() < deadline && !(receipts.every((list) => list.length >= clocks) && floor.length >= clocks)) await sleep(200);
    const finishedAt = Date.now();
    const cpu = process.cpuUsage(cpuBefore);
    const postgresCpu = postgresCpuSeconds(dataDir) - postgresCpuBefore;
    const loadAfter = os.loadavg();
    loopDelay.disable();
    const runBatches = batches.slice(batchesBefore);
    await sleep(1000);

    // Commit delay, duplicates, missing, from the event log.
    const committed = await query<{ seq: string; commit_ms: number; due_ms: number }>(
      databaseUrl,
      `select seq, extract(epoch from pg_xact_commit_timestamp(xmin))::float8 * 1000 as commit_ms, extract(epoch from (data->>'dueAt')::timestamptz)::float8 * 1000 as due_ms
         from events where topic = 'sla' and kind = 'BREACHED'`,
    );
    const commitOf = new Map(committed.map((row) => [Number(row.seq), row.commit_ms]));
    const [counts] = await query<{ events: string; duplicates: string; distinct_clocks: string; warnings: string; still_due: string }>(
      databaseUrl,
      `select (select count(*) from events where topic = 'sla') as events,
              (select count(*) from events where topic = 'sla' and kind = 'WARNING') as warnings,
              (select coalesce(sum(n - 1), 0) from (select count(*) as n from events where topic = 'sla' group by ticket_id, data->>'metric', kind having count(*) > 1) d) as duplicates,
              (select count(distinct ticket_id) from events where topic = 'sla' and kind = 'BREACHED') as distinct_clocks,
              (select count(*) from ticket_sla_clocks where next_fire_at is not null) as still_due`,
    );
    const [database] = await query<Record<string, string>>(
      databaseUrl,
      `select xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, blks_hit, blks_read, deadlocks
         from pg_stat_database where datname = current_database()`,
    );
    const statements = await query<{ calls: string; total: number; mean: number; text: string }>(
      databaseUrl,
      `select calls, total_exec_time::float8 as total, mean_exec_time::float8 as mean, regexp_replace(query, '\\s+', ' ', 'g') as text
         from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
        order by total_exec_time desc limit 10`,
    );
    const [statementTotals] = await query<{ calls: string; total: number }>(
      databaseUrl,
      `select coalesce(sum(calls), 0) as calls, coalesce(sum(total_exec_time), 0)::float8 as total
         from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())`,
    );

    const seconds = (finishedAt - start) / 1000;
    const rows: string[][] = [['', 'n', 'p50', 'p99', 'max']];
    const add = (name: string, values: number[], format = fmt) => {
      const figures = stats(values);
      rows.push([name, String(figures.n), format(figures.p50), format(figures.p99), format(figures.max)]);
      return figures;
    };
    const commit = add('due → event commit (pg_xact_commit_timestamp)', committed.map((row) => row.commit_ms - row.due_ms));
    for (const [index, list] of receipts.entries()) {
      add(`commit → receipt, client on instance ${index + 1}`, list.filter((item) => commitOf.has(item.seq)).map((item) => item.receivedAt - commitOf.get(item.seq)!));
    }
    const received = receipts.map((list, index) => add(`due → receipt, client on instance ${index + 1}`, list.map((item) => item.receivedAt - item.dueAt)));
    const floorStats = add('floor: bare setTimeout in this process', floor);
    add('scheduler batch: clocks fired', runBatches.map((batch) => batch.clocks), (value) => (Number.isFinite(value) ? String(value) : '—'));
    add('scheduler batch: event-log lock held', runBatches.map((batch) => batch.lockHeldMs));
    add(`  of full batches (${BATCH} clocks)`, runBatches.filter((batch) => batch.clocks === BATCH).map((batch) => batch.lockHeldMs));
    const receiptDuplicates = receipts.map((list) => list.length - new Set(list.map((item) => item.seq)).size);
    const worstP99 = Math.max(...received.map((figures) => figures.p99));
    const worstMax = Math.max(...received.map((figures) => figures.max));
    const n = (value: string | number) => Number(value).toLocaleString('en');
    const lockHeld = runBatches.reduce((sum, batch) => sum + batch.lockHeldMs, 0);
    const nodeCpu = (cpu.user + cpu.system) / 1e6;

    process.stdout.write(
      [
        `sla: ${n(clocks)} running clocks on open tickets (${n(seeded.tickets)} seeded in ${(seeded.ms / 1000).toFixed(1)} s; clocks prepared in ${(prepareMs / 1000).toFixed(1)} s, ` +
          `armed in ${(armMs / 1000).toFixed(1)} s, ${(margin / 1000).toFixed(1)} s before the first due time) due over ${spreadMs / 1000} s; ` +
          `shared_buffers ${sharedBuffers}; 2 server instances + 2 graphql-ws clients + the floor's timers in one node process; node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? 'unknown'}); ` +
          `load average (1/5/15 min) before ${loadBefore.map((value) => value.toFixed(2)).join('/')}, after ${loadAfter.map((value) => value.toFixed(2)).join('/')}`,
        '',
        table(rows),
        '',
        `target p99 < 1000 ms end to end: ${worstP99 < 1000 ? 'met' : 'NOT met'} (${fmt(worstP99)}); max < 2000 ms: ${worstMax < 2000 ? 'met' : 'NOT met'} (${fmt(worstMax)}); floor p99 ${fmt(floorStats.p99)}`,
        `events: ${n(counts.events)} sla events (${n(counts.warnings)} warnings), ${n(counts.distinct_clocks)} clocks breached of ${n(clocks)}, ` +
          `${n(counts.still_due)} timers still pending; duplicates (events per ticket, metric, kind > 1): ${counts.duplicates}; ` +
          `duplicate deliveries per client: ${receiptDuplicates.join(', ')}; subscription errors: ${subscriptionErrors.length}${subscriptionErrors.length ? ` (${subscriptionErrors[0].slice(0, 200)})` : ''}`,
        `scheduler: ${n(runBatches.length)} batches (${[1, 2].map((instance) => `instance ${instance}: ${n(runBatches.filter((batch) => batch.instance === instance).length)}`).join(', ')}); ` +
          `event-log lock held ${(lockHeld / 1000).toFixed(1)} s in all, ${((lockHeld / 1000 / seconds) * 100).toFixed(0)}% of the run`,
        `commit delay covered ${n(commit.n)} events; run from first due time to last receipt ${seconds.toFixed(1)} s; ` +
          `event-loop delay of this process p50 ${fmt(loopDelay.percentile(50) / 1e6)}, p99 ${fmt(loopDelay.percentile(99) / 1e6)}, max ${fmt(loopDelay.max / 1e6)}; ` +
          `CPU over the run: this node process ${nodeCpu.toFixed(1)} s (${((nodeCpu / seconds) * 100).toFixed(0)}% of one core), PostgreSQL ${postgresCpu.toFixed(1)} s (${((postgresCpu / seconds) * 100).toFixed(0)}% of one core)`,
        `database over the run (pg_stat_database): ${n(database.xact_commit)} commits (${n(Number(database.xact_commit) / seconds)}/s), ${n(database.xact_rollback)} rollbacks, ` +
          `tuples returned ${n(database.tup_returned)}, fetched ${n(database.tup_fetched)}, inserted ${n(database.tup_inserted)}, updated ${n(database.tup_updated)}, deleted ${n(database.tup_deleted)}; ` +
          `blocks hit ${n(database.blks_hit)}, read ${n(database.blks_read)}; deadlocks ${database.deadlocks}`,
        `pg_stat_statements: ${n(statementTotals.calls)} statements (${n(Number(statementTotals.calls) / seconds)}/s, ${(Number(statementTotals.calls) / Math.max(1, clocks)).toFixed(2)} per clock), ` +
          `${(statementTotals.total / 1000).toFixed(1)} s execution in all; top by time:`,
        ...statements.map((row) => `  ${n(row.calls).padStart(9)} calls ${(row.total / 1000).toFixed(2).padStart(7)} s  ${row.text.slice(0, 130)}`),
        '',
      ].join('\n'),
    );
  });
}
