import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role, STAFF_ROLES } from '../../auth/roles';
import { badUserInput } from '../../errors';
import type { Context } from '../../graphql/context';
import { filterId, filterIds, parseId } from '../../graphql/global-id';
import { ConnectionArgs, toConnection } from '../../graphql/relay';
import { fail, toPayload, UserErrorCode } from '../../graphql/user-errors';
import { ticketById } from '../tickets/tickets.loaders';
import { TicketConnection, TicketNode } from '../tickets/tickets.types';
import { userById } from '../users/users.loaders';
import { usersPolicy } from '../users/users.policy';
import { UserConnection, UserNode } from '../users/users.types';
import { Asset as AssetEntity } from './assets.entities';
import { AssetKind } from './assets.enums';
import { analyzeImpact, checkImpactDepth, DEFAULT_IMPACT_DEPTH, MAX_IMPACT_DEPTH, pageSorted } from './assets.impact';
import { assetById, relationsByAssetId } from './assets.loaders';
import { assetsPolicy } from './assets.policy';
import { AssetsService } from './assets.service';
import {
  AffectedAssetConnection,
  AffectedAssetEdge,
  AssetConnection,
  AssetFilter,
  AssetHistoryConnection,
  AssetHistoryEntry,
  AssetImpactNode,
  AssetKindSchemaNode,
  AssetNode,
  AssetRelationNode,
  CreateAssetInput,
  CreateAssetPayload,
  RelateAssetsInput,
  RelateAssetsPayload,
  RetireAssetInput,
  RetireAssetPayload,
  SetAssetKindSchemaInput,
  SetAssetKindSchemaPayload,
  UnrelateAssetsInput,
  UnrelateAssetsPayload,
  UpdateAssetInput,
  UpdateAssetPayload,
} from './assets.types';

const WORKERS = [Role.AGENT, Role.ADMIN];

/** A `Date` scalar's value (a JS Date at UTC midnight) as the calendar day it stands for; null and absent kept. */
function calendarDay<T extends null | undefined>(value: Date | T): string | T {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value;
}

/**
 * The rows behind a page of ids, loaded in one batch and kept in the page's order. A row gone since
 * the ids were read (nothing here is deleted but by cascade) drops its edge rather than failing.
 */
async function hydrate<Item extends { id: string }, Row>(
  edges: { cursor: string; item: Item }[],
  load: (ids: string[]) => Promise<(Row | Error | null)[]>,
): Promise<{ cursor: string; item: Item; row: Row }[]> {
  const rows = await load(edges.map((edge) => edge.item.id));
  return edges.flatMap((edge, index) => {
    const row = rows[index];
    return row && !(row instanceof Error) ? [{ ...edge, row }] : [];
  });
}

@Authorized()
@Resolver(() => AssetNode)
export class AssetsResolver {
  @Query(() => AssetNode, { nullable: true, description: 'An asset by id or by tag; null when unknown or not visible.' })
  async asset(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('tag', () => String, { nullable: true }) tag: string | null,
    @Ctx() ctx: Context,
  ): Promise<AssetNode | null> {
    if ((id == null) === (tag == null)) throw badUserInput('Give exactly one of `id` and `tag`.');
    const asset = id != null ? await ctx.loaders.get(assetById).load(filterId(id, 'Asset')) : await ctx.em.findOne(AssetEntity, { tag: tag!.trim() });
    return asset && assetsPolicy.canSeeAsset(ctx.viewer, asset) ? AssetNode.from(asset) : null;
  }

  @Query(() => AssetConnection, { description: 'Assets the viewer may see (a requester: their own), by tag.' })
  async assets(@Args() args: ConnectionArgs, @Arg('filter', () => AssetFilter, { nullable: true }) filter: AssetFilter | null, @Ctx() ctx: Context) {
    const page = await new AssetsService(ctx).list(ctx.viewer!, { ...filter, ownerIds: filterIds(filter?.ownerIds, 'User') }, args);
    return toConnection(AssetConnection, page, AssetNode.from);
  }

  @Authorized(...STAFF_ROLES)
  @Query(() => AssetImpactNode, {
    nullable: true,
    description: 'What a failure of the asset hits (see AssetImpact); null when the asset is unknown.',
  })
  async assetImpact(
    @Arg('id', () => ID) id: string,
    @Arg('maxDepth', () => Int, { defaultValue: DEFAULT_IMPACT_DEPTH, description: `How many relations deep to follow, 1 to ${MAX_IMPACT_DEPTH}.` }) maxDepth: number,
    @Ctx() ctx: Context,
  ): Promise<AssetImpactNode | null> {
    checkImpactDepth(maxDepth);
    const asset = await ctx.loaders.get(assetById).load(filterId(id, 'Asset'));
    if (!asset || !assetsPolicy.canAnalyzeImpact(ctx.viewer)) return null;
    const impact = await analyzeImpact(ctx.em, asset.id, maxDepth);
    return Object.assign(new AssetImpactNode(), { asset: AssetNode.from(asset), maxDepth, depthLimited: impact.truncated, impact });
  }

  @Authorized(...STAFF_ROLES)
  @Query(() => [AssetKindSchemaNode], { description: 'The attribute schema of every asset kind (null where none is set).' })
  async assetKindSchemas(@Ctx() ctx: Context): Promise<AssetKindSchemaNode[]> {
    const schemas = await new AssetsService(ctx).kindSchemas();
    return Object.values(AssetKind).map((kind) => AssetKindSchemaNode.from(kind, schemas.find((schema) => schema.kind === kind) ?? null));
  }

  @Authorized(...WORKERS)
  @Mutation(() => CreateAssetPayload)
  createAsset(@Arg('input') input: CreateAssetInput, @Ctx() ctx: Context): Promise<CreateAssetPayload> {
    return toPayload(CreateAssetPayload, 'asset', async () =>
      AssetNode.from(
        await new AssetsService(ctx).createAsset({
          ...input,
          ownerId: input.ownerId ? parseId(input.ownerId, 'User', 'ownerId') : undefined,
          purchasedAt: calendarDay(input.purchasedAt),
          warrantyUntil: calendarDay(input.warrantyUntil),
        }),
      ),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => UpdateAssetPayload, { description: 'Changes an asset; every changed field goes into its history.' })
  updateAsset(@Arg('input') input: UpdateAssetInput, @Ctx() ctx: Context): Promise<UpdateAssetPayload> {
    return toPayload(UpdateAssetPayload, 'asset', async () =>
      AssetNode.from(
        await new AssetsService(ctx).updateAsset({
          ...input,
          id: parseId(input.id, 'Asset', 'id'),
          ownerId: input.ownerId ? parseId(input.ownerId, 'User', 'ownerId') : input.ownerId,
          purchasedAt: calendarDay(input.purchasedAt),
          warrantyUntil: calendarDay(input.warrantyUntil),
        }),
      ),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => RetireAssetPayload, { description: 'Takes an asset out of service (RETIRED), with the reason in its history.' })
  retireAsset(@Arg('input') input: RetireAssetInput, @Ctx() ctx: Context): Promise<RetireAssetPayload> {
    return toPayload(RetireAssetPayload, 'asset', async () =>
      AssetNode.from(await new AssetsService(ctx).retireAsset({ ...input, id: parseId(input.id, 'Asset', 'id') })),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => RelateAssetsPayload, { description: 'Records that `from` needs `to` (cycles are allowed; an asset never needs itself).' })
  relateAssets(@Arg('input') input: RelateAssetsInput, @Ctx() ctx: Context): Promise<RelateAssetsPayload> {
    return toPayload(RelateAssetsPayload, 'assetRelation', async () =>
      AssetRelationNode.from(
        await new AssetsService(ctx).relateAssets({
          kind: input.kind,
          fromId: parseId(input.fromId, 'Asset', 'fromId'),
          toId: parseId(input.toId, 'Asset', 'toId'),
        }),
      ),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => UnrelateAssetsPayload)
  unrelateAssets(@Arg('input') input: UnrelateAssetsInput, @Ctx() ctx: Context): Promise<UnrelateAssetsPayload> {
    return toPayload(UnrelateAssetsPayload, 'asset', async () =>
      AssetNode.from(
        await new AssetsService(ctx).unrelateAssets({
          kind: input.kind,
          fromId: parseId(input.fromId, 'Asset', 'fromId'),
          toId: parseId(input.toId, 'Asset', 'toId'),
        }),
      ),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SetAssetKindSchemaPayload, { description: 'Sets the JSON Schema that the attributes of one asset kind must satisfy (null removes it).' })
  setAssetKindSchema(@Arg('input') input: SetAssetKindSchemaInput, @Ctx() ctx: Context): Promise<SetAssetKindSchemaPayload> {
    return toPayload(SetAssetKindSchemaPayload, 'assetKindSchema', async () => {
      if (input.schema === undefined) fail(UserErrorCode.INVALID_INPUT, 'Give the schema, or null to remove it.', 'schema');
      const { kind, entity } = await new AssetsService(ctx).setKindSchema({ kind: input.kind, schema: input.schema, expectedVersion: input.expectedVersion });
      return AssetKindSchemaNode.from(kind, entity);
    });
  }

  // The owner of an asset the viewer sees is visible with it (to a requester, it is themself).
  @FieldResolver(() => UserNode, { nullable: true })
  async owner(@Root() asset: AssetNode, @Ctx() ctx: Context): Promise<UserNode | null> {
    const user = asset.ownerId ? await ctx.loaders.get(userById).load(asset.ownerId) : null;
    return user && usersPolicy.canSeeUser(ctx.viewer, user) ? UserNode.from(user) : null;
  }

  @FieldResolver(() => [AssetRelationNode], { description: 'What this asset needs (its relations as `from`), to assets the viewer may see; oldest first.' })
  async relations(@Root() asset: AssetNode, @Ctx() ctx: Context): Promise<AssetRelationNode[]> {
    const relations = await ctx.loaders.get(relationsByAssetId).load(asset.databaseId);
    const targets = await ctx.loaders.get(assetById).loadMany(relations.map((relation) => relation.to.id));
    return relations
      .filter((_, index) => {
        const target = targets[index];
        return target && !(target instanceof Error) && assetsPolicy.canSeeAsset(ctx.viewer, target);
      })
      .map(AssetRelationNode.from);
  }

  @FieldResolver(() => TicketConnection, { description: 'Tickets concerning this asset that the viewer may see, newest first.' })
  async tickets(@Root() asset: AssetNode, @Args() args: ConnectionArgs, @Ctx() ctx: Context) {
    const page = await new AssetsService(ctx).tickets(ctx.viewer!, asset.databaseId, args);
    return toConnection(TicketConnection, page, TicketNode.from);
  }

  @FieldResolver(() => AssetHistoryConnection, { description: 'Every change, oldest first; append-only.' })
  async history(@Root() asset: AssetNode, @Args() args: ConnectionArgs, @Ctx() ctx: Context) {
    const page = await new AssetsService(ctx).history(asset.databaseId, args);
    return toConnection(AssetHistoryConnection, page, AssetHistoryEntry.from);
  }
}

@Authorized()
@Resolver(() => AssetRelationNode)
export class AssetRelationResolver {
  @FieldResolver(() => AssetNode, { description: 'The asset that is needed (`to`).' })
  async target(@Root() relation: AssetRelationNode, @Ctx() ctx: Context): Promise<AssetNode> {
    return AssetNode.from((await ctx.loaders.get(assetById).load(relation.targetId))!);
  }

  @FieldResolver(() => AssetNode, { nullable: true, description: 'The asset that needs it (`from`); null when not visible to the viewer.' })
  async source(@Root() relation: AssetRelationNode, @Ctx() ctx: Context): Promise<AssetNode | null> {
    const asset = await ctx.loaders.get(assetById).load(relation.sourceId);
    return asset && assetsPolicy.canSeeAsset(ctx.viewer, asset) ? AssetNode.from(asset) : null;
  }
}

@Authorized()
@Resolver(() => AssetHistoryEntry)
export class AssetHistoryResolver {
  @FieldResolver(() => UserNode, { nullable: true, description: 'Null for changes the system made itself.' })
  async actor(@Root() entry: AssetHistoryEntry, @Ctx() ctx: Context): Promise<UserNode | null> {
    const user = entry.actorId ? await ctx.loaders.get(userById).load(entry.actorId) : null;
    return user && (usersPolicy.canSeeUser(ctx.viewer, user) || entry.actorId === ctx.viewer?.id) ? UserNode.from(user) : null;
  }
}

/** Pages of an impact computed once by `assetImpact`: nothing here runs the walk again. */
@Authorized(...STAFF_ROLES)
@Resolver(() => AssetImpactNode)
export class AssetImpactResolver {
  @FieldResolver(() => AffectedAssetConnection, { description: 'Every asset that needs it, directly or through a chain: nearest first, then by tag.' })
  async affectedAssets(@Root() root: AssetImpactNode, @Args() args: ConnectionArgs, @Ctx() ctx: Context): Promise<AffectedAssetConnection> {
    const page = pageSorted('affectedAssets', root.impact.assets, (item) => [item.depth, item.tag], args);
    const loaded = await hydrate(page.edges, (ids) => ctx.loaders.get(assetById).loadMany(ids));
    const edges = loaded.map(({ cursor, item, row }) => Object.assign(new AffectedAssetEdge(), { cursor, depth: item.depth, node: AssetNode.from(row) }));
    return Object.assign(new AffectedAssetConnection(), { edges, nodes: edges.map((edge) => edge.node), pageInfo: page.pageInfo, totalCount: page.totalCount });
  }

  @FieldResolver(() => UserConnection, { description: 'The active people who own affected assets (whom to warn), by name.' })
  async affectedUsers(@Root() root: AssetImpactNode, @Args() args: ConnectionArgs, @Ctx() ctx: Context) {
    const page = pageSorted('affectedUsers', root.impact.users, (item) => [item.name, item.id], args);
    const edges = (await hydrate(page.edges, (ids) => ctx.loaders.get(userById).loadMany(ids))).map(({ cursor, row }) => ({ cursor, node: row }));
    return toConnection(UserConnection, { edges, nodes: edges.map((edge) => edge.node), pageInfo: page.pageInfo, totalCount: async () => page.totalCount }, UserNode.from);
  }

  @FieldResolver(() => TicketConnection, { description: 'Open tickets (NEW, OPEN, PENDING, ON_HOLD) on affected assets: P1 first, then by number.' })
  async openTickets(@Root() root: AssetImpactNode, @Args() args: ConnectionArgs, @Ctx() ctx: Context) {
    const page = pageSorted('openTickets', root.impact.tickets, (item) => [item.priority, item.number], args);
    const edges = (await hydrate(page.edges, (ids) => ctx.loaders.get(ticketById).loadMany(ids))).map(({ cursor, row }) => ({ cursor, node: row }));
    return toConnection(TicketConnection, { edges, nodes: edges.map((edge) => edge.node), pageInfo: page.pageInfo, totalCount: async () => page.totalCount }, TicketNode.from);
  }
}
