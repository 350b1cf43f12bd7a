import { alignOne, defineLoader } from '../../graphql/loaders';
import { Asset } from './assets.entities';

export const assetById = defineLoader<string, Asset | null>('assetById', async ({ em }, ids) =>
  alignOne(ids, await em.find(Asset, { id: { $in: [...ids] } }), (asset) => asset.id),
);
