import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Role, STAFF_ROLES } from '../../auth/roles';
import { forbidden, unauthenticated } from '../../errors';
import type { Context } from '../../graphql/context';
import { filterId, parseId } from '../../graphql/global-id';
import { ConnectionArgs, toConnection } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-errors';
import { decodeCursor, encodeCursor } from '../events/event-log';
import type { LogEvent } from '../events/event-stream';
import type { TicketCriteria } from '../tickets/tickets.filter';
import { ticketById } from '../tickets/tickets.loaders';
import { TicketsService } from '../tickets/tickets.service';
import { TicketConnection, TicketFilter, TicketNode } from '../tickets/tickets.types';
import { groupById } from '../users/users.loaders';
import { GroupNode } from '../users/users.types';
import { Queue } from './queues.entities';
import { QueuesService } from './queues.service';
import { RoutingService } from './routing.service';
import {
  CreateQueueInput,
  CreateQueuePayload,
  CreateRoutingRuleInput,
  CreateRoutingRulePayload,
  DeleteQueueInput,
  DeleteQueuePayload,
  DeleteRoutingRuleInput,
  DeleteRoutingRulePayload,
  EscalateTicketInput,
  EscalateTicketPayload,
  QueueEventNode,
  QueueNode,
  RoutingRuleNode,
  UpdateQueueInput,
  UpdateQueuePayload,
  UpdateRoutingRuleInput,
  UpdateRoutingRulePayload,
} from './queues.types';

const ID_LISTS = { ids: 'Ticket', groupIds: 'Group', assigneeIds: 'User', requesterIds: 'User', organizationIds: 'Organization' } as const;

/** A filter to be stored (queue, rule): every id must name something, else a user error on its path. */
function parseCriteria(filter: TicketFilter | null | undefined, field: string): TicketCriteria {
  const criteria: TicketCriteria = { ...filter };
  for (const [key, type] of Object.entries(ID_LISTS) as [keyof typeof ID_LISTS, string][]) {
    const ids = filter?.[key];
    if (ids) criteria[key] = ids.map((id, index) => parseId(id, type, [field, key, String(index)]));
  }
  return criteria;
}

@Authorized(...STAFF_ROLES)
@Resolver(() => QueueNode)
export class QueuesResolver {
  @Query(() => [QueueNode], { description: 'The queues the viewer may see, by name.' })
  async queues(@Ctx() ctx: Context): Promise<QueueNode[]> {
    return (await new QueuesService(ctx).visibleQueues(ctx.viewer!)).map(QueueNode.from);
  }

  @Query(() => QueueNode, { nullable: true })
  async queue(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<QueueNode | null> {
    const queue = await new QueuesService(ctx).visibleQueue(ctx.viewer, filterId(id, 'Queue'));
    return queue && QueueNode.from(queue);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateQueuePayload)
  createQueue(@Arg('input') input: CreateQueueInput, @Ctx() ctx: Context): Promise<CreateQueuePayload> {
    return toPayload(CreateQueuePayload, 'queue', async () =>
      QueueNode.from(
        await new QueuesService(ctx).createQueue({
          name: input.name,
          filter: parseCriteria(input.filter, 'filter'),
          orderField: input.orderBy?.field,
          orderDirection: input.orderBy?.direction,
          groupIds: input.groupIds?.map((id, index) => parseId(id, 'Group', ['groupIds', String(index)])),
        }),
      ),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UpdateQueuePayload)
  updateQueue(@Arg('input') input: UpdateQueueInput, @Ctx() ctx: Context): Promise<UpdateQueuePayload> {
    return toPayload(UpdateQueuePayload, 'queue', async () =>
      QueueNode.from(
        await new QueuesService(ctx).updateQueue({
          id: parseId(input.id, 'Queue', 'id'),
          expectedVersion: input.expectedVersion,
          name: input.name,
          filter: input.filter ? parseCriteria(input.filter, 'filter') : undefined,
          orderField: input.orderBy?.field,
          orderDirection: input.orderBy?.direction,
          groupIds: input.groupIds?.map((id, index) => parseId(id, 'Group', ['groupIds', String(index)])),
        }),
      ),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeleteQueuePayload)
  deleteQueue(@Arg('input') input: DeleteQueueInput, @Ctx() ctx: Context): Promise<DeleteQueuePayload> {
    return toPayload(DeleteQueuePayload, 'deletedQueueId', async () => {
      await new QueuesService(ctx).deleteQueue(parseId(input.id, 'Queue', 'id'), input.expectedVersion);
      return input.id;
    });
  }

  @FieldResolver(() => TicketConnection, { description: 'The queue’s tickets in its order, among those the viewer may see.' })
  async tickets(@Root() queue: QueueNode, @Args() args: ConnectionArgs, @Ctx() ctx: Context) {
    const page = await new TicketsService(ctx).list(ctx.viewer!, queue.entity.filter as TicketCriteria, { field: queue.orderBy.field, direction: queue.orderBy.direction }, args);
    return toConnection(TicketConnection, page, TicketNode.from);
  }

  @FieldResolver(() => Int, { description: 'Tickets in the queue now (kept live, without counting on each read).' })
  count(@Root() queue: QueueNode, @Ctx() ctx: Context): Promise<number> {
    return new QueuesService(ctx).count(queue.entity);
  }

  @FieldResolver(() => [GroupNode], { description: 'Groups whose agents see the queue; empty: every agent.' })
  async groups(@Root() queue: QueueNode, @Ctx() ctx: Context): Promise<GroupNode[]> {
    const ids = (await new QueuesService(ctx).groupIdsByQueue([queue.databaseId])).get(queue.databaseId) ?? [];
    const groups = await ctx.loaders.get(groupById).loadMany(ids);
    return groups.filter((group) => group && !(group instanceof Error)).map((group) => GroupNode.from(group as never));
  }

  @Subscription(() => QueueEventNode, {
    description: 'Tickets entering, changing inside and leaving these queues, with each queue’s count. `after` resumes as for ticketEvents.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { queueIds: string[]; after?: string | null }, Context>) => {
      if (!context.viewer) throw unauthenticated();
      const service = new QueuesService(context);
      const visible = new Set((await service.visibleQueues(context.viewer)).map((queue) => queue.id));
      const wanted = args.queueIds.map((id) => filterId(id, 'Queue'));
      if (!wanted.length || wanted.some((id) => !visible.has(id))) throw forbidden('You cannot follow one of these queues.');
      const set = new Set(wanted);
      // Queues are staff-only, and staff see every ticket: the queue is the whole authorization.
      return context.app.events.stream({ topic: 'queue', after: args.after ? decodeCursor(args.after) : undefined, accepts: (event) => set.has(event.data.queueId as string) });
    },
  })
  queueEvents(
    @Root() event: LogEvent,
    @Arg('queueIds', () => [ID]) _queueIds: string[],
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): QueueEventNode {
    return Object.assign(new QueueEventNode(), {
      cursor: encodeCursor(event.seq),
      kind: event.kind,
      count: event.data.count as number,
      occurredAt: event.occurredAt,
      queueId: event.data.queueId as string,
      ticketId: event.ticketId!,
    });
  }
}

@Authorized(...STAFF_ROLES)
@Resolver(() => QueueEventNode)
export class QueueEventsResolver {
  @FieldResolver(() => QueueNode)
  async queue(@Root() event: QueueEventNode, @Ctx() ctx: Context): Promise<QueueNode> {
    return QueueNode.from(await ctx.em.findOneOrFail(Queue, event.queueId));
  }

  @FieldResolver(() => TicketNode)
  async ticket(@Root() event: QueueEventNode, @Ctx() ctx: Context): Promise<TicketNode> {
    return TicketNode.from((await ctx.loaders.get(ticketById).load(event.ticketId))!);
  }
}

@Authorized(...STAFF_ROLES)
@Resolver(() => RoutingRuleNode)
export class RoutingResolver {
  @Query(() => [RoutingRuleNode], { description: 'Routing rules by position.' })
  async routingRules(@Ctx() ctx: Context): Promise<RoutingRuleNode[]> {
    return (await new RoutingService(ctx).list()).map(RoutingRuleNode.from);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateRoutingRulePayload)
  createRoutingRule(@Arg('input') input: CreateRoutingRuleInput, @Ctx() ctx: Context): Promise<CreateRoutingRulePayload> {
    return toPayload(CreateRoutingRulePayload, 'routingRule', async () =>
      RoutingRuleNode.from(
        await new RoutingService(ctx).createRule({
          ...input,
          match: parseCriteria(input.match, 'match'),
          groupId: parseId(input.groupId, 'Group', 'groupId'),
        }),
      ),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UpdateRoutingRulePayload)
  updateRoutingRule(@Arg('input') input: UpdateRoutingRuleInput, @Ctx() ctx: Context): Promise<UpdateRoutingRulePayload> {
    return toPayload(UpdateRoutingRulePayload, 'routingRule', async () =>
      RoutingRuleNode.from(
        await new RoutingService(ctx).updateRule({
          ...input,
          id: parseId(input.id, 'RoutingRule', 'id'),
          match: input.match ? parseCriteria(input.match, 'match') : undefined,
          groupId: input.groupId ? parseId(input.groupId, 'Group', 'groupId') : undefined,
        }),
      ),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeleteRoutingRulePayload)
  deleteRoutingRule(@Arg('input') input: DeleteRoutingRuleInput, @Ctx() ctx: Context): Promise<DeleteRoutingRulePayload> {
    return toPayload(DeleteRoutingRulePayload, 'deletedRoutingRuleId', async () => {
      await new RoutingService(ctx).deleteRule(parseId(input.id, 'RoutingRule', 'id'));
      return input.id;
    });
  }

  @Authorized(Role.AGENT, Role.ADMIN)
  @Mutation(() => EscalateTicketPayload, { description: 'Moves a ticket to a group of the next support tier.' })
  escalateTicket(@Arg('input') input: EscalateTicketInput, @Ctx() ctx: Context): Promise<EscalateTicketPayload> {
    return toPayload(EscalateTicketPayload, 'ticket', async () =>
      TicketNode.from(await new RoutingService(ctx).escalate(parseId(input.id, 'Ticket', 'id'), input.expectedVersion, input.reason)),
    );
  }

  @FieldResolver(() => GroupNode)
  async group(@Root() rule: RoutingRuleNode, @Ctx() ctx: Context): Promise<GroupNode> {
    return GroupNode.from((await ctx.loaders.get(groupById).load(rule.groupId))!);
  }
}
