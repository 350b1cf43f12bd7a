import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldChange } from '../../db/field-changes';
import { toGlobalId } from '../../graphql/global-id';
import { type Asset, AssetHistory } from './assets.entities';

/** What an asset looks like to its history: the fields commands change, ids as global ids. */
export function assetSnapshot(asset: Asset): Record<string, unknown> {
  return {
    tag: asset.tag,
    name: asset.name,
    kind: asset.kind,
    status: asset.status,
    owner: asset.owner ? toGlobalId('User', asset.owner.id) : null,
    location: asset.location,
    serialNumber: asset.serialNumber,
    purchasedAt: asset.purchasedAt,
    warrantyUntil: asset.warrantyUntil,
    attributes: asset.attributes,
  };
}

/**
 * Appends one asset's changes to its history, in the command's transaction, one row per change.
 * A trigger keeps those rows append-only (see the Assets migration).
 */
export function writeAssetHistory(em: EntityManager, asset: Asset, actorId: string | null, changes: FieldChange[], at = new Date()): void {
  for (const change of changes) {
    em.create(AssetHistory, { asset, actor: actorId, at, field: change.field, fromValue: change.from, toValue: change.to });
  }
}
