import type { DomainModule } from '../module';
import { Asset } from './assets.entities';
import { assetById } from './assets.loaders';
import { assetsPolicy } from './assets.policy';
import { AssetNode } from './assets.types';

/** The CMDB. This first part holds what tickets link to; relations and impact come with their issue. */
export const assetsModule: DomainModule = {
  name: 'assets',
  entities: [Asset],
  resolvers: [],
  nodes: {
    Asset: async (ctx, id) => {
      const asset = await ctx.loaders.get(assetById).load(id);
      return asset && assetsPolicy.canSeeAsset(ctx.viewer, asset) ? AssetNode.from(asset) : null;
    },
  },
};
