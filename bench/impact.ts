/**
 * Impact analysis at CMDB scale: `assetImpact` of a core service that tens of thousands of assets
 * need, through the real server (GraphQL over HTTP: the recursive query, then the first page of each
 * list hydrated through the DataLoaders), beside the baseline measured in the same run: the very same
 * recursive query (IMPACT_SQL of src/modules/assets/assets.impact.ts) sent directly with pg. Both are
 * timed one request at a time (the figure is a latency, not a throughput), interleaved round by round.
 *
 * Data: BENCH_ASSETS (default 100,000) assets and BENCH_RELATIONS (default 500,000) relations, loaded
 * with set-based SQL into an embedded PostgreSQL in a temporary DATA_DIR (or into BENCH_DATABASE_URL,
 * which must be empty). The CMDB is layered like a real one, every attribute a deterministic function
 * of the asset's index:
 *
 *   20 core services ◀─ 1% infrastructure (switches, storage, hosts) ◀─ 10% virtual machines
 *     ◀─ 20% applications (which also need each other: cycles) ◀─ 59% workstations (owned by 5,000 people)
 *   10% licences, LICENSED_TO workstations (no dependency); core services need a few applications
 *   back (cycles through the core); 1% of the workstations are RETIRED.
 *
 * 20,000 tickets are linked to assets, 30% of them open.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client as PgClient } from 'pg';
import { TokenService } from '../src/auth/tokens';
import { toGlobalId } from '../src/graphql/global-id';
import { DEFAULT_IMPACT_DEPTH, IMPACT_SQL, impactQuery } from '../src/modules/assets/assets.impact';
import { median, percentile, positiveInteger, table, UsageError, withBenchDatabase } from './lib';

export const description =
  'assetImpact of a core service (100,000 assets, 500,000 relations, tens of thousands of dependants) through GraphQL vs. the same recursive query run directly with pg; p50/p99 latency';

const JWT_SECRET = 'impact-benchmark-secret-0123456789abcdef0123';
const USERS = 5000;
const TICKETS = 20000;

const QUERY = `query Impact($id: ID!) {
  assetImpact(id: $id) {
    maxDepth
    depthLimited
    affectedAssets(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { depth node { id tag name kind status owner { id name } } } }
    affectedUsers(first: 50) { totalCount nodes { id name } }
    openTickets(first: 50) { totalCount nodes { id key priority status } }
  }
}`;

/** Asset i's id: deterministic, so relations are computed from indexes without a join. */
const assetId = (index: string) => `md5('impact-asset-' || ${index})::uuid`;
const userId = (index: string) => `md5('impact-user-' || ${index})::uuid`;

interface Layers {
  core: [number, number];
  infra: [number, number];
  vms: [number, number];
  apps: [number, number];
  workstations: [number, number];
  licences: [number, number];
}

function layers(assets: number): Layers {
  if (assets < 1000) throw new UsageError(`BENCH_ASSETS must be at least 1000, got ${assets}`);
  const infra = Math.round(assets * 0.01);
  const vms = Math.round(assets * 0.1);
  const apps = Math.round(assets * 0.2);
  const licences = Math.round(assets * 0.1);
  let next = 21;
  const take = (count: number): [number, number] => [next, (next += count) - 1];
  const result = { core: [1, 20] as [number, number], infra: take(infra), vms: take(vms), apps: take(apps), workstations: take(assets - 20 - infra - vms - apps - licences), licences: take(licences) };
  return result;
}

/** Relations from every asset of `from` to `perAsset` distinct assets of `to` (a stride coprime with its size spreads them). */
interface EdgeSpec {
  from: [number, number];
  to: [number, number];
  perAsset: number;
  kinds: string[];
  /** Offset of the stride sequence, so two specs between the same layers pick other targets. */
  salt: number;
}

function stride(size: number): number {
  return [7919, 104729, 1299709, 15485863].find((prime) => size % prime !== 0)!;
}

function edgeSql(spec: EdgeSpec, limit?: number): string {
  const size = spec.to[1] - spec.to[0] + 1;
  const kind = spec.kinds.length === 1 ? `'${spec.kinds[0]}'` : `(array[${spec.kinds.map((value) => `'${value}'`).join(', ')}])[1 + (k - 1) % ${spec.kinds.length}]`;
  return `
    insert into asset_relations (id, from_id, to_id, kind, created_at)
    select gen_random_uuid(), ${assetId('f')}, ${assetId('t')}, kind::asset_relation_kind, now()
      from (select f, k, ${kind} as kind,
                   ${spec.to[0]} + ((f::bigint * ${spec.perAsset} + k + ${spec.salt}) * ${stride(size)}) % ${size} as t
              from generate_series(${spec.from[0]}, ${spec.from[1]}) f, generate_series(1, ${spec.perAsset}) k) pairs
     where f <> t
     ${limit !== undefined ? `limit ${limit}` : ''}
    on conflict do nothing`;
}

export async function seed(databaseUrl: string, assets: number, relations: number, say: (line: string) => void): Promise<{ ms: number; relations: number; coreTag: string }> {
  const started = performance.now();
  const l = layers(assets);
  const client = new PgClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    say(`impact: seeding ${USERS} people, ${assets} assets...`);
    await client.query(
      `insert into users (id, created_at, updated_at, email, name, role, timezone, locale)
       select ${userId('i')}, now(), now(), 'impact.user.' || i || '@bench.example', 'Impact User ' || lpad(i::text, 5, '0'), 'REQUESTER'::user_role, 'UTC', 'en'
         from generate_series(1, ${USERS}) i
       union all select md5('impact-admin')::uuid, now(), now(), 'impact.admin@bench.example', 'Impact Admin', 'ADMIN'::user_role, 'UTC', 'en'`,
    );
    const layerOf = (column: string) => `case
        when ${column} <= ${l.core[1]} then 'core' when ${column} <= ${l.infra[1]} then 'infra' when ${column} <= ${l.vms[1]} then 'vm'
        when ${column} <= ${l.apps[1]} then 'app' when ${column} <= ${l.workstations[1]} then 'pc' else 'licence' end`;
    await client.query(
      `insert into assets (id, created_at, updated_at, tag, name, kind, status, owner_id, attributes)
       select ${assetId('i')}, now(), now(),
              upper(layer) || '-' || lpad(i::text, 6, '0'),
              case layer when 'core' then 'Core service ' when 'infra' then 'Infrastructure ' when 'vm' then 'Virtual machine '
                         when 'app' then 'Application ' when 'pc' then 'Workstation ' else 'Licence ' end || i,
              (case layer when 'core' then 'SERVICE' when 'infra' then (array['NETWORK', 'HARDWARE'])[1 + i % 2] when 'vm' then 'VIRTUAL_MACHINE'
                          when 'app' then (array['SOFTWARE', 'SERVICE'])[1 + i % 2] when 'pc' then 'HARDWARE' else 'LICENSE' end)::asset_kind,
              (case when layer = 'pc' and i % 100 = 0 then 'RETIRED' else 'IN_USE' end)::asset_status,
              case when layer = 'pc' then ${userId(`(1 + i % ${USERS})`)} end,
              '{}'::jsonb
         from (select i, ${layerOf('i')} as layer from generate_series(1, ${assets}) i) a`,
    );
    const specs: EdgeSpec[] = [
      { from: l.infra, to: l.core, perAsset: 2, kinds: ['DEPENDS_ON'], salt: 0 },
      { from: l.vms, to: l.infra, perAsset: 3, kinds: ['RUNS_ON', 'CONNECTED_TO'], salt: 0 },
      { from: l.apps, to: l.vms, perAsset: 2, kinds: ['RUNS_ON'], salt: 0 },
      { from: l.apps, to: l.apps, perAsset: 3, kinds: ['DEPENDS_ON'], salt: 7 },
      { from: l.core, to: l.apps, perAsset: 3, kinds: ['DEPENDS_ON'], salt: 3 },
      { from: l.licences, to: l.workstations, perAsset: 2, kinds: ['LICENSED_TO'], salt: 0 },
      { from: l.workstations, to: l.infra, perAsset: 1, kinds: ['CONNECTED_TO'], salt: 11 },
    ];
    const fill: EdgeSpec = { from: l.workstations, to: l.apps, perAsset: 8, kinds: ['DEPENDS_ON', 'INSTALLED_ON'], salt: 0 };
    for (const spec of specs) await client.query(edgeSql(spec));
    // Workstations need applications: as many relations as it takes to reach the total.
    for (let salt = 0; salt < 5; salt += 1) {
      const { rows } = await client.query<{ count: string }>('select count(*) as count from asset_relations');
      const missing = relations - Number(rows[0].count);
      if (missing <= 0) break;
      await client.query(edgeSql({ ...fill, salt: salt * 13 }, missing));
    }
    say(`impact: seeding ${TICKETS} tickets...`);
    await client.query(
      `insert into tickets (id, created_at, updated_at, type, title, status, impact, urgency, priority, channel, requester_id, created_by_id, resolved_at, closed_at, resolution)
       select md5('impact-ticket-' || i)::uuid, now() - make_interval(mins => i), now() - make_interval(mins => i), 'INCIDENT'::ticket_type, 'Impact bench ticket ' || i,
              (case when i % 10 < 3 then (array['NEW', 'OPEN', 'PENDING'])[1 + i % 3] else 'CLOSED' end)::ticket_status,
              (array['HIGH', 'HIGH', 'MEDIUM', 'LOW'])[1 + i % 4]::ticket_impact, (array['HIGH', 'MEDIUM', 'MEDIUM', 'LOW'])[1 + i % 4]::ticket_urgency,
              (array['P1', 'P2', 'P3', 'P4'])[1 + i % 4]::ticket_priority, 'PORTAL'::ticket_channel, ${userId(`(1 + i % ${USERS})`)}, ${userId(`(1 + i % ${USERS})`)},
              case when i % 10 >= 3 then now() end, case when i % 10 >= 3 then now() end, case when i % 10 >= 3 then 'done' end
         from generate_series(1, ${TICKETS}) i`,
    );
    await client.query(
      `insert into ticket_assets (ticket_id, asset_id)
       select md5('impact-ticket-' || i)::uuid, ${assetId(`(${l.vms[0]} + (i::bigint * 7919) % ${l.workstations[1] - l.vms[0] + 1})`)} from generate_series(1, ${TICKETS}) i`,
    );
    await client.query('commit');
    await client.query('analyze users, assets, asset_relations, tickets, ticket_assets');
    const { rows } = await client.query<{ count: string }>('select count(*) as count from asset_relations');
    return { ms: performance.now() - started, relations: Number(rows[0].count), coreTag: 'CORE-000001' };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

export async function run(args: string[]): Promise<void> {
  if (args.length) throw new UsageError(`impact takes no arguments (BENCH_ASSETS, BENCH_RELATIONS, BENCH_REQUESTS, BENCH_ROUNDS, BENCH_WARMUP, BENCH_DATABASE_URL), got ${args.join(' ')}`);
  const assets = positiveInteger('BENCH_ASSETS', 100_000);
  const relations = positiveInteger('BENCH_RELATIONS', 500_000);
  const requests = positiveInteger('BENCH_REQUESTS', 20);
  const rounds = positiveInteger('BENCH_ROUNDS', 3);
  const warmUp = positiveInteger('BENCH_WARMUP', 5);

  return withBenchDatabase('impact', async ({ databaseUrl, say, hold, startServer }) => {
    const seeded = await seed(databaseUrl, assets, relations, say);
    say(`impact: seeded in ${(seeded.ms / 1000).toFixed(1)} s`);

    const server = await startServer({ JWT_SECRET });
    const direct = hold(new PgClient({ connectionString: databaseUrl }), (client) => client.end());
    await direct.connect();
    const [{ id: coreId }] = (await direct.query<{ id: string }>('select id from assets where tag = $1', [seeded.coreTag])).rows;
    const [{ id: adminId }] = (await direct.query<{ id: string }>(`select id from users where email = 'impact.admin@bench.example'`)).rows;
    const token = new TokenService(JWT_SECRET, 3600).issue(adminId);
    const body = JSON.stringify({ query: QUERY, variables: { id: toGlobalId('Asset', coreId) } });
    const { sql, params } = impactQuery(coreId, DEFAULT_IMPACT_DEPTH, 'pg');
    const statement = { name: 'asset-impact', text: sql, values: params };

    const graphql = async () => {
      const response = await fetch(server!.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`GraphQL answered ${response.status}: ${text.slice(0, 300)}`);
      return text;
    };
    const baseline = async () => (await direct!.query(statement)).rows[0] as { assets: unknown[]; users: unknown[]; tickets: unknown[]; truncated: boolean };

    // Both give the same answer.
    const answer = JSON.parse(await graphql()) as {
      errors?: unknown;
      data: { assetImpact: { depthLimited: boolean; affectedAssets: { totalCount: number }; affectedUsers: { totalCount: number }; openTickets: { totalCount: number } } };
    };
    if (answer.errors) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors).slice(0, 500)}`);
    const row = await baseline();
    const impact = answer.data.assetImpact;
    const same =
      impact.affectedAssets.totalCount === row.assets.length &&
      impact.affectedUsers.totalCount === row.users.length &&
      impact.openTickets.totalCount === row.tickets.length &&
      impact.depthLimited === row.truncated;
    if (!same) throw new Error(`GraphQL and the direct query disagree: ${JSON.stringify(impact).slice(0, 300)} vs ${row.assets.length}/${row.users.length}/${row.tickets.length}`);
    // How much walking the answer takes: rows of the walk (one per asset reached), and the deepest asset.
    const walkSql = `${IMPACT_SQL.slice(0, IMPACT_SQL.lastIndexOf('\nselect'))}
      select (select count(*) from walk) as walk_rows, (select max(depth) from reached where depth <= :cap) as deepest`;
    const shape = (
      await direct.query<{ walk_rows: string; deepest: number }>(walkSql.replace(/:(root|cap)\b/g, (_match, name: string) => (name === 'root' ? '$1::uuid' : '$2::int')), [
        coreId,
        DEFAULT_IMPACT_DEPTH,
      ])
    ).rows[0];
    const responseBytes = Buffer.byteLength(await graphql());

    say(`impact: warming up (${warmUp} requests each)...`);
    for (let index = 0; index < warmUp; index += 1) {
      await graphql();
      await baseline();
    }
    const times: Record<'graphql' | 'direct', number[]> = { graphql: [], direct: [] };
    const loadBefore = os.loadavg()[0];
    for (let round = 1; round <= rounds; round += 1) {
      for (const [name, work] of [['graphql', graphql], ['direct', baseline]] as const) {
        say(`round ${round}/${rounds}: ${name}, ${requests} requests one at a time...`);
        for (let index = 0; index < requests; index += 1) {
          const started = performance.now();
          await work();
          times[name].push(performance.now() - started);
        }
      }
    }

    const row_ = (name: string, values: number[]) => [name, ms(median(values)), ms(percentile(values, 99)), ms(Math.min(...values)), ms(Math.max(...values)), String(values.length)];
    const cpu = os.cpus()[0]?.model ?? 'unknown';
    process.stdout.write(
      [
        `impact: ${assets.toLocaleString('en')} assets, ${seeded.relations.toLocaleString('en')} relations, ${TICKETS.toLocaleString('en')} tickets ` +
          `(seeded in ${(seeded.ms / 1000).toFixed(1)} s); node ${process.version}, ${os.availableParallelism()} CPUs (${cpu}), ` +
          `load average before/after ${loadBefore.toFixed(2)}/${os.loadavg()[0].toFixed(2)}`,
        `assetImpact(${seeded.coreTag}, maxDepth ${DEFAULT_IMPACT_DEPTH}): ${impact.affectedAssets.totalCount.toLocaleString('en')} affected assets (deepest at ${shape.deepest}, ` +
          `depthLimited ${impact.depthLimited}), ${impact.affectedUsers.totalCount.toLocaleString('en')} people, ${impact.openTickets.totalCount.toLocaleString('en')} open tickets; ` +
          `the walk produced ${Number(shape.walk_rows).toLocaleString('en')} rows (one per asset reached, up to maxDepth + 1)`,
        `GraphQL: first 50 of each list with nested owners (${(responseBytes / 1024).toFixed(1)} KiB); direct: the recursive query's one row (every id of the three lists, sorted), with pg`,
        `${rounds} rounds x ${requests} requests each, one at a time, after ${warmUp} warm-up requests each`,
        '',
        table([['', 'p50', 'p99', 'min', 'max', 'requests'], row_('GraphQL assetImpact (HTTP, Apollo, type-graphql)', times.graphql), row_('same recursive query, direct (pg)', times.direct)]),
        '',
        `GraphQL / direct at p50: ${(median(times.graphql) / median(times.direct)).toFixed(2)}x`,
        '',
      ].join('\n'),
    );
  });
}
