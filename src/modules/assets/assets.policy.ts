import type { FilterQuery } from '@mikro-orm/core';
import { isStaff } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Asset } from './assets.entities';

/** Staff see the whole CMDB; a requester sees only the assets they own. */
export const assetsPolicy = {
  canSeeAsset(viewer: Viewer | null, asset: Pick<Asset, 'owner'>): boolean {
    if (!viewer) return false;
    return isStaff(viewer.role) || asset.owner?.id === viewer.id;
  },

  assetScope(viewer: Viewer): FilterQuery<Asset> {
    return isStaff(viewer.role) ? {} : { owner: viewer.id };
  },
};
