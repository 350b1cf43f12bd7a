import { Field, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/relay';
import type { Asset } from './assets.entities';
import { AssetKind, AssetStatus } from './assets.enums';

@ObjectType('Asset', { implements: Node, description: 'A configuration item (CMDB).' })
export class AssetNode extends Node {
  @Field({ description: 'Inventory tag, unique.' }) tag!: string;
  @Field() name!: string;
  @Field(() => AssetKind) kind!: AssetKind;
  @Field(() => AssetStatus) status!: AssetStatus;
  @Field(() => String, { nullable: true }) location!: string | null;
  @Field(() => String, { nullable: true }) serialNumber!: string | null;
  @Field(() => Int) version!: number;
  databaseId!: string;
  ownerId!: string | null;

  static from(asset: Asset): AssetNode {
    return Object.assign(new AssetNode(), {
      id: toGlobalId('Asset', asset.id),
      databaseId: asset.id,
      tag: asset.tag,
      name: asset.name,
      kind: asset.kind,
      status: asset.status,
      location: asset.location,
      serialNumber: asset.serialNumber,
      version: asset.version,
      ownerId: asset.owner?.id ?? null,
    });
  }
}
