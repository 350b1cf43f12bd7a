import { GraphQLJSON } from 'graphql-scalars';
import type { FieldChange } from '../../db/field-changes';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, ObjectType, registerEnumType, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { forbidden, unauthenticated } from '../../errors';
import type { Context } from '../../graphql/context';
import { filterId } from '../../graphql/global-id';
import { Loaders } from '../../graphql/loaders';
import { decodeCursor, encodeCursor } from '../events/event-log';
import type { LogEvent } from '../events/event-stream';
import { userById } from '../users/users.loaders';
import { usersPolicy } from '../users/users.policy';
import { UserNode } from '../users/users.types';
import { TicketComment } from './tickets.entities';
import { TicketEventKind, type TicketState } from './tickets.history';
import { ticketById } from './tickets.loaders';
import { ticketsPolicy } from './tickets.policy';
import { CommentNode, TicketNode } from './tickets.types';

registerEnumType(TicketEventKind, { name: 'TicketEventKind' });

@ObjectType('FieldChange', { description: 'One field’s old and new value; ids are global ids.' })
class FieldChangeNode {
  @Field() field!: string;
  @Field(() => GraphQLJSON, { nullable: true }) from!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) to!: unknown;
}

@ObjectType('TicketEvent', { description: 'A committed change of a ticket, in commit order.' })
export class TicketEventNode {
  @Field({ description: 'Pass it as `after` to resume right after this event.' }) cursor!: string;
  @Field(() => TicketEventKind) kind!: TicketEventKind;
  @Field() occurredAt!: Date;
  @Field(() => [FieldChangeNode]) changes!: FieldChange[];
  ticketId!: string;
  actorId!: string | null;
  commentId!: string | null;

  static from(event: LogEvent): TicketEventNode {
    return Object.assign(new TicketEventNode(), {
      cursor: encodeCursor(event.seq),
      kind: event.kind as TicketEventKind,
      occurredAt: event.occurredAt,
      changes: (event.data.changes as FieldChange[]) ?? [],
      ticketId: event.ticketId!,
      actorId: event.actorId,
      commentId: (event.data.commentId as string | undefined) ?? null,
    });
  }
}

/**
 * One unit of work per event, shared by every subscriber it is delivered to: the ticket, its
 * people and its counts are loaded once per event, not once per subscriber.
 */
const sharedWork = new WeakMap<LogEvent, { em: Context['em']; loaders: Loaders }>();

function shareWork(event: LogEvent, ctx: Context) {
  let work = sharedWork.get(event);
  if (!work) {
    const em = ctx.app.orm.em.fork();
    work = { em, loaders: new Loaders({ em, viewer: null }) };
    sharedWork.set(event, work);
  }
  return work;
}

/** Who may receive an event: the ticket's visibility then (its state after the change), and internal notes for staff. */
function mayReceive(viewer: Context['viewer'], event: LogEvent): boolean {
  const after = event.data.after as TicketState;
  const ticket = { requester: { id: after.requesterId }, organization: after.organizationId ? { id: after.organizationId } : null };
  return ticketsPolicy.canSee(viewer, ticket) && (!event.internal || ticketsPolicy.canSeeInternal(viewer));
}

@Authorized()
@Resolver(() => TicketEventNode)
export class TicketEventsResolver {
  @Subscription(() => TicketEventNode, {
    description:
      'Changes of one ticket as they commit. With `after` (a cursor), the events after it are replayed first, then live ones follow with no gap and no duplicate. A cursor older than the retention window fails with CURSOR_EXPIRED.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { ticketId: string; after?: string | null }, Context>) => {
      // @Authorized guards resolving each event, not this subscribe step: check here too.
      if (!context.viewer) throw unauthenticated();
      const ticket = await context.loaders.get(ticketById).load(filterId(args.ticketId, 'Ticket'));
      if (!ticket || !ticketsPolicy.canSee(context.viewer, ticket)) throw forbidden('You cannot follow this ticket.');
      const after = args.after ? decodeCursor(args.after) : undefined;
      return context.app.events.stream({ topic: 'ticket', ticketId: ticket.id, after, accepts: (event) => mayReceive(context.viewer, event) });
    },
  })
  ticketEvents(
    @Root() event: LogEvent,
    @Arg('ticketId', () => ID) _ticketId: string,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
    @Ctx() ctx: Context,
  ): TicketEventNode {
    // Each event is resolved in its own shared unit of work (a long subscription must not grow one
    // identity map for hours, and N subscribers must not cost N loads).
    const work = shareWork(event, ctx);
    ctx.em = work.em;
    ctx.loaders = work.loaders;
    return TicketEventNode.from(event);
  }

  @FieldResolver(() => TicketNode, { description: 'The ticket as it is now.' })
  async ticket(@Root() event: TicketEventNode, @Ctx() ctx: Context): Promise<TicketNode> {
    return TicketNode.from((await ctx.loaders.get(ticketById).load(event.ticketId))!);
  }

  @FieldResolver(() => UserNode, { nullable: true, description: 'Null for changes the system made itself.' })
  async actor(@Root() event: TicketEventNode, @Ctx() ctx: Context): Promise<UserNode | null> {
    const user = event.actorId ? await ctx.loaders.get(userById).load(event.actorId) : null;
    return user && (usersPolicy.canSeeUser(ctx.viewer, user) || user.id === ctx.viewer?.id) ? UserNode.from(user) : null;
  }

  @FieldResolver(() => CommentNode, { nullable: true, description: 'The comment of a COMMENTED event.' })
  async comment(@Root() event: TicketEventNode, @Ctx() ctx: Context): Promise<CommentNode | null> {
    if (!event.commentId) return null;
    const comment = await ctx.em.findOne(TicketComment, event.commentId);
    return comment && (!comment.internal || ticketsPolicy.canSeeInternal(ctx.viewer)) ? CommentNode.from(comment) : null;
  }
}
