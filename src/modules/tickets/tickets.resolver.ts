import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import { badUserInput } from '../../errors';
import type { Context } from '../../graphql/context';
import { filterId, filterIds, parseId, parseIds } from '../../graphql/global-id';
import { ConnectionArgs, paginate, toConnection } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-errors';
import { assetsPolicy } from '../assets/assets.policy';
import { AssetNode } from '../assets/assets.types';
import { groupById, organizationById, userById } from '../users/users.loaders';
import { usersPolicy } from '../users/users.policy';
import { GroupNode, OrganizationNode, UserNode } from '../users/users.types';
import { Ticket, TicketComment, TicketHistory } from './tickets.entities';
import { LinkDirection } from './tickets.enums';
import type { TicketCriteria } from './tickets.filter';
import { assetsByTicketId, commentCountsByTicketId, latestEventSeqByTicketId, linksByTicketId, ticketById } from './tickets.loaders';
import { encodeCursor } from '../events/event-log';
import { ticketsPolicy } from './tickets.policy';
import { TicketsService } from './tickets.service';
import {
  AddCommentInput,
  AddCommentPayload,
  AssignTicketInput,
  AssignTicketPayload,
  ChangeTicketStatusInput,
  ChangeTicketStatusPayload,
  CommentConnection,
  CommentNode,
  CreateTicketInput,
  CreateTicketPayload,
  LinkTicketsInput,
  LinkTicketsPayload,
  OrderDirection,
  RateTicketInput,
  RateTicketPayload,
  TicketConnection,
  TicketFilter,
  TicketHistoryConnection,
  TicketHistoryEntry,
  TicketLinkNode,
  TicketNode,
  TicketOrder,
  TicketOrderField,
  TicketSatisfaction,
  UpdateTicketInput,
  UpdateTicketPayload,
} from './tickets.types';

/** TicketFilter (global ids) to criteria (database ids); an id of the wrong kind matches nothing. */
export function toCriteria(filter: TicketFilter | null | undefined): TicketCriteria {
  if (!filter) return {};
  return {
    ...filter,
    ids: filterIds(filter.ids, 'Ticket'),
    groupIds: filterIds(filter.groupIds, 'Group'),
    assigneeIds: filterIds(filter.assigneeIds, 'User'),
    requesterIds: filterIds(filter.requesterIds, 'User'),
    organizationIds: filterIds(filter.organizationIds, 'Organization'),
  };
}

const WORKERS = [Role.AGENT, Role.ADMIN];
const WRITERS = [Role.REQUESTER, Role.AGENT, Role.ADMIN];

/**
 * Authorization in this file is declared on the entry points (queries and mutations: `@Authorized`
 * on each), not on the classes. A class-level `@Authorized` would also wrap every field resolver
 * in type-graphql's asynchronous auth middleware, once per field of every ticket on a page (a sixth
 * of a queue page's throughput in bench/queue-page), to check again what the entry point checked.
 * Every way to a ticket, comment, history entry or link is an authorized query, mutation or
 * subscription, or `node`/`nodes`, whose fetchers below hide tickets from anonymous callers; what
 * a viewer may see of them is the policy's (tickets.policy.ts) and the field resolvers' own.
 */
@Resolver(() => TicketNode)
export class TicketsResolver {
  @Authorized()
  @Query(() => TicketNode, { nullable: true, description: 'A ticket by id or by number; null when unknown or not visible.' })
  async ticket(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('number', () => Int, { nullable: true }) number: number | null,
    @Ctx() ctx: Context,
  ): Promise<TicketNode | null> {
    if ((id == null) === (number == null)) throw badUserInput('Give exactly one of `id` and `number`.');
    const ticket = id != null ? await ctx.loaders.get(ticketById).load(filterId(id, 'Ticket')) : await ctx.em.findOne(Ticket, { number: number! });
    return ticket && ticketsPolicy.canSee(ctx.viewer, ticket)
      ? TicketNode.from(ticket)
      : null;
  }

  @Authorized()
  @Query(() => TicketConnection, { description: 'Tickets the viewer may see. Default order: newest first.' })
  async tickets(
    @Args() args: ConnectionArgs,
    @Arg('filter', () => TicketFilter, { nullable: true }) filter: TicketFilter | null,
    @Arg('orderBy', () => TicketOrder, { nullable: true }) orderBy: TicketOrder | null,
    @Ctx() ctx: Context,
  ) {
    const order = orderBy ?? { field: TicketOrderField.CREATED_AT, direction: OrderDirection.DESC };
    const page = await new TicketsService(ctx).list(ctx.viewer!, toCriteria(filter), order, args);
    return toConnection(TicketConnection, page, TicketNode.from);
  }

  @Authorized(...WRITERS)
  @Mutation(() => CreateTicketPayload)
  createTicket(@Arg('input') input: CreateTicketInput, @Ctx() ctx: Context): Promise<CreateTicketPayload> {
    return toPayload(CreateTicketPayload, 'ticket', async () =>
      TicketNode.from(
        await new TicketsService(ctx).createTicket({
          ...input,
          requesterId: input.requesterId ? parseId(input.requesterId, 'User', 'requesterId') : undefined,
          groupId: input.groupId ? parseId(input.groupId, 'Group', 'groupId') : undefined,
          assigneeId: input.assigneeId ? parseId(input.assigneeId, 'User', 'assigneeId') : undefined,
          assetIds: input.assetIds && parseIds(input.assetIds, 'Asset', 'assetIds'),
        }),
      ),
    );
  }

  @Authorized(...WRITERS)
  @Mutation(() => UpdateTicketPayload)
  updateTicket(@Arg('input') input: UpdateTicketInput, @Ctx() ctx: Context): Promise<UpdateTicketPayload> {
    return toPayload(UpdateTicketPayload, 'ticket', async () =>
      TicketNode.from(
        await new TicketsService(ctx).updateTicket({
          ...input,
          id: parseId(input.id, 'Ticket', 'id'),
          assetIds: input.assetIds && parseIds(input.assetIds, 'Asset', 'assetIds'),
        }),
      ),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => AssignTicketPayload, { description: 'Moves a ticket to a group and/or an assignee of that group.' })
  assignTicket(@Arg('input') input: AssignTicketInput, @Ctx() ctx: Context): Promise<AssignTicketPayload> {
    return toPayload(AssignTicketPayload, 'ticket', async () =>
      TicketNode.from(
        await new TicketsService(ctx).assignTicket({
          ...input,
          id: parseId(input.id, 'Ticket', 'id'),
          groupId: input.groupId ? parseId(input.groupId, 'Group', 'groupId') : input.groupId,
          assigneeId: input.assigneeId ? parseId(input.assigneeId, 'User', 'assigneeId') : input.assigneeId,
        }),
      ),
    );
  }

  @Authorized(...WRITERS)
  @Mutation(() => ChangeTicketStatusPayload)
  changeTicketStatus(@Arg('input') input: ChangeTicketStatusInput, @Ctx() ctx: Context): Promise<ChangeTicketStatusPayload> {
    return toPayload(ChangeTicketStatusPayload, 'ticket', async () =>
      TicketNode.from(await new TicketsService(ctx).changeTicketStatus({ ...input, id: parseId(input.id, 'Ticket', 'id') })),
    );
  }

  @Authorized(...WRITERS)
  @Mutation(() => AddCommentPayload, { description: 'A public reply, or an internal note (agents and admins).' })
  addComment(@Arg('input') input: AddCommentInput, @Ctx() ctx: Context): Promise<AddCommentPayload> {
    return toPayload(AddCommentPayload, 'comment', async () =>
      CommentNode.from(await new TicketsService(ctx).addComment({ ...input, ticketId: parseId(input.ticketId, 'Ticket', 'ticketId') })),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => LinkTicketsPayload, { description: 'Links two tickets; both show the link.' })
  linkTickets(@Arg('input') input: LinkTicketsInput, @Ctx() ctx: Context): Promise<LinkTicketsPayload> {
    return toPayload(LinkTicketsPayload, 'ticketLink', async () => {
      const link = await new TicketsService(ctx).linkTickets({
        kind: input.kind,
        fromId: parseId(input.fromId, 'Ticket', 'fromId'),
        toId: parseId(input.toId, 'Ticket', 'toId'),
      });
      return Object.assign(new TicketLinkNode(), { kind: link.kind, direction: LinkDirection.OUTGOING, createdAt: link.createdAt, otherTicketId: link.to.id });
    });
  }

  @Authorized(...WRITERS)
  @Mutation(() => RateTicketPayload, { description: 'The requester rates a resolved or closed ticket, once.' })
  rateTicket(@Arg('input') input: RateTicketInput, @Ctx() ctx: Context): Promise<RateTicketPayload> {
    return toPayload(RateTicketPayload, 'ticket', async () =>
      TicketNode.from(await new TicketsService(ctx).rateTicket({ ...input, id: parseId(input.id, 'Ticket', 'id') })),
    );
  }

  // The people, group and organization of a ticket the viewer sees are visible with it.
  @FieldResolver(() => UserNode)
  async requester(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<UserNode> {
    return UserNode.from((await ctx.loaders.get(userById).load(ticket.requesterId))!);
  }

  @FieldResolver(() => UserNode, { nullable: true })
  async assignee(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<UserNode | null> {
    const user = ticket.assigneeId ? await ctx.loaders.get(userById).load(ticket.assigneeId) : null;
    return user && UserNode.from(user);
  }

  @FieldResolver(() => GroupNode, { nullable: true })
  async group(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<GroupNode | null> {
    const group = ticket.groupId ? await ctx.loaders.get(groupById).load(ticket.groupId) : null;
    return group && GroupNode.from(group);
  }

  @FieldResolver(() => OrganizationNode, { nullable: true })
  async organization(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<OrganizationNode | null> {
    const organization = ticket.organizationId ? await ctx.loaders.get(organizationById).load(ticket.organizationId) : null;
    return organization && OrganizationNode.from(organization);
  }

  @FieldResolver(() => [AssetNode], { description: 'Configuration items concerned (a requester sees only their own).' })
  async assets(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<AssetNode[]> {
    const assets = await ctx.loaders.get(assetsByTicketId).load(ticket.databaseId);
    return assets.filter((asset) => assetsPolicy.canSeeAsset(ctx.viewer, asset)).map(AssetNode.from);
  }

  @FieldResolver(() => CommentConnection, { description: 'Oldest first; internal notes only for staff.' })
  async comments(@Root() ticket: TicketNode, @Args() args: ConnectionArgs, @Ctx() ctx: Context) {
    const where = ticketsPolicy.canSeeInternal(ctx.viewer) ? { ticket: ticket.databaseId } : { ticket: ticket.databaseId, internal: false };
    const page = await paginate(ctx.em, TicketComment, where, [{ field: 'createdAt', direction: 'ASC' }, { field: 'id', direction: 'ASC' }], args);
    return toConnection(CommentConnection, page, CommentNode.from);
  }

  @FieldResolver(() => Int, { description: 'Comments the viewer can read.' })
  async commentCount(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<number> {
    const counts = await ctx.loaders.get(commentCountsByTicketId).load(ticket.databaseId);
    return ticketsPolicy.canSeeInternal(ctx.viewer) ? counts.all : counts.public;
  }

  @FieldResolver(() => TicketHistoryConnection, { description: 'Every change, oldest first; append-only.' })
  async history(@Root() ticket: TicketNode, @Args() args: ConnectionArgs, @Ctx() ctx: Context) {
    const where = ticketsPolicy.canSeeInternal(ctx.viewer) ? { ticket: ticket.databaseId } : { ticket: ticket.databaseId, internal: false };
    const page = await paginate(ctx.em, TicketHistory, where, [{ field: 'id', direction: 'ASC' }], args);
    return toConnection(TicketHistoryConnection, page, TicketHistoryEntry.from);
  }

  @FieldResolver(() => [TicketLinkNode], { description: 'Links from and to this ticket, to tickets the viewer may see.' })
  async links(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<TicketLinkNode[]> {
    const links = await ctx.loaders.get(linksByTicketId).load(ticket.databaseId);
    const seen = links.map((link) => {
      const outgoing = link.from.id === ticket.databaseId;
      return Object.assign(new TicketLinkNode(), {
        kind: link.kind,
        direction: outgoing ? LinkDirection.OUTGOING : LinkDirection.INCOMING,
        createdAt: link.createdAt,
        otherTicketId: outgoing ? link.to.id : link.from.id,
      });
    });
    const others = await ctx.loaders.get(ticketById).loadMany(seen.map((link) => link.otherTicketId));
    return seen.filter((_, index) => {
      const other = others[index];
      return other instanceof Ticket && ticketsPolicy.canSee(ctx.viewer, other);
    });
  }

  @FieldResolver(() => String, {
    description: 'The cursor of this ticket’s latest event: read the ticket, then subscribe to ticketEvents with it as `after` to miss nothing in between.',
  })
  async eventCursor(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<string> {
    return encodeCursor(await ctx.loaders.get(latestEventSeqByTicketId).load(ticket.databaseId));
  }

  @FieldResolver(() => TicketSatisfaction, { nullable: true })
  satisfaction(@Root() ticket: TicketNode): TicketSatisfaction | null {
    if (ticket.rating === null) return null;
    return Object.assign(new TicketSatisfaction(), { rating: ticket.rating, comment: ticket.ratingComment, ratedAt: ticket.ratedAt! });
  }
}

@Resolver(() => CommentNode)
export class CommentsResolver {
  @FieldResolver(() => UserNode)
  async author(@Root() comment: CommentNode, @Ctx() ctx: Context): Promise<UserNode> {
    return UserNode.from((await ctx.loaders.get(userById).load(comment.authorId))!);
  }

  @FieldResolver(() => TicketNode)
  async ticket(@Root() comment: CommentNode, @Ctx() ctx: Context): Promise<TicketNode> {
    return TicketNode.from((await ctx.loaders.get(ticketById).load(comment.ticketId))!);
  }
}

@Resolver(() => TicketHistoryEntry)
export class TicketHistoryResolver {
  @FieldResolver(() => UserNode, { nullable: true, description: 'Null for changes the system made itself.' })
  async actor(@Root() entry: TicketHistoryEntry, @Ctx() ctx: Context): Promise<UserNode | null> {
    const user = entry.actorId ? await ctx.loaders.get(userById).load(entry.actorId) : null;
    return user && (usersPolicy.canSeeUser(ctx.viewer, user) || entry.actorId === ctx.viewer?.id) ? UserNode.from(user) : null;
  }
}

@Resolver(() => TicketLinkNode)
export class TicketLinkResolver {
  @FieldResolver(() => TicketNode, { description: 'The ticket at the other end.' })
  async ticket(@Root() link: TicketLinkNode, @Ctx() ctx: Context): Promise<TicketNode> {
    return TicketNode.from((await ctx.loaders.get(ticketById).load(link.otherTicketId))!);
  }
}

export const ticketNodeFetchers = {
  Ticket: async (ctx: Context, id: string) => {
    const ticket = await ctx.loaders.get(ticketById).load(id);
    return ticket && ticketsPolicy.canSee(ctx.viewer, ticket) ? TicketNode.from(ticket) : null;
  },
  Comment: async (ctx: Context, id: string) => {
    const comment = await ctx.em.findOne(TicketComment, id, { populate: ['ticket'] });
    if (!comment || (comment.internal && !ticketsPolicy.canSeeInternal(ctx.viewer))) return null;
    const ticket = comment.ticket.getEntity();
    return ticketsPolicy.canSee(ctx.viewer, ticket) ? CommentNode.from(comment) : null;
  },
};

