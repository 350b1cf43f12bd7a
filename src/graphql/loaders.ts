import DataLoader from 'dataloader';
import { ReadBatch } from '../db/read-batch';
import type { ServiceContext } from './context';

/** What a batch function gets: the request's context, and `read` for plain SQL (see ReadBatch). */
export interface LoaderContext extends ServiceContext {
  /** A read sent with the other loaders' reads of the same turn: one round trip for all of them. */
  read<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * A batch function declared once in its domain's loaders file; each request gets its own DataLoader
 * for it on first use, so caching never crosses requests or viewers.
 */
export interface LoaderDefinition<K, V> {
  readonly name: string;
  batch(ctx: LoaderContext, keys: readonly K[]): Promise<ReadonlyArray<V>>;
}

export function defineLoader<K, V>(name: string, batch: LoaderDefinition<K, V>['batch']): LoaderDefinition<K, V> {
  return { name, batch };
}

export class Loaders {
  private readonly loaders = new Map<LoaderDefinition<unknown, unknown>, DataLoader<unknown, unknown>>();
  private readonly ctx: LoaderContext;

  constructor(context: ServiceContext) {
    const reads = new ReadBatch(() => context.em);
    // The context's EntityManager and viewer as they are when a batch runs.
    this.ctx = {
      get em() {
        return context.em;
      },
      get viewer() {
        return context.viewer;
      },
      read: (sql, params) => reads.read(sql, params),
    };
  }

  get<K, V>(definition: LoaderDefinition<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(definition as LoaderDefinition<unknown, unknown>);
    if (!loader) {
      loader = new DataLoader<unknown, unknown>((keys) => definition.batch(this.ctx, keys as readonly K[]), {
        maxBatchSize: 1000,
      });
      this.loaders.set(definition as LoaderDefinition<unknown, unknown>, loader);
    }
    return loader as DataLoader<K, V>;
  }
}

/** Lines batch results up with their keys: one value (or null) per key. */
export function alignOne<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row] as const));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Lines batch results up with their keys: a list (possibly empty) per key. */
export function alignMany<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const byKey = new Map<K, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  return keys.map((key) => byKey.get(key) ?? []);
}
