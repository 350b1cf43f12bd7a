import type { EntityManager } from '@mikro-orm/postgresql';
import { badUserInput } from '../../errors';
import type { ConnectionArgs, PageInfo } from '../../graphql/relay';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../graphql/relay';
import { OPEN_STATUSES } from '../tickets/tickets.enums';
import { AssetRelationKind, OUT_OF_SERVICE } from './assets.enums';

export const DEFAULT_IMPACT_DEPTH = 10;
export const MAX_IMPACT_DEPTH = 25;

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * Everything that needs an asset, directly or through a chain, in one recursive query.
 *
 * Relations read "from needs to", so the walk goes backwards: from the failing asset to the `from`
 * of every relation pointing at it (LICENSED_TO carries no dependency and is not followed), and so
 * on. Out-of-service assets (RETIRED, DISPOSED) are neither listed nor walked through (checked once
 * per asset reached, on the small partial index of such assets, rather than once per relation).
 *
 * Termination and the depth cap. The recursion is a UNION, which drops every row equal to one
 * already found, so each asset is walked from once: cycles end by themselves and the work is one
 * step per relation of the assets reached, not one per path. Each row also carries its depth, as the
 * number of decimals of a zero (`hops`: 0.0 at depth 1, 0.00 at depth 2 …): PostgreSQL compares
 * numerics by value, 0.0 = 0.00, so two rows of the same asset are equal whatever their depth and
 * the UNION keeps the first one, found at the shortest depth (the walk goes breadth first, one level
 * per iteration), while `scale(hops)` still tells that depth. (An integer depth would make (asset, 1)
 * and (asset, 3) different rows: around cycles, every asset would be walked again at each depth up
 * to the cap.) The walk stops at the cap, going one level past it only to tell whether the cap cut
 * anything (`truncated`).
 *
 * The result comes back as one row of three JSON arrays, each already in its page order: assets by
 * (depth, tag), the active owners of those assets by (name, id), their open tickets by (priority,
 * number). Texts are ordered with the C collation so that cursors compare them byte-wise (see
 * compareKeys). Placeholders: `:root` (the failing asset's id) and `:cap` (see impactQuery).
 */
export const IMPACT_SQL = `
with recursive walk(asset_id, hops) as (
    select r.from_id, round(0::numeric, 1)
      from asset_relations r
     where r.to_id = :root and r.kind <> '${AssetRelationKind.LICENSED_TO}'
  union
    select r.from_id, round(0::numeric, scale(w.hops) + 1)
      from walk w
      join asset_relations r on r.to_id = w.asset_id and r.kind <> '${AssetRelationKind.LICENSED_TO}'
     where scale(w.hops) <= :cap
       -- An asset out of service is reached, but nothing is reached through it.
       and not exists (select 1 from assets x where x.id = w.asset_id and x.status in (${quoted(OUT_OF_SERVICE)}))
),
reached as (
  select a.id, a.tag, a.owner_id, scale(w.hops) as depth
    from walk w join assets a on a.id = w.asset_id
   where w.asset_id <> :root and a.status not in (${quoted(OUT_OF_SERVICE)})
)
select
  (select coalesce(json_agg(json_build_array(f.id, f.depth, f.tag) order by f.depth, f.tag collate "C"), '[]'::json)
     from reached f where f.depth <= :cap) as assets,
  exists (select 1 from reached where depth > :cap) as truncated,
  (select coalesce(json_agg(json_build_array(u.id, u.name) order by u.name collate "C", u.id), '[]'::json)
     from users u where u.active and u.id in (select owner_id from reached where depth <= :cap)) as users,
  (select coalesce(json_agg(json_build_array(t.id, t.priority, t.number) order by t.priority, t.number), '[]'::json)
     from tickets t
    where t.status in (${quoted(OPEN_STATUSES)})
      and t.id in (select ta.ticket_id from ticket_assets ta join reached f on f.id = ta.asset_id where f.depth <= :cap)) as tickets`;

/** IMPACT_SQL with positional placeholders for `driver`: `?` (MikroORM, knex) or `$n` (pg). */
export function impactQuery(root: string, cap: number, driver: 'knex' | 'pg'): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = IMPACT_SQL.replace(/:(root|cap)\b/g, (_match, name: 'root' | 'cap') => {
    params.push(name === 'root' ? root : cap);
    return driver === 'pg' ? `$${params.length}${name === 'root' ? '::uuid' : '::int'}` : name === 'root' ? '?::uuid' : '?::int';
  });
  return { sql, params };
}

export interface ImpactRow {
  assets: [id: string, depth: number, tag: string][];
  truncated: boolean;
  users: [id: string, name: string][];
  tickets: [id: string, priority: string, number: number][];
}

export interface Impact {
  rootId: string;
  maxDepth: number;
  truncated: boolean;
  assets: { id: string; depth: number; tag: string }[];
  users: { id: string; name: string }[];
  tickets: { id: string; priority: string; number: number }[];
}

export async function analyzeImpact(em: EntityManager, rootId: string, maxDepth: number): Promise<Impact> {
  const { sql, params } = impactQuery(rootId, maxDepth, 'knex');
  const [row] = await em.execute<ImpactRow[]>(sql, params);
  return {
    rootId,
    maxDepth,
    truncated: row.truncated,
    assets: row.assets.map(([id, depth, tag]) => ({ id, depth, tag })),
    users: row.users.map(([id, name]) => ({ id, name })),
    tickets: row.tickets.map(([id, priority, number]) => ({ id, priority, number })),
  };
}

export function checkImpactDepth(maxDepth: number): void {
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_IMPACT_DEPTH) {
    throw badUserInput(`\`maxDepth\` must be from 1 to ${MAX_IMPACT_DEPTH}, got ${maxDepth}.`, 'maxDepth');
  }
}

type Key = (string | number)[];

/** Byte-wise for texts (PostgreSQL's C collation, which IMPACT_SQL orders by), numeric for numbers. */
function compareKeys(a: Key, b: Key): number {
  for (let index = 0; index < a.length; index += 1) {
    const [x, y] = [a[index], b[index]];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : Buffer.compare(Buffer.from(String(x)), Buffer.from(String(y)));
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}

/** The first index whose key is greater than `key`, in items sorted by keyOf. */
function firstAfter<T>(items: readonly T[], keyOf: (item: T) => Key, key: Key): number {
  let [low, high] = [0, items.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareKeys(keyOf(items[middle]), key) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function encodeKey(list: string, key: Key): string {
  return Buffer.from(JSON.stringify({ l: list, k: key })).toString('base64url');
}

function decodeKey(list: string, cursor: string, argument: string): Key {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { l?: unknown; k?: unknown };
    if (parsed.l === list && Array.isArray(parsed.k) && parsed.k.every((value) => typeof value === 'string' || typeof value === 'number')) return parsed.k as Key;
  } catch {
    // not ours
  }
  throw badUserInput(`\`${argument}\` is not a cursor of this list.`, argument);
}

export interface SortedPage<T> {
  edges: { cursor: string; item: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * A Relay page of a list already sorted by `keyOf`, by keyset: a cursor carries its item's sort
 * key, so the next page starts right after it even when the list was computed again meanwhile.
 */
export function pageSorted<T>(list: string, items: readonly T[], keyOf: (item: T) => Key, args: ConnectionArgs): SortedPage<T> {
  const { first, last } = args;
  if (first != null && last != null) throw badUserInput('Pass `first` or `last`, not both.');
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) throw badUserInput(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}, got ${value}.`, name);
  }
  let start = args.after ? firstAfter(items, keyOf, decodeKey(list, args.after, 'after')) : 0;
  let end = args.before ? firstAfter(items, keyOf, decodeKey(list, args.before, 'before')) : items.length;
  // `before` itself is excluded: step back over an item equal to the cursor.
  if (args.before && end > 0 && compareKeys(keyOf(items[end - 1]), decodeKey(list, args.before, 'before')) === 0) end -= 1;
  end = Math.max(start, end);
  const window = items.slice(start, end);
  let page: readonly T[];
  let hasNextPage: boolean;
  let hasPreviousPage: boolean;
  if (last != null) {
    page = window.slice(Math.max(0, window.length - last));
    hasPreviousPage = window.length > last;
    hasNextPage = Boolean(args.before);
    start = end - page.length;
  } else {
    const size = first ?? DEFAULT_PAGE_SIZE;
    page = window.slice(0, size);
    hasNextPage = window.length > size;
    hasPreviousPage = Boolean(args.after);
  }
  const edges = page.map((item) => ({ cursor: encodeKey(list, keyOf(item)), item }));
  return {
    edges,
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
    totalCount: items.length,
  };
}
