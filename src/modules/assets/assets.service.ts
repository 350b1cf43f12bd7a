import { ref, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer';
import { diff } from '../../db/field-changes';
import { containsText } from '../../db/text-match';
import { rowToChange } from '../../db/row-to-change';
import type { ServiceContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { type ConnectionArgs, paginate } from '../../graphql/relay';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkText, checkVersion } from '../../validation';
import { Ticket } from '../tickets/tickets.entities';
import { ticketsPolicy } from '../tickets/tickets.policy';
import { User } from '../users/users.entities';
import { Asset, AssetHistory, AssetKindSchema, AssetRelation } from './assets.entities';
import { ASSET_TRANSITIONS, AssetKind, AssetRelationKind, AssetStatus, INITIAL_STATUSES, OUT_OF_SERVICE } from './assets.enums';
import { assetSnapshot, writeAssetHistory } from './assets.history';
import { assetsPolicy } from './assets.policy';
import { type AttributeSchema, checkSchema, validateAttributes } from './attribute-schema';

const MAX_TAG = 100;
const MAX_TEXT = 200;
const MAX_REASON = 2000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface CreateAssetCommand {
  tag: string;
  name: string;
  kind: AssetKind;
  status?: AssetStatus;
  ownerId?: string;
  location?: string;
  serialNumber?: string;
  /** `YYYY-MM-DD`. */
  purchasedAt?: string;
  /** `YYYY-MM-DD`. */
  warrantyUntil?: string;
  attributes?: Record<string, unknown>;
}

/** Absent fields stay; null clears a nullable one. */
export interface UpdateAssetCommand {
  id: string;
  expectedVersion?: number | null;
  tag?: string;
  name?: string;
  kind?: AssetKind;
  status?: AssetStatus;
  ownerId?: string | null;
  location?: string | null;
  serialNumber?: string | null;
  purchasedAt?: string | null;
  warrantyUntil?: string | null;
  /** Replaces the whole object. */
  attributes?: Record<string, unknown>;
}

export interface RetireAssetCommand {
  id: string;
  expectedVersion?: number | null;
  reason: string;
}

export interface RelateAssetsCommand {
  fromId: string;
  toId: string;
  kind: AssetRelationKind;
}

export interface SetAssetKindSchemaCommand {
  kind: AssetKind;
  /** null removes the kind's schema: its attributes are then free. */
  schema: Record<string, unknown> | null;
  expectedVersion?: number | null;
}

export interface AssetCriteria {
  kinds?: AssetKind[] | null;
  statuses?: AssetStatus[] | null;
  ownerIds?: string[] | null;
  text?: string | null;
}

function isCalendarDate(value: string): boolean {
  return DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

function checkDate(problems: Problems, value: string | null | undefined, field: string): void {
  if (value !== undefined && value !== null && !isCalendarDate(value)) problems.add(UserErrorCode.INVALID_INPUT, `${field} must be a date, YYYY-MM-DD.`, field);
}

/** A relation as one end's history tells it. */
function relationEntry(kind: AssetRelationKind, direction: 'OUTGOING' | 'INCOMING', otherId: string) {
  return { kind, direction, asset: toGlobalId('Asset', otherId) };
}

/**
 * The CMDB: configuration items, their lifecycle, typed attributes, relations and history. Every
 * command runs in one transaction and appends its changes to the asset's history there; a refused
 * command writes nothing. A null viewer is the system itself (demo data, imports).
 */
export class AssetsService {
  constructor(private readonly ctx: ServiceContext) {}

  private get actorId(): string | null {
    return this.ctx.viewer?.id ?? null;
  }

  /** Agents and admins change the CMDB (the system too); anyone else is refused before anything is read. */
  private checkMayChange(field: string): void {
    const viewer = this.ctx.viewer;
    if (viewer && !assetsPolicy.canChangeAssets(viewer)) fail(UserErrorCode.NOT_ALLOWED, 'Only agents and admins change assets.', field);
  }

  list(viewer: Viewer, criteria: AssetCriteria, args: ConnectionArgs) {
    const em = this.ctx.em;
    const where: FilterQuery<Asset>[] = [assetsPolicy.assetScope(viewer)];
    if (criteria.kinds?.length) where.push({ kind: { $in: criteria.kinds } });
    if (criteria.statuses?.length) where.push({ status: { $in: criteria.statuses } });
    if (criteria.ownerIds?.length) where.push({ owner: { $in: criteria.ownerIds } });
    if (criteria.text?.trim()) where.push(containsText(em, Asset, ['tag', 'name', 'serial_number', 'location'], criteria.text));
    return paginate(em, Asset, { $and: where }, [{ field: 'tag', direction: 'ASC' }, { field: 'id', direction: 'ASC' }], args);
  }

  /** Tickets linked to an asset that the viewer may see, newest first. */
  tickets(viewer: Viewer, assetId: string, args: ConnectionArgs) {
    const em = this.ctx.em;
    const linked = em.getKnex().select('ticket_id').from('ticket_assets').where('asset_id', assetId);
    const where = { $and: [ticketsPolicy.scope(viewer), { id: { $in: linked } }] } as unknown as FilterQuery<Ticket>;
    return paginate(em, Ticket, where, [{ field: 'createdAt', direction: 'DESC' }, { field: 'id', direction: 'DESC' }], args);
  }

  history(assetId: string, args: ConnectionArgs) {
    return paginate(this.ctx.em, AssetHistory, { asset: assetId }, [{ field: 'id', direction: 'ASC' }], args);
  }

  kindSchemas(): Promise<AssetKindSchema[]> {
    return this.ctx.em.find(AssetKindSchema, {}, { orderBy: { kind: 'ASC' } });
  }

  async createAsset(command: CreateAssetCommand): Promise<Asset> {
    this.checkMayChange('tag');
    return this.ctx.em.transactional(async (em) => {
      const problems = new Problems();
      checkText(problems, command.tag, 'tag', MAX_TAG);
      checkText(problems, command.name, 'name', MAX_TEXT);
      checkText(problems, command.location, 'location', MAX_TEXT);
      checkText(problems, command.serialNumber, 'serialNumber', MAX_TEXT);
      checkDate(problems, command.purchasedAt, 'purchasedAt');
      checkDate(problems, command.warrantyUntil, 'warrantyUntil');
      if (command.status !== undefined && !INITIAL_STATUSES.includes(command.status)) {
        problems.add(UserErrorCode.INVALID_INPUT, `A new asset is ${INITIAL_STATUSES.join(', ')}.`, 'status');
      }
      problems.throwIfAny();
      const tag = command.tag.trim();
      const owner = command.ownerId ? await this.activeUser(em, command.ownerId, 'ownerId') : null;
      if (await em.count(Asset, { tag })) fail(UserErrorCode.ALREADY_EXISTS, `An asset already has the tag ${tag}.`, 'tag');
      const attributes = command.attributes ?? {};
      await this.checkAttributes(em, command.kind, attributes);
      this.checkDates(command.purchasedAt ?? null, command.warrantyUntil ?? null);
      const asset = em.create(Asset, {
        tag,
        name: command.name.trim(),
        kind: command.kind,
        status: command.status ?? AssetStatus.IN_STOCK,
        owner: owner ? ref(owner) : null,
        location: command.location?.trim() || null,
        serialNumber: command.serialNumber?.trim() || null,
        purchasedAt: command.purchasedAt ?? null,
        warrantyUntil: command.warrantyUntil ?? null,
        attributes,
      });
      writeAssetHistory(em, asset, this.actorId, [{ field: 'created', from: null, to: { kind: asset.kind, status: asset.status } }]);
      return asset;
    });
  }

  async updateAsset(command: UpdateAssetCommand): Promise<Asset> {
    this.checkMayChange('id');
    return this.ctx.em.transactional(async (em) => {
      const asset = await this.assetToChange(em, command.id, 'id');
      const problems = new Problems();
      checkVersion(problems, asset.version, command.expectedVersion);
      checkText(problems, command.tag, 'tag', MAX_TAG);
      checkText(problems, command.name, 'name', MAX_TEXT);
      checkText(problems, command.location, 'location', MAX_TEXT);
      checkText(problems, command.serialNumber, 'serialNumber', MAX_TEXT);
      checkDate(problems, command.purchasedAt, 'purchasedAt');
      checkDate(problems, command.warrantyUntil, 'warrantyUntil');
      if (asset.status === AssetStatus.DISPOSED) problems.add(UserErrorCode.NOT_ALLOWED, 'A disposed asset no longer changes.', 'id');
      else if (command.status !== undefined && command.status !== asset.status) {
        if (command.status === AssetStatus.RETIRED) {
          problems.add(UserErrorCode.INVALID_TRANSITION, 'Retire an asset with retireAsset, which records why.', 'status');
        } else if (!ASSET_TRANSITIONS[asset.status].includes(command.status)) {
          problems.add(UserErrorCode.INVALID_TRANSITION, `A ${asset.status} asset cannot move to ${command.status}.`, 'status');
        }
      }
      problems.throwIfAny();

      const before = assetSnapshot(asset);
      if (command.tag !== undefined && command.tag.trim() !== asset.tag) {
        const tag = command.tag.trim();
        if (await em.count(Asset, { tag })) fail(UserErrorCode.ALREADY_EXISTS, `An asset already has the tag ${tag}.`, 'tag');
        asset.tag = tag;
      }
      if (command.kind !== undefined && command.kind !== asset.kind) {
        if (asset.kind === AssetKind.LICENSE && (await em.count(AssetRelation, { from: asset.id, kind: AssetRelationKind.LICENSED_TO }))) {
          fail(UserErrorCode.NOT_ALLOWED, 'This licence is LICENSED_TO other assets: remove those relations before changing its kind.', 'kind');
        }
        asset.kind = command.kind;
      }
      if (command.ownerId !== undefined) asset.owner = command.ownerId ? ref(await this.activeUser(em, command.ownerId, 'ownerId')) : null;
      if (command.name !== undefined) asset.name = command.name.trim();
      if (command.status !== undefined) asset.status = command.status;
      if (command.location !== undefined) asset.location = command.location?.trim() || null;
      if (command.serialNumber !== undefined) asset.serialNumber = command.serialNumber?.trim() || null;
      if (command.purchasedAt !== undefined) asset.purchasedAt = command.purchasedAt;
      if (command.warrantyUntil !== undefined) asset.warrantyUntil = command.warrantyUntil;
      if (command.attributes !== undefined) asset.attributes = command.attributes;
      // Attributes are checked whenever they or the kind that types them change.
      if (command.attributes !== undefined || command.kind !== undefined) await this.checkAttributes(em, asset.kind, asset.attributes);
      this.checkDates(asset.purchasedAt, asset.warrantyUntil);
      const changes = diff(before, assetSnapshot(asset));
      if (changes.length) {
        asset.updatedAt = new Date();
        writeAssetHistory(em, asset, this.actorId, changes);
      }
      return asset;
    });
  }

  /** Takes an asset out of service, with the reason in its history. Its relations stay, but impact analysis no longer follows them. */
  async retireAsset(command: RetireAssetCommand): Promise<Asset> {
    this.checkMayChange('id');
    return this.ctx.em.transactional(async (em) => {
      const asset = await this.assetToChange(em, command.id, 'id');
      const problems = new Problems();
      checkVersion(problems, asset.version, command.expectedVersion);
      checkText(problems, command.reason, 'reason', MAX_REASON);
      if (!ASSET_TRANSITIONS[asset.status].includes(AssetStatus.RETIRED)) {
        problems.add(UserErrorCode.INVALID_TRANSITION, `A ${asset.status} asset cannot be retired.`, 'id');
      }
      problems.throwIfAny();
      const before = assetSnapshot(asset);
      asset.status = AssetStatus.RETIRED;
      asset.updatedAt = new Date();
      writeAssetHistory(em, asset, this.actorId, [...diff(before, assetSnapshot(asset)), { field: 'retirement', from: null, to: { reason: command.reason.trim() } }]);
      return asset;
    });
  }

  async relateAssets(command: RelateAssetsCommand): Promise<AssetRelation> {
    this.checkMayChange('fromId');
    return this.ctx.em.transactional(async (em) => {
      const from = await this.visibleAsset(em, command.fromId, 'fromId');
      const to = await this.visibleAsset(em, command.toId, 'toId');
      if (from.id === to.id) fail(UserErrorCode.INVALID_INPUT, 'An asset cannot be related to itself.', 'toId');
      const problems = new Problems();
      for (const [asset, field] of [[from, 'fromId'], [to, 'toId']] as const) {
        if (OUT_OF_SERVICE.includes(asset.status)) problems.add(UserErrorCode.NOT_ALLOWED, `${asset.tag} is ${asset.status}: it takes no new relations.`, field);
      }
      if (command.kind === AssetRelationKind.LICENSED_TO && from.kind !== AssetKind.LICENSE) {
        problems.add(UserErrorCode.INVALID_INPUT, 'Only a LICENSE is LICENSED_TO another asset.', 'kind');
      }
      problems.throwIfAny();
      if (await em.count(AssetRelation, { from: from.id, to: to.id, kind: command.kind })) {
        fail(UserErrorCode.ALREADY_EXISTS, `${from.tag} is already ${command.kind} ${to.tag}.`, 'kind');
      }
      const relation = em.create(AssetRelation, { from, to, kind: command.kind, createdBy: this.actorId });
      const at = relation.createdAt;
      writeAssetHistory(em, from, this.actorId, [{ field: 'relation', from: null, to: relationEntry(command.kind, 'OUTGOING', to.id) }], at);
      writeAssetHistory(em, to, this.actorId, [{ field: 'relation', from: null, to: relationEntry(command.kind, 'INCOMING', from.id) }], at);
      return relation;
    });
  }

  /** Removes a relation; returns the asset at its `from` end. */
  async unrelateAssets(command: RelateAssetsCommand): Promise<Asset> {
    this.checkMayChange('fromId');
    return this.ctx.em.transactional(async (em) => {
      const from = await this.visibleAsset(em, command.fromId, 'fromId');
      const to = await this.visibleAsset(em, command.toId, 'toId');
      const relation = await em.findOne(AssetRelation, { from: from.id, to: to.id, kind: command.kind });
      if (!relation) fail(UserErrorCode.NOT_FOUND, `${from.tag} is not ${command.kind} ${to.tag}.`, 'kind');
      em.remove(relation);
      const at = new Date();
      writeAssetHistory(em, from, this.actorId, [{ field: 'relation', from: relationEntry(command.kind, 'OUTGOING', to.id), to: null }], at);
      writeAssetHistory(em, to, this.actorId, [{ field: 'relation', from: relationEntry(command.kind, 'INCOMING', from.id), to: null }], at);
      return from;
    });
  }

  /**
   * Sets (or, with null, removes) the schema that types a kind's attributes. Assets already stored
   * are not rewritten: theirs are checked when their attributes or kind next change.
   */
  async setKindSchema(command: SetAssetKindSchemaCommand): Promise<{ kind: AssetKind; entity: AssetKindSchema | null }> {
    if (this.ctx.viewer && !assetsPolicy.canSetKindSchemas(this.ctx.viewer)) fail(UserErrorCode.NOT_ALLOWED, 'Only admins set attribute schemas.', 'kind');
    return this.ctx.em.transactional(async (em) => {
      const existing = await em.findOne(AssetKindSchema, { kind: command.kind });
      const problems = new Problems();
      if (existing) checkVersion(problems, existing.version, command.expectedVersion);
      if (command.schema !== null) {
        for (const problem of checkSchema(command.schema)) problems.add(UserErrorCode.INVALID_INPUT, problem.message, ['schema', ...problem.path]);
      }
      problems.throwIfAny();
      if (command.schema === null) {
        if (existing) em.remove(existing);
        return { kind: command.kind, entity: null };
      }
      if (existing) {
        existing.schema = command.schema;
        existing.updatedAt = new Date();
        existing.updatedBy = this.actorId ? ref(em.getReference(User, this.actorId)) : null;
        return { kind: command.kind, entity: existing };
      }
      return { kind: command.kind, entity: em.create(AssetKindSchema, { kind: command.kind, schema: command.schema, updatedBy: this.actorId }) };
    });
  }

  /** The asset behind an id, or NOT_FOUND when it does not exist or the actor may not see it. */
  private async visibleAsset(em: EntityManager, id: string, field: string): Promise<Asset> {
    const asset = await em.findOne(Asset, id);
    if (!asset || !this.canSee(asset)) fail(UserErrorCode.NOT_FOUND, 'No asset has this id.', field);
    return asset;
  }

  /** The asset a command changes, locked for the command (see rowToChange). */
  private assetToChange(em: EntityManager, id: string, field: string): Promise<Asset> {
    return rowToChange(em, Asset, id, 'No asset has this id.', field, (asset) => this.canSee(asset));
  }

  private canSee(asset: Asset): boolean {
    return !this.ctx.viewer || assetsPolicy.canSeeAsset(this.ctx.viewer, asset);
  }

  private async activeUser(em: EntityManager, id: string, field: string): Promise<User> {
    const user = await em.findOne(User, id);
    if (!user || !user.active) fail(UserErrorCode.NOT_FOUND, 'No active user has this id.', field);
    return user;
  }

  private async checkAttributes(em: EntityManager, kind: AssetKind, attributes: unknown): Promise<void> {
    const schema = await em.findOne(AssetKindSchema, { kind });
    const problems = new Problems();
    for (const problem of validateAttributes((schema?.schema as AttributeSchema | undefined) ?? null, attributes)) {
      problems.add(UserErrorCode.INVALID_INPUT, problem.message, ['attributes', ...problem.path]);
    }
    problems.throwIfAny();
  }

  private checkDates(purchasedAt: string | null, warrantyUntil: string | null): void {
    if (purchasedAt && warrantyUntil && warrantyUntil < purchasedAt) {
      fail(UserErrorCode.INVALID_INPUT, 'The warranty cannot end before the purchase.', 'warrantyUntil');
    }
  }
}
