import type { EntityManager } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../graphql/global-id';
import { type Asset, AssetHistory } from './assets.entities';

export interface AssetFieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

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

/** The changes between two snapshots, in a stable order (objects and arrays compare by content). */
export function assetDiff(before: Record<string, unknown>, after: Record<string, unknown>): AssetFieldChange[] {
  const changes: AssetFieldChange[] = [];
  for (const field of Object.keys(after)) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, from, to });
  }
  return changes;
}

/**
 * Appends one asset's changes to its history, in the command's transaction, one row per change.
 * A trigger keeps those rows append-only (see the Assets migration).
 */
export function writeAssetHistory(em: EntityManager, asset: Asset, actorId: string | null, changes: AssetFieldChange[], at = new Date()): void {
  for (const change of changes) {
    em.create(AssetHistory, { asset, actor: actorId, at, field: change.field, fromValue: change.from, toValue: change.to });
  }
}
