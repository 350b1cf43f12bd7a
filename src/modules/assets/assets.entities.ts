import { randomUUID } from 'node:crypto';
import { BigIntType, Check, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base-entity';
import { User } from '../users/users.entities';
import { AssetKind, AssetRelationKind, AssetStatus } from './assets.enums';

/** A configuration item of the CMDB: hardware, software, licences, services… */
@Entity({ tableName: 'assets' })
// The few assets out of service, which impact analysis steps around (see assets.impact.ts).
@Index({
  name: 'assets_out_of_service_idx',
  expression: `create index "assets_out_of_service_idx" on "assets" ("id") where status in ('RETIRED', 'DISPOSED')`,
})
export class Asset extends BaseEntity<'status' | 'owner' | 'location' | 'serialNumber' | 'purchasedAt' | 'warrantyUntil' | 'attributes'> {
  /** The inventory tag, unique across the desk (e.g. LAPTOP-0042). */
  @Property({ type: 'text' })
  @Unique()
  tag!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => AssetKind, nativeEnumName: 'asset_kind' })
  kind!: AssetKind;

  @Enum({ items: () => AssetStatus, nativeEnumName: 'asset_status' })
  status: AssetStatus = AssetStatus.IN_STOCK;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  @Index()
  owner: Ref<User> | null = null;

  @Property({ type: 'text', nullable: true })
  location: string | null = null;

  @Property({ type: 'text', nullable: true })
  serialNumber: string | null = null;

  /** `YYYY-MM-DD`. */
  @Property({ type: 'date', nullable: true })
  purchasedAt: string | null = null;

  /** `YYYY-MM-DD`. */
  @Property({ type: 'date', nullable: true })
  warrantyUntil: string | null = null;

  /** Typed by kind: checked against the kind's schema (AssetKindSchema) when written. */
  @Property({ type: 'json' })
  attributes: Record<string, unknown> = {};
}

/**
 * A relation between two assets, read "from needs to": when `to` fails, `from` is affected
 * (LICENSED_TO excepted). Cycles are allowed; an asset is never related to itself.
 */
@Entity({ tableName: 'asset_relations' })
@Unique({ properties: ['from', 'to', 'kind'] })
@Check({ name: 'asset_relations_not_self', expression: 'from_id <> to_id' })
// Impact analysis walks relations backwards, from a failing `to` to the `from`s that need it.
@Index({
  name: 'asset_relations_dependency_idx',
  expression: `create index "asset_relations_dependency_idx" on "asset_relations" ("to_id", "from_id") where kind <> 'LICENSED_TO'`,
})
@Index({ properties: ['to'] })
export class AssetRelation {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Asset, { ref: true, deleteRule: 'cascade' })
  from!: Ref<Asset>;

  @ManyToOne(() => Asset, { ref: true, deleteRule: 'cascade' })
  to!: Ref<Asset>;

  @Enum({ items: () => AssetRelationKind, nativeEnumName: 'asset_relation_kind' })
  kind!: AssetRelationKind;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  createdBy!: Ref<User> | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** One change of one field of an asset, or one action; append-only (a trigger refuses updates and deletes). */
@Entity({ tableName: 'asset_history' })
@Index({ properties: ['asset', 'id'] })
export class AssetHistory {
  [OptionalProps]?: 'at';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Asset, { ref: true, deleteRule: 'cascade' })
  asset!: Ref<Asset>;

  /** Null for changes the system makes itself. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  actor!: Ref<User> | null;

  @Property({ type: 'timestamptz' })
  at: Date = new Date();

  @Property({ type: 'text' })
  field!: string;

  @Property({ type: 'jsonb', nullable: true })
  fromValue!: unknown;

  @Property({ type: 'jsonb', nullable: true })
  toValue!: unknown;
}

/** The JSON Schema (a small subset, see attribute-schema.ts) an admin set for the attributes of one kind. */
@Entity({ tableName: 'asset_kind_schemas' })
export class AssetKindSchema {
  [OptionalProps]?: 'updatedAt' | 'version';

  @Enum({ items: () => AssetKind, nativeEnumName: 'asset_kind', primary: true })
  kind!: AssetKind;

  @Property({ type: 'jsonb' })
  schema!: Record<string, unknown>;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  updatedBy!: Ref<User> | null;

  @Property({ version: true })
  version!: number;
}
