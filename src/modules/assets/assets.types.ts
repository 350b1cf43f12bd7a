import { DateResolver, GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../graphql/global-id';
import { ConnectionType, Node, PageInfo } from '../../graphql/relay';
import { Payload } from '../../graphql/user-errors';
import type { Asset, AssetHistory, AssetKindSchema, AssetRelation } from './assets.entities';
import { AssetKind, AssetRelationKind, AssetStatus } from './assets.enums';
import type { Impact } from './assets.impact';
import type { Snapshot } from '../../db/snapshots';

@ObjectType('Asset', { implements: Node, description: 'A configuration item (CMDB).' })
export class AssetNode extends Node {
  @Field({ description: 'Inventory tag, unique.' }) tag!: string;
  @Field() name!: string;
  @Field(() => AssetKind) kind!: AssetKind;
  @Field(() => AssetStatus) status!: AssetStatus;
  @Field(() => String, { nullable: true }) location!: string | null;
  @Field(() => String, { nullable: true }) serialNumber!: string | null;
  // graphql-scalars' `Date` (YYYY-MM-DD), the one instance the schema shares with the SLA calendars.
  @Field(() => DateResolver, { nullable: true }) purchasedAt!: string | null;
  @Field(() => DateResolver, { nullable: true }) warrantyUntil!: string | null;
  @Field(() => GraphQLJSON, { description: 'Typed by kind: valid against the kind’s schema (assetKindSchemas) when last written.' })
  attributes!: Record<string, unknown>;
  @Field(() => Int) version!: number;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  databaseId!: string;
  ownerId!: string | null;

  static from(asset: Snapshot<Asset>): AssetNode {
    return Object.assign(new AssetNode(), {
      id: toGlobalId('Asset', asset.id),
      databaseId: asset.id,
      tag: asset.tag,
      name: asset.name,
      kind: asset.kind,
      status: asset.status,
      location: asset.location,
      serialNumber: asset.serialNumber,
      purchasedAt: asset.purchasedAt,
      warrantyUntil: asset.warrantyUntil,
      attributes: asset.attributes,
      version: asset.version,
      createdAt: asset.createdAt,
      updatedAt: asset.updatedAt,
      ownerId: asset.owner?.id ?? null,
    });
  }
}

@ObjectType('AssetRelation', { description: 'A relation seen from its `from` asset: it needs `target` (LICENSED_TO excepted).' })
export class AssetRelationNode {
  @Field(() => AssetRelationKind) kind!: AssetRelationKind;
  @Field() createdAt!: Date;
  sourceId!: string;
  targetId!: string;

  static from(relation: AssetRelation): AssetRelationNode {
    return Object.assign(new AssetRelationNode(), { kind: relation.kind, createdAt: relation.createdAt, sourceId: relation.from.id, targetId: relation.to.id });
  }
}

@ObjectType({ description: 'One change of an asset: a field’s old and new value, or an action (created, relation, retirement).' })
export class AssetHistoryEntry {
  @Field() at!: Date;
  @Field({ description: 'What changed: a field name, or created, relation, retirement.' }) field!: string;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The value before; ids are global ids.' }) from!: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The value after; ids are global ids.' }) to!: unknown;
  actorId!: string | null;

  static from(entry: Snapshot<AssetHistory>): AssetHistoryEntry {
    return Object.assign(new AssetHistoryEntry(), { at: entry.at, field: entry.field, from: entry.fromValue, to: entry.toValue, actorId: entry.actor?.id ?? null });
  }
}

@ObjectType('AssetKindSchema', { description: 'The JSON Schema typing the attributes of one asset kind (set by admins).' })
export class AssetKindSchemaNode {
  @Field(() => AssetKind) kind!: AssetKind;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'An object schema: `properties` of type string, number, integer or boolean (with enum, minimum, maximum, minLength, maxLength, pattern, format "date"), `required`, `additionalProperties`. Null: the kind’s attributes are free.',
  })
  schema!: Record<string, unknown> | null;
  @Field(() => Int, { description: '0 while no schema was ever set.' }) version!: number;
  @Field(() => Date, { nullable: true }) updatedAt!: Date | null;

  static from(kind: AssetKind, entity: AssetKindSchema | null): AssetKindSchemaNode {
    return Object.assign(new AssetKindSchemaNode(), { kind, schema: entity?.schema ?? null, version: entity?.version ?? 0, updatedAt: entity?.updatedAt ?? null });
  }
}

export const AssetConnection = ConnectionType(AssetNode, 'Asset');
export const AssetHistoryConnection = ConnectionType(AssetHistoryEntry, 'AssetHistory');

@ObjectType({ description: 'An asset affected by a failure, with how far it is from the failing asset.' })
export class AffectedAssetEdge {
  @Field() cursor!: string;
  @Field(() => AssetNode) node!: AssetNode;
  @Field(() => Int, { description: 'Relations between the failing asset and this one: 1 when it needs it directly.' }) depth!: number;
}

@ObjectType({ description: 'Affected assets, nearest first (by depth, then tag).' })
export class AffectedAssetConnection {
  @Field(() => [AffectedAssetEdge]) edges!: AffectedAssetEdge[];
  @Field(() => [AssetNode]) nodes!: AssetNode[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'All affected assets, across every page.' }) totalCount!: number;
}

@ObjectType('AssetImpact', {
  description:
    'What a failure of `asset` hits: every asset that needs it, directly or through a chain of relations (LICENSED_TO is not followed; RETIRED and DISPOSED assets are left out), the active people who own them and the open tickets on them. Computed by one recursive query; cycles in the data are fine.',
})
export class AssetImpactNode {
  @Field(() => AssetNode) asset!: AssetNode;
  @Field(() => Int, { description: 'The depth cap the walk used.' }) maxDepth!: number;
  @Field({ description: 'True when assets further than `maxDepth` also need it (raise `maxDepth` to see them).' }) depthLimited!: boolean;
  // affectedAssets, affectedUsers and openTickets are field resolvers (assets.resolver.ts) paging this:
  impact!: Impact;
}

@InputType({ description: 'Lists are OR within a field, fields are AND; an absent field does not filter.' })
export class AssetFilter {
  @Field(() => [AssetKind], { nullable: true }) kinds?: AssetKind[];
  @Field(() => [AssetStatus], { nullable: true }) statuses?: AssetStatus[];
  @Field(() => [ID], { nullable: true }) ownerIds?: string[];
  @Field({ nullable: true, description: 'Contained in the tag, name, serial number or location; case and accents ignored.' }) text?: string;
}

@InputType()
export class CreateAssetInput {
  @Field({ description: 'Unique, at most 100 characters.' }) tag!: string;
  @Field() name!: string;
  @Field(() => AssetKind) kind!: AssetKind;
  @Field(() => AssetStatus, { nullable: true, description: 'Default IN_STOCK; a new asset is IN_STOCK, IN_USE or IN_REPAIR.' }) status?: AssetStatus;
  @Field(() => ID, { nullable: true }) ownerId?: string;
  @Field({ nullable: true }) location?: string;
  @Field({ nullable: true }) serialNumber?: string;
  @Field(() => DateResolver, { nullable: true }) purchasedAt?: Date;
  @Field(() => DateResolver, { nullable: true, description: 'Not before `purchasedAt`.' }) warrantyUntil?: Date;
  @Field(() => GraphQLJSON, { nullable: true, description: 'A JSON object, valid against the kind’s schema. Default {}.' }) attributes?: Record<string, unknown>;
}

@ObjectType()
export class CreateAssetPayload extends Payload {
  @Field(() => AssetNode, { nullable: true }) asset!: AssetNode | null;
}

@InputType({ description: 'Absent fields stay as they are; null clears a nullable one.' })
export class UpdateAssetInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) tag?: string;
  @Field({ nullable: true }) name?: string;
  @Field(() => AssetKind, { nullable: true, description: 'The attributes are checked against the new kind’s schema.' }) kind?: AssetKind;
  @Field(() => AssetStatus, { nullable: true, description: 'Along the lifecycle (see AssetStatus); RETIRED only through retireAsset.' }) status?: AssetStatus;
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
  @Field(() => String, { nullable: true }) location?: string | null;
  @Field(() => String, { nullable: true }) serialNumber?: string | null;
  @Field(() => DateResolver, { nullable: true }) purchasedAt?: Date | null;
  @Field(() => DateResolver, { nullable: true }) warrantyUntil?: Date | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Replaces the whole object.' }) attributes?: Record<string, unknown>;
}

@ObjectType()
export class UpdateAssetPayload extends Payload {
  @Field(() => AssetNode, { nullable: true }) asset!: AssetNode | null;
}

@InputType()
export class RetireAssetInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ description: 'Why it leaves service (kept in its history).' }) reason!: string;
}

@ObjectType()
export class RetireAssetPayload extends Payload {
  @Field(() => AssetNode, { nullable: true }) asset!: AssetNode | null;
}

@InputType({ description: 'Reads "from needs to": when `to` fails, `from` is affected.' })
export class RelateAssetsInput {
  @Field(() => ID) fromId!: string;
  @Field(() => ID) toId!: string;
  @Field(() => AssetRelationKind) kind!: AssetRelationKind;
}

@ObjectType()
export class RelateAssetsPayload extends Payload {
  @Field(() => AssetRelationNode, { nullable: true }) assetRelation!: AssetRelationNode | null;
}

@InputType()
export class UnrelateAssetsInput {
  @Field(() => ID) fromId!: string;
  @Field(() => ID) toId!: string;
  @Field(() => AssetRelationKind) kind!: AssetRelationKind;
}

@ObjectType()
export class UnrelateAssetsPayload extends Payload {
  @Field(() => AssetNode, { nullable: true, description: 'The `from` asset, without the relation.' }) asset!: AssetNode | null;
}

@InputType()
export class SetAssetKindSchemaInput {
  @Field(() => AssetKind) kind!: AssetKind;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The schema (see AssetKindSchema.schema); null removes it. Stored assets are checked when their attributes or kind next change.' })
  schema!: Record<string, unknown> | null;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@ObjectType()
export class SetAssetKindSchemaPayload extends Payload {
  @Field(() => AssetKindSchemaNode, { nullable: true }) assetKindSchema!: AssetKindSchemaNode | null;
}
