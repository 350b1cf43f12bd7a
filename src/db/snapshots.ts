import {
  ReferenceKind,
  type Collection,
  type EntityManager,
  type EntityMetadata,
  type EntityName,
  type EntityProperty,
  type FilterQuery,
  type QueryOrderMap,
  type Ref,
} from '@mikro-orm/postgresql';

/**
 * A read-only copy of an entity's row: its scalar properties as stored and each many-to-one as
 * `{ id }` (what an entity's reference also offers), without collections or lazy properties.
 * An entity is itself a valid Snapshot, so code that only reads (GraphQL mappers, policies) takes
 * either.
 */
export type Snapshot<E> = {
  readonly [K in keyof E as E[K] extends Collection<object> | ((...args: never[]) => unknown) ? never : K]: E[K] extends Ref<infer T>
    ? { readonly id: T extends { id: infer Id } ? Id : never }
    : E[K] extends Ref<infer T> | null
      ? { readonly id: T extends { id: infer Id } ? Id : never } | null
      : E[K];
};

export interface SnapshotQuery<E> {
  orderBy?: QueryOrderMap<E>[];
  limit?: number;
}

/** The columns a snapshot holds: scalars and many-to-one keys, not lazy ones (e.g. password hashes). */
function snapshotProperties<E extends object>(meta: EntityMetadata<E>): EntityProperty<E>[] {
  return meta.props.filter(
    (prop) => prop.persist !== false && !prop.lazy && !prop.formula && (prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE),
  );
}

/** What turns an ORM-mapped row into a snapshot: its keys as `{ id }`, its custom types converted. Worked out once per entity. */
const conversionsByEntity = new WeakMap<EntityMetadata, { references: string[]; customTyped: EntityProperty[] }>();

function conversionsOf<E extends object>(meta: EntityMetadata<E>) {
  let conversions = conversionsByEntity.get(meta);
  if (!conversions) {
    const props = snapshotProperties(meta);
    conversions = {
      references: props.filter((prop) => prop.kind === ReferenceKind.MANY_TO_ONE).map((prop) => prop.name),
      customTyped: props.filter((prop) => prop.kind !== ReferenceKind.MANY_TO_ONE && prop.customType) as EntityProperty[],
    };
    conversionsByEntity.set(meta, conversions);
  }
  return conversions;
}

/** The select list of a snapshot of `entity`, its columns qualified with `alias` when given. */
export function snapshotColumns<E extends object>(em: EntityManager, entity: EntityName<E>, alias?: string): string {
  const meta = em.getMetadata().get<E>(entity as string);
  const prefix = alias ? `"${alias}".` : '';
  return snapshotProperties(meta)
    .flatMap((prop) => prop.fieldNames.map((column) => `${prefix}"${column}"`))
    .join(', ');
}

/**
 * A row of `entity`'s table (column names, as PostgreSQL returns it, extra columns ignored by the
 * caller) as a snapshot: the ORM's own result mapping and custom types, then each key as `{ id }`.
 */
export function toSnapshot<E extends object>(em: EntityManager, entity: EntityName<E>, row: Record<string, unknown>): Snapshot<E> {
  const meta = em.getMetadata().get<E>(entity as string);
  const { references, customTyped } = conversionsOf(meta);
  const mapped = em.getComparator().mapResult<E>(meta.className, row as never) as Record<string, unknown>;
  for (const name of references) {
    const value = mapped[name];
    mapped[name] = value == null ? null : { id: value };
  }
  for (const prop of customTyped) {
    const value = mapped[prop.name];
    if (value != null) mapped[prop.name] = prop.customType!.convertToJSValue(value, em.getPlatform());
  }
  return mapped as Snapshot<E>;
}

/**
 * Rows as snapshots, without entities: what read paths (list pages, DataLoaders) use. Hydrating
 * MikroORM entities (identity map, references, change-set snapshots) costs far more CPU than the
 * query when a page shows a few hundred of them, and reads never flush. Writers load entities.
 */
export async function findSnapshots<E extends object>(
  em: EntityManager,
  entity: EntityName<E>,
  where: FilterQuery<E>,
  query: SnapshotQuery<E> = {},
): Promise<Snapshot<E>[]> {
  const meta = em.getMetadata().get<E>(entity as string);
  const qb = em.createQueryBuilder(entity).select(snapshotProperties(meta).map((prop) => prop.name) as never).where(where);
  if (query.orderBy) qb.orderBy(query.orderBy);
  if (query.limit !== undefined) qb.limit(query.limit);
  const rows = (await qb.execute('all', false)) as Record<string, unknown>[];
  return rows.map((row) => toSnapshot(em, entity, row));
}

const byIdStatements = new WeakMap<EntityMetadata, string>();

/** Runs one read statement: `em.execute`, or a DataLoader's batched `read` (see ReadBatch). */
export type ReadStatement = <Row>(sql: string, params: readonly unknown[]) => Promise<Row[]>;

/**
 * Snapshots by primary key (a uuid) in one hand-built statement: DataLoaders ask this on every
 * request, and building it through the query builder cost more than PostgreSQL spends answering it.
 */
export async function findSnapshotsById<E extends object>(
  em: EntityManager,
  entity: EntityName<E>,
  ids: readonly string[],
  read: ReadStatement = (sql, params) => em.execute(sql, [...params]),
): Promise<Snapshot<E>[]> {
  const meta = em.getMetadata().get<E>(entity as string);
  let sql = byIdStatements.get(meta);
  if (!sql) {
    sql = `select ${snapshotColumns(em, entity)} from "${meta.tableName}" where "${meta.getPrimaryProp().fieldNames[0]}" = any(?::uuid[])`;
    byIdStatements.set(meta, sql);
  }
  const rows = await read<Record<string, unknown>>(sql, [`{${ids.join(',')}}`]);
  return rows.map((row) => toSnapshot(em, entity, row));
}
