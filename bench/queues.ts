/**
 * Queues at scale: 200 queues (created through the createQueue mutation) over BENCH_TICKETS (default
 * 1,000,000) seeded tickets. Measures the CPU cost of evaluating one ticket event against all 200
 * queues in memory (what queues.reactor.ts does per change before any SQL), the latency of Queue.count
 * and of a queue's first page over HTTP, and queueEvents delivery to BENCH_SUBSCRIBERS (1,000)
 * graphql-ws connections spread over the queues while BENCH_UPDATES (50) ticket updates are made.
 */
import os from 'node:os';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { SEED_GROUPS } from '../src/demo/bulk-seed';
import { toGlobalId } from '../src/graphql/global-id';
import type { StoredCriteria } from '../src/modules/queues/queues.entities';
import { toCriteria } from '../src/modules/queues/queues.reactor';
import { matchesCriteria } from '../src/modules/tickets/tickets.match';
import type { TicketState } from '../src/modules/tickets/tickets.history';
import { gql, positiveInteger, seedTicketsUpTo, sleep, stats, table, UsageError, withBenchDatabase } from './lib';

export const description =
  '200 queues over 1M tickets: CPU to evaluate one ticket event against all queues, Queue.count and first-page latency, queueEvents delivery p99 to 1,000 subscribers';

const QUEUES = 200;
const ADMIN_EMAIL = 'queues-bench-admin@deskgraph.local';
const ADMIN_PASSWORD = 'queues-bench-admin-password';
const OPEN = ['NEW', 'OPEN', 'PENDING', 'ON_HOLD'];

const fmt = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 0)} ms` : '—');

/** Filter number i of 200: a group (160 of them; 40 span all groups), statuses, priorities, tags, assignment. */
function queueFilter(index: number, groupIds: string[], tags: string[]): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (index < 160) filter.groupIds = [groupIds[index % groupIds.length]];
  const status = [OPEN, ['NEW', 'OPEN'], null, ['PENDING', 'ON_HOLD']][index % 4];
  if (status) filter.status = status;
  const priority = [null, ['P1', 'P2'], ['P3', 'P4'], ['P1'], null][index % 5];
  if (priority) filter.priority = priority;
  if (index % 3 === 1) filter.unassigned = true;
  if (index % 3 === 2 && index % 2 === 0) filter.unassigned = false;
  if (index % 7 === 0 && tags.length) filter.tags = [tags[index % tags.length]];
  return filter;
}

export async function run(args: string[]): Promise<void> {
  if (args.length) throw new UsageError(`queues takes no arguments (BENCH_TICKETS, BENCH_SUBSCRIBERS, BENCH_UPDATES, BENCH_REQUESTS, BENCH_DATABASE_URL), got ${args.join(' ')}`);
  const tickets = positiveInteger('BENCH_TICKETS', 1_000_000);
  const subscribers = positiveInteger('BENCH_SUBSCRIBERS', 1000);
  const updates = positiveInteger('BENCH_UPDATES', 50);
  const requests = positiveInteger('BENCH_REQUESTS', 200);

  return withBenchDatabase('queues', async ({ databaseUrl, say, hold, startServer }) => {
    const seeded = await seedTicketsUpTo(databaseUrl, tickets, say);
    const groups = SEED_GROUPS.map((name) => seeded.groups.find((group) => group.name === name)!);
    const pg = hold(new PgClient({ connectionString: databaseUrl }), (client) => client.end());
    // A connection dropped under us (server restart, pg_terminate_backend) must fail the run, not crash node.
    pg.on('error', (error) => say(`benchmark's own database connection failed: ${error.message}`));
    await pg.connect();
    const tags = (await pg.query<{ tag: string }>(`select tag from (select unnest(tags) as tag from tickets limit 200000) t group by tag order by count(*) desc limit 8`)).rows.map((row) => row.tag);

    const server = await startServer({ JWT_SECRET: 'queues-benchmark-secret-0123456789abcdef01', BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
    const clients = hold<WsClient[]>([], (open) => Promise.all(open.map((client) => client.dispose())));
    const url = server.url;
    const { login } = await gql<{ login: { token: string | null } }>(url, 'mutation($input: LoginInput!) { login(input: $input) { token } }', {
      input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    const token = login.token!;

    // 200 queues through the real mutation (each counts its tickets at creation).
    say(`creating ${QUEUES} queues...`);
    const createStarted = Date.now();
    const queueIds: string[] = [];
    const runStamp = new Date().toISOString();
    const queueNames = Array.from({ length: QUEUES }, (_item, index) => `Bench queue ${index + 1} (${runStamp})`);
    for (let index = 0; index < QUEUES; index += 1) {
      const { createQueue } = await gql<{ createQueue: { queue: { id: string } | null; userErrors: unknown[] } }>(
        url,
        'mutation($input: CreateQueueInput!) { createQueue(input: $input) { queue { id } userErrors { field message code } } }',
        { input: { name: queueNames[index], filter: queueFilter(index, groups.map((group) => toGlobalId('Group', group.id)), tags) } },
        token,
      );
      if (!createQueue.queue) throw new Error(`createQueue ${index}: ${JSON.stringify(createQueue.userErrors)}`);
      queueIds.push(createQueue.queue.id);
    }
    const createMs = Date.now() - createStarted;

    // 1. CPU per ticket event: the reactor's in-memory part for all queues (stored filter → criteria,
    //    membership after and before the change), on a real open ticket of the busiest group.
    const filtersByName = new Map(
      (await pg.query<{ name: string; filter: StoredCriteria }>('select name, filter from queues where name = any($1)', [queueNames])).rows.map((row) => [row.name, row.filter]),
    );
    const stored = queueNames.map((name) => filtersByName.get(name)!);
    const [row] = (
      await pg.query(
        `select id, number, type, status, priority, impact, urgency, channel, category, tags, requester_id, assignee_id, group_id, organization_id, created_at, updated_at
           from tickets where group_id = $1 and status = 'OPEN' order by number limit 1`,
        [groups[0].id],
      )
    ).rows as Record<string, never>[];
    const after: TicketState = {
      id: row.id, number: row.number, type: row.type, status: row.status, priority: row.priority, impact: row.impact, urgency: row.urgency, channel: row.channel,
      category: row.category, tags: row.tags, requesterId: row.requester_id, assigneeId: row.assignee_id, groupId: row.group_id, organizationId: row.organization_id,
      createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(), firstRespondedAt: null, resolvedAt: null,
    };
    const before: TicketState = { ...after, updatedAt: new Date(0).toISOString() };
    let members = 0;
    const evaluate = () => {
      let inside = 0;
      for (const filter of stored) {
        const criteria = toCriteria(filter);
        if (matchesCriteria(criteria, after) === true) inside += 1;
        matchesCriteria(criteria, before);
      }
      return inside;
    };
    for (let index = 0; index < 2000; index += 1) members = evaluate(); // warm-up (JIT)
    const iterations = 20_000;
    const cpuStart = process.cpuUsage();
    const wallStart = process.hrtime.bigint();
    for (let index = 0; index < iterations; index += 1) members += evaluate() * 0;
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
    const cpuPerEventMs = (cpu.user + cpu.system) / 1000 / iterations;
    const matchOnly = (() => {
      const criteria = stored.map(toCriteria);
      const start = process.cpuUsage();
      for (let index = 0; index < iterations; index += 1) for (const item of criteria) matchesCriteria(item, after);
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000 / iterations;
    })();

    // 2. Queue.count and first page over HTTP, sequential, on queues taken in turn.
    const timed = async (query: string, count: number) => {
      const times: number[] = [];
      for (let index = 0; index < count; index += 1) {
        const started = performance.now();
        await gql(url, query, { id: queueIds[(index * 7) % QUEUES] }, token);
        times.push(performance.now() - started);
      }
      return times;
    };
    const typename = await timed('{ __typename }', 20); // warm-up; also the bare request floor
    void typename;
    const floor = await timed('{ __typename }', requests);
    const count = await timed('query($id: ID!) { queue(id: $id) { count } }', requests);
    const page = await timed('query($id: ID!) { queue(id: $id) { tickets(first: 50) { nodes { id key title status priority createdAt } } } }', requests);

    // 3. queueEvents to `subscribers` connections, one queue each (round robin over the 200).
    say(`subscribing ${subscribers} graphql-ws clients...`);
    let receipts: number[] = [];
    let errors = 0;
    const wsUrl = url.replace(/^http/, 'ws');
    for (let index = 0; index < subscribers; index += 1) {
      const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`subscriber ${index} not connected`)), 15_000);
        client.on('connected', () => {
          clearTimeout(timeout);
          resolve();
        });
        client.subscribe(
          { query: 'subscription($ids: [ID!]!) { queueEvents(queueIds: $ids) { cursor kind count occurredAt } }', variables: { ids: [queueIds[index % QUEUES]] } },
          { next: (result) => (result.errors ? (errors += 1) : receipts.push(Date.now())), error: () => (errors += 1), complete: () => undefined },
        );
      });
    }
    await sleep(2000);
    const inQueues = members;
    const watching = Array.from({ length: subscribers }, (_item, index) => index % QUEUES).filter((queue) => matchesCriteria(toCriteria(stored[queue]), after) === true).length;
    void inQueues;
    const loadBefore = os.loadavg();
    const fromResponse: number[] = [];
    const fromRequest: number[] = [];
    const perUpdate: number[] = [];
    for (let index = 0; index < updates; index += 1) {
      receipts = [];
      const sentAt = Date.now();
      await gql(url, 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } userErrors { message } } }', { input: { id: toGlobalId('Ticket', after.id), title: `Queue bench update ${index}` } }, token);
      const respondedAt = Date.now();
      // Everything that arrives until 500 ms of quiet (at most 10 s) belongs to this update.
      let seen = -1;
      const stop = respondedAt + 10_000;
      while (Date.now() < stop && (receipts.length !== seen || receipts.length === 0)) {
        seen = receipts.length;
        await sleep(500);
      }
      perUpdate.push(receipts.length);
      for (const at of receipts) {
        fromResponse.push(at - respondedAt);
        fromRequest.push(at - sentAt);
      }
    }
    const loadAfter = os.loadavg();
    const [{ total }] = (await pg.query<{ total: string }>('select count(*) as total from tickets')).rows;

    const c = stats(count);
    const p = stats(page);
    const f = stats(floor);
    const r = stats(fromResponse);
    const q = stats(fromRequest);
    const n = (value: number | string) => Number(value).toLocaleString('en');
    process.stdout.write(
      [
        `queues: ${QUEUES} queues (created through createQueue in ${(createMs / 1000).toFixed(1)} s) over ${n(total)} tickets (seeded in ${(seeded.ms / 1000).toFixed(1)} s); ` +
          `node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? 'unknown'}); load average (1/5/15 min) before the delivery run ${loadBefore.map((v) => v.toFixed(2)).join('/')}, after ${loadAfter.map((v) => v.toFixed(2)).join('/')}`,
        '',
        `CPU per ticket event, all ${QUEUES} queues in memory (toCriteria + match after + match before, as queues.reactor.ts): ${(cpuPerEventMs * 1000).toFixed(1)} µs ` +
          `(wall ${((wallMs / iterations) * 1000).toFixed(1)} µs; ${n(iterations)} iterations); matchesCriteria alone over ${QUEUES}: ${(matchOnly * 1000).toFixed(1)} µs; ` +
          `target < 1 ms: ${cpuPerEventMs < 1 ? 'met' : 'NOT met'}; the ticket is in ${members} queues`,
        '',
        table([
          ['over HTTP, sequential, admin token', 'requests', 'p50', 'p99', 'max'],
          ['floor: { __typename }', String(f.n), fmt(f.p50), fmt(f.p99), fmt(f.max)],
          ['queue(id) { count }', String(c.n), fmt(c.p50), fmt(c.p99), fmt(c.max)],
          ['queue(id) { tickets(first: 50) }', String(p.n), fmt(p.p50), fmt(p.p99), fmt(p.max)],
          ['queueEvents receipt − mutation response', String(r.n), fmt(r.p50), fmt(r.p99), fmt(r.max)],
          ['queueEvents receipt − mutation sent', String(q.n), fmt(q.p50), fmt(q.p99), fmt(q.max)],
        ]),
        '',
        `delivery: ${subscribers} graphql-ws connections (one queue each, ${subscribers / QUEUES} per queue), ${updates} title updates of one ticket one after the other; ` +
          `${watching} subscribers follow a queue holding the ticket; deliveries per update ${Math.min(...perUpdate)}–${Math.max(...perUpdate)} (expected ${watching}); subscription errors ${errors}`,
        '',
      ].join('\n'),
    );
  });
}
