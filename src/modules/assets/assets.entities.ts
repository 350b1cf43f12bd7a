import { Entity, Enum, Index, ManyToOne, Property, Unique, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base-entity';
import { User } from '../users/users.entities';
import { AssetKind, AssetStatus } from './assets.enums';

/** A configuration item of the CMDB: hardware, software, licences, services… */
@Entity({ tableName: 'assets' })
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

  @Property({ type: 'date', nullable: true })
  purchasedAt: string | null = null;

  @Property({ type: 'date', nullable: true })
  warrantyUntil: string | null = null;

  @Property({ type: 'json' })
  attributes: Record<string, unknown> = {};
}
