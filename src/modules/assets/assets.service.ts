import { ref } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../../graphql/context';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkText } from '../../validation';
import { User } from '../users/users.entities';
import { Asset } from './assets.entities';
import type { AssetKind, AssetStatus } from './assets.enums';

export interface CreateAssetCommand {
  tag: string;
  name: string;
  kind: AssetKind;
  status?: AssetStatus;
  ownerId?: string;
  location?: string;
  serialNumber?: string;
}

/** The CMDB's configuration items. */
export class AssetsService {
  constructor(private readonly ctx: ServiceContext) {}

  async createAsset(command: CreateAssetCommand): Promise<Asset> {
    return this.ctx.em.transactional(async (em) => {
      const problems = new Problems();
      checkText(problems, command.tag, 'tag', 100);
      checkText(problems, command.name, 'name');
      problems.throwIfAny();
      const tag = command.tag.trim();
      if (await em.count(Asset, { tag })) fail(UserErrorCode.ALREADY_EXISTS, `An asset already has the tag ${tag}.`, 'tag');
      const owner = command.ownerId ? await em.findOne(User, command.ownerId) : null;
      if (command.ownerId && !owner) fail(UserErrorCode.NOT_FOUND, 'No user has this id.', 'ownerId');
      return em.create(Asset, {
        tag,
        name: command.name.trim(),
        kind: command.kind,
        status: command.status,
        owner: owner ? ref(owner) : null,
        location: command.location ?? null,
        serialNumber: command.serialNumber ?? null,
      });
    });
  }
}
