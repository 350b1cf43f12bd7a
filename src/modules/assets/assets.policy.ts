import type { FilterQuery } from '@mikro-orm/core';
import { isStaff, Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Asset } from './assets.entities';
import type { Snapshot } from '../../db/snapshots';

/**
 * Who sees and changes the CMDB; every asset path (lists, counts, `asset`, `node`, relations,
 * ticket links, mutations) asks here. Staff see the whole CMDB; a requester sees only the assets
 * they own. Agents and admins change it; analysts read.
 */
export const assetsPolicy = {
  canSeeAsset(viewer: Viewer | null, asset: Pick<Snapshot<Asset>, 'owner'>): boolean {
    if (!viewer) return false;
    return isStaff(viewer.role) || asset.owner?.id === viewer.id;
  },

  assetScope(viewer: Viewer): FilterQuery<Asset> {
    return isStaff(viewer.role) ? {} : { owner: viewer.id };
  },

  /** Agents and admins maintain the CMDB. */
  canChangeAssets(viewer: Viewer | null): boolean {
    return viewer?.role === Role.AGENT || viewer?.role === Role.ADMIN;
  },

  /** The impact graph crosses everyone's assets: staff only. */
  canAnalyzeImpact(viewer: Viewer | null): boolean {
    return viewer !== null && isStaff(viewer.role);
  },

  /** Attribute schemas are configuration. */
  canSetKindSchemas(viewer: Viewer | null): boolean {
    return viewer?.role === Role.ADMIN;
  },
};
