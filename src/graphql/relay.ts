import { createHash } from 'node:crypto';
import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { ArgsType, Field, ID, InterfaceType, Int, ObjectType, type ClassType } from 'type-graphql';
import { findSnapshots, type Snapshot } from '../db/snapshots';
import { badUserInput } from '../errors';

@InterfaceType({ description: 'An object with a global, opaque id; `node(id)` fetches any of them.' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Items after \`after\`; default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Items before \`before\`, at most ${MAX_PAGE_SIZE}.` })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

/**
 * `XConnection` and `XEdge` types for a node type. `totalCount` is computed only when asked for.
 */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name = nodeType.name) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field() cursor!: string;
    @Field(() => nodeType) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass implements Connection<T> {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => [nodeType]) nodes!: T[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    countTotal!: () => Promise<number>;

    @Field(() => Int, { description: 'All items matching, across every page.' })
    totalCount(): Promise<number> {
      return this.countTotal();
    }
  }
  return ConnectionClass;
}

export interface SortKey<E> {
  /** An entity property; the last key of an order must be unique (the id) so the order is total. */
  field: keyof E & string;
  direction: 'ASC' | 'DESC';
}

type Cursor = { o: string; v: unknown[] };

function orderSignature(order: SortKey<unknown>[]): string {
  return createHash('sha1').update(order.map((key) => `${key.field}:${key.direction}`).join(',')).digest('base64url').slice(0, 8);
}

function encodeCursor(signature: string, values: unknown[]): string {
  return Buffer.from(JSON.stringify({ o: signature, v: values } satisfies Cursor)).toString('base64url');
}

function decodeCursor(cursor: string, signature: string, argument: string): unknown[] {
  let parsed: Cursor;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw badUserInput(`\`${argument}\` is not a cursor of this list.`, argument);
  }
  if (parsed?.o !== signature || !Array.isArray(parsed.v)) {
    throw badUserInput(`\`${argument}\` is not a cursor of this list (or of this order).`, argument);
  }
  return parsed.v;
}

function pageSize(args: ConnectionArgs): { size: number; forward: boolean } {
  const { first, last } = args;
  if (first != null && last != null) throw badUserInput('Pass `first` or `last`, not both.');
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw badUserInput(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}, got ${value}.`, name);
    }
  }
  if (last != null) return { size: last, forward: false };
  return { size: first ?? DEFAULT_PAGE_SIZE, forward: true };
}

/** Rows strictly after (or before) the cursor's position in `order`, as a MikroORM condition. */
function keysetCondition<E>(order: SortKey<E>[], values: unknown[], after: boolean): FilterQuery<E> {
  const branches = order.map((key, index) => {
    const branch: Record<string, unknown> = {};
    for (let previous = 0; previous < index; previous += 1) branch[order[previous].field] = values[previous];
    const ascending = (key.direction === 'ASC') === after;
    branch[key.field] = { [ascending ? '$gt' : '$lt']: values[index] };
    return branch;
  });
  return { $or: branches } as FilterQuery<E>;
}

/**
 * One page of `entity` rows matching `where` (as snapshots: lists only read), by keyset: the cursor carries the sort values of its
 * row, so a page stays correct when rows are inserted or deleted between requests.
 */
export async function paginate<E extends object>(
  em: EntityManager,
  entity: EntityName<E>,
  where: FilterQuery<E>,
  order: SortKey<E>[],
  args: ConnectionArgs,
): Promise<Connection<Snapshot<E>>> {
  const signature = orderSignature(order as SortKey<unknown>[]);
  const { size, forward } = pageSize(args);
  const conditions: FilterQuery<E>[] = [where];
  if (args.after) conditions.push(keysetCondition(order, decodeCursor(args.after, signature, 'after'), true));
  if (args.before) conditions.push(keysetCondition(order, decodeCursor(args.before, signature, 'before'), false));

  const flip = (direction: 'ASC' | 'DESC') => (forward ? direction : direction === 'ASC' ? 'DESC' : 'ASC');
  const rows =
    size === 0
      ? []
      : await findSnapshots(em, entity, { $and: conditions } as FilterQuery<E>, {
          orderBy: order.map((key) => ({ [key.field]: flip(key.direction) })) as never,
          limit: size + 1,
        });
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (!forward) page.reverse();

  const edges = page.map((row) => ({
    cursor: encodeCursor(signature, order.map((key) => (row as E)[key.field])),
    node: row,
  }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: forward ? more : Boolean(args.before),
      hasPreviousPage: forward ? Boolean(args.after) : more,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: () => em.count(entity, where),
  };
}

/** Shapes a page of rows into the GraphQL connection class, whose `totalCount` runs only when asked. */
export function toConnection<Row, T, C extends { countTotal: () => Promise<number> }>(
  ConnectionClass: new () => C,
  page: Connection<Row>,
  toNode: (row: Row) => T,
): C {
  const edges = page.edges.map((edge) => ({ cursor: edge.cursor, node: toNode(edge.node) }));
  return Object.assign(new ConnectionClass(), {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: page.pageInfo,
    countTotal: page.totalCount,
  });
}
