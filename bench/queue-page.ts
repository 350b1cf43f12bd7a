/**
 * An agent's queue page under load: the first 50 of a group's open tickets by priority, with
 * requester, assignee, group, organization, assets and comment count, served by the real server
 * through GraphQL (the QueuePage operation of test/operations/tickets.graphql), beside the baseline
 * measured in the same run: the same JSON built by one hand-written SQL query and served by plain
 * node:http + pg. Both are driven by the same load generator (autocannon, in a worker thread) with
 * the same connections, after checking that their responses agree. A third target, the stack's
 * floor, is Apollo Server and graphql-js answering the same document from memory (startStackFloor).
 *
 * Data: BENCH_TICKETS (default 1,000,000) tickets bulk-loaded by the seed (src/demo/bulk-seed.ts)
 * into an embedded PostgreSQL in a temporary DATA_DIR, or into BENCH_DATABASE_URL (an empty database
 * or one seeded before: tickets are only added up to BENCH_TICKETS).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import autocannon from 'autocannon';
import { buildSchema, Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { Client as PgClient, Pool } from 'pg';
import { SEED_GROUPS, SEED_PASSWORD } from '../src/demo/bulk-seed';
import { toGlobalId } from '../src/graphql/global-id';
import type { RunningServer } from '../src/server/app';
import { countStatements, statementsOf } from '../test/support/sql-counter';
import { positiveInteger, serveJson, seedTicketsUpTo, table, UsageError, withBenchDatabase } from './lib';

export const description =
  'an agent\'s queue page (50 open tickets of a group by priority, nested people and counts) through GraphQL vs. one hand-written SQL query over node:http + pg, with 1M tickets; req/s, p50/p99, SQL statements per request';

const PAGE = 50;
const OPEN = ['NEW', 'OPEN', 'PENDING', 'ON_HOLD'];
/** The operation under test, as the tests and clients send it. */
const OPERATIONS = path.resolve(__dirname, '..', '..', 'test', 'operations', 'tickets.graphql');
/** The schema the server emits (checked in CI against the code). */
const SCHEMA = path.resolve(__dirname, '..', '..', 'schema', 'schema.graphql');


function queuePageOperation(): string {
  const document = parse(fs.readFileSync(OPERATIONS, 'utf8'));
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION && definition.name?.value === 'QueuePage',
  );
  if (!operation) throw new Error(`no QueuePage operation in ${OPERATIONS}`);
  return print(operation);
}

/** Base64url of "Type:uuid" in SQL: the API's global id (see src/graphql/global-id.ts). */
const globalId = (type: string, column: string) =>
  `rtrim(translate(replace(encode(convert_to('${type}:' || ${column}, 'UTF8'), 'base64'), E'\\n', ''), '+/', '-_'), '=')`;

/**
 * The baseline: the whole GraphQL response body, built by PostgreSQL in one statement. $1: the
 * group's database id. Same rows, same order (priority, then oldest first, then id), same fields.
 */
const BASELINE_SQL = `
select json_build_object('data', json_build_object('tickets', json_build_object('nodes', coalesce(json_agg(json_build_object(
         'id', ${globalId('Ticket', 't.id')},
         'key', (case t.type when 'INCIDENT' then 'INC' when 'SERVICE_REQUEST' then 'REQ' when 'QUESTION' then 'QST' when 'PROBLEM' then 'PRB' else 'CHG' end) || '-' || t.number,
         'title', t.title,
         'status', t.status,
         'priority', t.priority,
         'createdAt', to_char(t.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'requester', json_build_object('id', ${globalId('User', 'r.id')}, 'name', r.name),
         'assignee', case when a.id is null then null else json_build_object('id', ${globalId('User', 'a.id')}, 'name', a.name) end,
         'group', case when g.id is null then null else json_build_object('id', ${globalId('Group', 'g.id')}, 'name', g.name) end,
         'organization', case when o.id is null then null else json_build_object('id', ${globalId('Organization', 'o.id')}, 'name', o.name) end,
         'assets', coalesce((select json_agg(json_build_object('id', ${globalId('Asset', 'x.id')}, 'tag', x.tag) order by x.tag)
                               from ticket_assets ta join assets x on x.id = ta.asset_id where ta.ticket_id = t.id), '[]'::json),
         'commentCount', (select count(*) from ticket_comments c where c.ticket_id = t.id)
       ) order by t.priority, t.created_at, t.id), '[]'::json))))::text as body
  from (select * from tickets
         where group_id = $1 and status in (${OPEN.map((status) => `'${status}'`).join(', ')})
         order by priority, created_at, id limit ${PAGE}) t
  join users r on r.id = t.requester_id
  left join users a on a.id = t.assignee_id
  left join groups g on g.id = t.group_id
  left join organizations o on o.id = t.organization_id`;

/** node:http + pg: every POST answers the baseline body for the group. */
async function startBaseline(databaseUrl: string, groupId: string, poolSize: number): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  const baseline = await serveJson('/queue', async () => (await pool.query<{ body: string }>({ name: 'queue-page', text: BASELINE_SQL, values: [groupId] })).rows[0].body);
  return {
    url: baseline.url,
    close: async () => {
      await baseline.close();
      await pool.end();
    },
  };
}

/**
 * The stack's floor: Apollo Server 5 (its standalone HTTP server) and graphql-js executing the same
 * document against the same schema (schema/schema.graphql, every field on graphql-js's default
 * resolver) over a page held in memory: no database, no authentication, no ORM, no DataLoaders, no
 * protection rules, no type-graphql. What is left is what any server on this stack pays to take the
 * request, execute this selection and serialise its response; a GraphQL server here can go no
 * faster than this.
 */
async function startStackFloor(page: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const apollo = new ApolloServer({ schema: buildSchema(fs.readFileSync(SCHEMA, 'utf8')), rootValue: { tickets: () => page } });
  const { url } = await startStandaloneServer(apollo, { listen: { host: '127.0.0.1', port: 0 } });
  return { url, close: () => apollo.stop() };
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text() };
}

/**
 * The SQL the server sends while `work` runs, as the N+1 tests count it: what requests send, one
 * string per round trip (a request's DataLoaders send their statements together, src/db/read-batch.ts),
 * and the server's background work apart.
 */
async function sendsDuring(server: RunningServer, work: () => Promise<unknown>): Promise<{ sends: string[]; background: string[] }> {
  const { sends, background } = await countStatements(server.orm, work);
  return { sends: sends.map(normalize), background: background.map(normalize) };
}

const normalize = (sql: string) => sql.replace(/\s+/g, ' ').trim();
/** What kind of statement: its text up to the first parameter (enough to tell the loaders' queries apart). */
const kindOf = (sql: string) => sql.slice(0, 80);

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
}

/** autocannon against `url` for `seconds`, every response checked against `expected`. */
async function load(url: string, body: string, headers: Record<string, string>, expected: string, connections: number, seconds: number): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections,
    duration: seconds,
    expectBody: expected,
    workers: 1,
  });
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result['2xx'],
    bad: result.non2xx + result.errors + result.timeouts + result.mismatches,
  };
}

/** Deep equality of two JSON texts, whatever the order of object keys. */
function sameJson(a: string, b: string): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1)).map(([key, item]) => [key, canonical(item)]))
        : value;
  return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)));
}

export async function run(args: string[]): Promise<void> {
  if (args.length) throw new UsageError(`queue-page takes no arguments (BENCH_TICKETS, BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_DATABASE_URL), got ${args.join(' ')}`);
  const tickets = positiveInteger('BENCH_TICKETS', 1_000_000);
  const seconds = positiveInteger('BENCH_SECONDS', 15);
  const warmUp = positiveInteger('BENCH_WARMUP_SECONDS', 5);
  const rounds = positiveInteger('BENCH_ROUNDS', 2);
  const connections = positiveInteger('BENCH_CONNECTIONS', 16);
  const poolSize = 10;

  return withBenchDatabase('queue-page', async ({ databaseUrl, say, hold, startServer }) => {
    const seeded = await seedTicketsUpTo(databaseUrl, tickets, say);
    const group = seeded.groups.find((candidate) => candidate.name === SEED_GROUPS[0])!;

    // The real server, as `npm start` runs it, on the same database.
    const server = await startServer({ JWT_SECRET: 'queue-page-benchmark-secret-0123456789abcdef', DATABASE_POOL_SIZE: String(poolSize) });
    const login = await post(
      server.url,
      JSON.stringify({
        query: 'mutation Login($input: LoginInput!) { login(input: $input) { token userErrors { message } } }',
        variables: { input: { email: group.agentEmails[0], password: SEED_PASSWORD } },
      }),
    );
    const token = (JSON.parse(login.text) as { data?: { login?: { token?: string } } }).data?.login?.token;
    if (!token) throw new Error(`login as ${group.agentEmails[0]} failed: ${login.text}`);
    const headers = { authorization: `Bearer ${token}` };

    const query = queuePageOperation();
    const requestBody = (first: number) =>
      JSON.stringify({
        query,
        variables: { filter: { groupIds: [toGlobalId('Group', group.id)], status: OPEN }, orderBy: { field: 'PRIORITY', direction: 'ASC' }, first },
      });
    const body = requestBody(PAGE);
    const baseline = hold(await startBaseline(databaseUrl, group.id, poolSize), (plain) => plain.close());

    // Same answer from both, and what one GraphQL request costs in statements (5 vs 50 rows: constant?).
    const graphql = await post(server.url, body, headers);
    const plain = await post(baseline.url, body);
    if (graphql.status !== 200 || (JSON.parse(graphql.text) as { errors?: unknown }).errors) throw new Error(`GraphQL answered ${graphql.status}: ${graphql.text.slice(0, 500)}`);
    const nodes = (JSON.parse(graphql.text) as { data: { tickets: { nodes: unknown[] } } }).data.tickets.nodes.length;
    if (nodes !== PAGE) throw new Error(`expected a full page of ${PAGE}, got ${nodes}`);
    if (!sameJson(graphql.text, plain.text)) {
      const dump = path.join(os.tmpdir(), 'queue-page-mismatch');
      fs.writeFileSync(`${dump}-graphql.json`, graphql.text);
      fs.writeFileSync(`${dump}-baseline.json`, plain.text);
      throw new Error(`GraphQL and the baseline disagree: see ${dump}-graphql.json and ${dump}-baseline.json`);
    }
    const floor = hold(await startStackFloor((JSON.parse(plain.text) as { data: { tickets: unknown } }).data.tickets), (apollo) => apollo.close());
    const fromFloor = await post(floor.url, body);
    if (!sameJson(fromFloor.text, plain.text)) throw new Error(`the stack's floor answered otherwise: ${fromFloor.text.slice(0, 500)}`);
    const perRequest = (await sendsDuring(server, () => post(server!.url, body, headers))).sends;
    const perSmallRequest = (await sendsDuring(server, () => post(server!.url, requestBody(5), headers))).sends;
    const openInGroup = await (async () => {
      const client = new PgClient({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ open: string; total: string }>(
          `select (select count(*) from tickets where group_id = $1 and status in ('NEW', 'OPEN', 'PENDING', 'ON_HOLD')) as open, (select count(*) from tickets) as total`,
          [group.id],
        );
        return { open: Number(rows[0].open), total: Number(rows[0].total) };
      } finally {
        await client.end();
      }
    })();

    const targets = [
      { name: 'GraphQL (Apollo + type-graphql + MikroORM)', url: server.url, headers, expected: graphql.text },
      { name: 'stack floor (Apollo + graphql-js, page in memory)', url: floor.url, headers: {}, expected: fromFloor.text },
      { name: 'baseline (node:http + pg, one SQL query)', url: baseline.url, headers: {}, expected: plain.text },
    ];
    const loadBefore = os.loadavg()[0];
    say(`warming up ${warmUp} s each...`);
    for (const target of targets) await load(target.url, body, target.headers, target.expected, connections, warmUp);

    const results: Load[][] = targets.map(() => []);
    // Statements under load: of the kinds one request sends, and any other (background work).
    const requestKinds = new Set(perRequest.map(kindOf));
    // Requests the server started (some are still in flight when autocannon stops counting): one
    // authentication statement each.
    const authentication = kindOf(perRequest.find((sql) => /\bfrom users u\b/.test(sql)) ?? perRequest[0]);
    let started = 0;
    let statements = 0;
    const others = new Map<string, number>();
    for (let round = 1; round <= rounds; round += 1) {
      for (const [index, target] of targets.entries()) {
        say(`round ${round}/${rounds}: ${target.name}, ${seconds} s at ${connections} connections...`);
        if (index === 0) {
          let result: Load | undefined;
          const counted = await sendsDuring(server, async () => (result = await load(target.url, body, target.headers, target.expected, connections, seconds)));
          results[index].push(result!);
          for (const sql of counted.sends) {
            if (kindOf(sql) === authentication) started += 1;
            if (requestKinds.has(kindOf(sql))) statements += 1;
            else others.set(kindOf(sql), (others.get(kindOf(sql)) ?? 0) + 1);
          }
          for (const sql of counted.background) others.set(kindOf(sql), (others.get(kindOf(sql)) ?? 0) + 1);
        } else {
          results[index].push(await load(target.url, body, target.headers, target.expected, connections, seconds));
        }
      }
    }

    const total = (list: Load[]) => ({
      rps: list.reduce((sum, item) => sum + item.requests, 0) / (list.length * seconds),
      p50: Math.max(...list.map((item) => item.p50)),
      p99: Math.max(...list.map((item) => item.p99)),
      requests: list.reduce((sum, item) => sum + item.requests, 0),
      bad: list.reduce((sum, item) => sum + item.bad, 0),
    });
    const [gql, stackFloor, base] = results.map(total);
    const graphqlRequests = gql.requests;
    const row = (name: string, figures: ReturnType<typeof total>) => [
      name,
      figures.rps.toFixed(0),
      `${figures.p50} ms`,
      `${figures.p99} ms`,
      String(figures.requests),
      String(figures.bad),
    ];
    const cpu = os.cpus()[0]?.model ?? 'unknown';
    process.stdout.write(
      [
        `queue-page: ${openInGroup.total.toLocaleString('en')} tickets (${seeded.tickets.toLocaleString('en')} seeded in ${(seeded.ms / 1000).toFixed(1)} s); ` +
          `group "${group.name}" has ${openInGroup.open.toLocaleString('en')} open; page of ${PAGE}, ${connections} connections, ` +
          `${rounds} x ${seconds} s each after ${warmUp} s warm-up; node ${process.version}, ${os.availableParallelism()} CPUs (${cpu}), ` +
          `load average before/after the runs ${loadBefore.toFixed(2)}/${os.loadavg()[0].toFixed(2)}`,
        '',
        table([
          ['', 'req/s', 'p50', 'p99', 'requests', 'errors'],
          row(targets[0].name, gql),
          row(targets[1].name, stackFloor),
          row(targets[2].name, base),
        ]),
        '',
        `GraphQL / baseline throughput: ${((gql.rps / base.rps) * 100).toFixed(0)}%; stack floor / baseline: ${((stackFloor.rps / base.rps) * 100).toFixed(0)}%  (p50 and p99: the worse of the rounds)`,
        `per round (req/s): ${targets.map((target, index) => `${target.name.split(' (')[0]} ${results[index].map((item) => item.rps.toFixed(0)).join(', ')}`).join('; ')}`,
        `SQL statements per GraphQL request: ${perRequest.flatMap(statementsOf).length} in ${perRequest.length} round trips for 50 rows, ` +
          `${perSmallRequest.flatMap(statementsOf).length} in ${perSmallRequest.length} for 5 rows; ` +
          `${(statements / started).toFixed(2)} round trips on average under load (${statements} for the ${started} requests started, ${graphqlRequests} of them answered in time); baseline: 1 statement`,
        ...perRequest.map((send, index) => statementsOf(send).map((sql, part) => `  ${part ? '   ' : `${index + 1}.`} ${sql.slice(0, 150)}`).join('\n')),
        ...(others.size ? [`other statements during the GraphQL runs (not per request): ${[...others].map(([kind, count]) => `${count} x ${kind}`).join('; ')}`] : []),
        '',
      ].join('\n'),
    );
  });
}
