import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Role, STAFF_ROLES } from '../../auth/roles';
import { unauthenticated } from '../../errors';
import type { Context } from '../../graphql/context';
import { filterId, parseId } from '../../graphql/global-id';
import { toPayload } from '../../graphql/user-errors';
import { decodeCursor, encodeCursor } from '../events/event-log';
import type { LogEvent } from '../events/event-stream';
import { ticketById } from '../tickets/tickets.loaders';
import { TicketNode } from '../tickets/tickets.types';
import { groupById } from '../users/users.loaders';
import { GroupNode } from '../users/users.types';
import { elapsedAt } from './sla.clocks';
import { BusinessCalendar, type SlaMetric, SlaPolicy } from './sla.entities';
import { calendarById, clocksByTicketId, slaPolicyById } from './sla.loaders';
import { calendarOf } from './sla.reactor';
import { SlaEventKind } from './sla.scheduler';
import { SlaService } from './sla.service';
import {
  BusinessCalendarNode,
  CreateBusinessCalendarInput,
  CreateBusinessCalendarPayload,
  CreateSlaPolicyInput,
  CreateSlaPolicyPayload,
  DeleteSlaPolicyInput,
  DeleteSlaPolicyPayload,
  durationSeconds,
  isoDuration,
  SlaEventNode,
  SlaPolicyNode,
  type SlaTargetInput,
  TicketSla,
  UpdateBusinessCalendarInput,
  UpdateBusinessCalendarPayload,
  UpdateSlaPolicyInput,
  UpdateSlaPolicyPayload,
} from './sla.types';

const toDay = (date: Date) => date.toISOString().slice(0, 10);
const toTargets = (targets: SlaTargetInput[]) =>
  targets.map((target) => ({ priority: target.priority, firstResponseSeconds: durationSeconds(target.firstResponse), resolutionSeconds: durationSeconds(target.resolution) }));
const appliesTo = (input: CreateSlaPolicyInput['appliesTo']) =>
  input && {
    types: input.types,
    organizationIds: input.organizationIds?.map((id, index) => parseId(id, 'Organization', ['appliesTo', 'organizationIds', String(index)])),
    groupIds: input.groupIds?.map((id, index) => parseId(id, 'Group', ['appliesTo', 'groupIds', String(index)])),
  };

@Authorized(...STAFF_ROLES)
@Resolver(() => SlaPolicyNode)
export class SlaResolver {
  @Query(() => [BusinessCalendarNode])
  async businessCalendars(@Ctx() ctx: Context): Promise<BusinessCalendarNode[]> {
    return (await ctx.em.find(BusinessCalendar, {}, { orderBy: { name: 'ASC' } })).map(BusinessCalendarNode.from);
  }

  @Query(() => [SlaPolicyNode], { description: 'SLA policies by position.' })
  async slaPolicies(@Ctx() ctx: Context): Promise<SlaPolicyNode[]> {
    return (await ctx.em.find(SlaPolicy, {}, { orderBy: { position: 'ASC', createdAt: 'ASC' } })).map(SlaPolicyNode.from);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateBusinessCalendarPayload)
  createBusinessCalendar(@Arg('input') input: CreateBusinessCalendarInput, @Ctx() ctx: Context): Promise<CreateBusinessCalendarPayload> {
    return toPayload(CreateBusinessCalendarPayload, 'businessCalendar', async () =>
      BusinessCalendarNode.from(await new SlaService(ctx).createCalendar({ ...input, holidays: input.holidays?.map(toDay) })),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UpdateBusinessCalendarPayload)
  updateBusinessCalendar(@Arg('input') input: UpdateBusinessCalendarInput, @Ctx() ctx: Context): Promise<UpdateBusinessCalendarPayload> {
    return toPayload(UpdateBusinessCalendarPayload, 'businessCalendar', async () =>
      BusinessCalendarNode.from(
        await new SlaService(ctx).updateCalendar({ ...input, id: parseId(input.id, 'BusinessCalendar', 'id'), holidays: input.holidays?.map(toDay) }),
      ),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateSlaPolicyPayload)
  createSlaPolicy(@Arg('input') input: CreateSlaPolicyInput, @Ctx() ctx: Context): Promise<CreateSlaPolicyPayload> {
    return toPayload(CreateSlaPolicyPayload, 'slaPolicy', async () =>
      SlaPolicyNode.from(
        await new SlaService(ctx).createPolicy({
          ...input,
          appliesTo: appliesTo(input.appliesTo),
          calendarId: input.calendarId ? parseId(input.calendarId, 'BusinessCalendar', 'calendarId') : null,
          targets: toTargets(input.targets),
          escalateToGroupId: input.escalateToGroupId ? parseId(input.escalateToGroupId, 'Group', 'escalateToGroupId') : null,
        }),
      ),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UpdateSlaPolicyPayload)
  updateSlaPolicy(@Arg('input') input: UpdateSlaPolicyInput, @Ctx() ctx: Context): Promise<UpdateSlaPolicyPayload> {
    return toPayload(UpdateSlaPolicyPayload, 'slaPolicy', async () =>
      SlaPolicyNode.from(
        await new SlaService(ctx).updatePolicy({
          ...input,
          id: parseId(input.id, 'SlaPolicy', 'id'),
          appliesTo: appliesTo(input.appliesTo),
          calendarId: input.calendarId ? parseId(input.calendarId, 'BusinessCalendar', 'calendarId') : input.calendarId,
          targets: input.targets && toTargets(input.targets),
          escalateToGroupId: input.escalateToGroupId ? parseId(input.escalateToGroupId, 'Group', 'escalateToGroupId') : input.escalateToGroupId,
        }),
      ),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeleteSlaPolicyPayload)
  deleteSlaPolicy(@Arg('input') input: DeleteSlaPolicyInput, @Ctx() ctx: Context): Promise<DeleteSlaPolicyPayload> {
    return toPayload(DeleteSlaPolicyPayload, 'deletedSlaPolicyId', async () => {
      await new SlaService(ctx).deletePolicy(parseId(input.id, 'SlaPolicy', 'id'));
      return input.id;
    });
  }

  @FieldResolver(() => BusinessCalendarNode, { nullable: true, description: 'Null: 24×7.' })
  async calendar(@Root() policy: SlaPolicyNode, @Ctx() ctx: Context): Promise<BusinessCalendarNode | null> {
    const calendar = policy.calendarId ? await ctx.loaders.get(calendarById).load(policy.calendarId) : null;
    return calendar && BusinessCalendarNode.from(calendar);
  }

  @FieldResolver(() => GroupNode, { nullable: true })
  async escalateToGroup(@Root() policy: SlaPolicyNode, @Ctx() ctx: Context): Promise<GroupNode | null> {
    const group = policy.escalateToGroupId ? await ctx.loaders.get(groupById).load(policy.escalateToGroupId) : null;
    return group && GroupNode.from(group);
  }

  @Authorized(...STAFF_ROLES)
  @Subscription(() => SlaEventNode, {
    description: 'SLA warnings and breaches; without groupIds, for every group. `after` resumes as for ticketEvents.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { groupIds?: string[] | null; after?: string | null }, Context>) => {
      if (!context.viewer) throw unauthenticated();
      const groups = args.groupIds?.length ? new Set(args.groupIds.map((id) => filterId(id, 'Group'))) : null;
      return context.app.events.stream({
        topic: 'sla',
        after: args.after ? decodeCursor(args.after) : undefined,
        accepts: (event) => !groups || groups.has(event.data.groupId as string),
      });
    },
  })
  slaEvents(
    @Root() event: LogEvent,
    @Arg('groupIds', () => [ID], { nullable: true }) _groupIds: string[] | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): SlaEventNode {
    return Object.assign(new SlaEventNode(), {
      cursor: encodeCursor(event.seq),
      kind: event.kind as SlaEventKind,
      metric: event.data.metric as SlaMetric,
      dueAt: event.data.dueAt ? new Date(event.data.dueAt as string) : null,
      occurredAt: event.occurredAt,
      ticketId: event.ticketId!,
    });
  }
}

@Authorized(...STAFF_ROLES)
@Resolver(() => SlaEventNode)
export class SlaEventResolver {
  @FieldResolver(() => TicketNode)
  async ticket(@Root() event: SlaEventNode, @Ctx() ctx: Context): Promise<TicketNode> {
    return TicketNode.from((await ctx.loaders.get(ticketById).load(event.ticketId))!);
  }
}

/** Ticket.sla, from this module: tickets know nothing of SLA. */
@Resolver(() => TicketNode)
export class TicketSlaResolver {
  @FieldResolver(() => TicketSla, { nullable: true, description: 'The SLA clocks of the ticket; null when no policy applies.' })
  async sla(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<TicketSla | null> {
    const clocks = await ctx.loaders.get(clocksByTicketId).load(ticket.databaseId);
    if (!clocks.length) return null;
    const now = new Date();
    return Object.assign(new TicketSla(), {
      policyId: clocks[0].policy?.id ?? null,
      targets: clocks.map((clock) => {
        const calendar = calendarOf(clock.policy?.getEntity().calendar?.getEntity() ?? null);
        const elapsed = elapsedAt(clock, calendar, now);
        return {
          metric: clock.metric,
          dueAt: clock.runningSince ? clock.dueAt : null,
          status: clock.status,
          breachedAt: clock.breachedAt,
          metAt: clock.metAt,
          remaining: isoDuration(Math.max(0, clock.targetSeconds * 1000 - elapsed) / 1000),
          elapsed: isoDuration(elapsed / 1000),
        };
      }),
    });
  }
}

@Resolver(() => TicketSla)
export class TicketSlaPolicyResolver {
  @FieldResolver(() => SlaPolicyNode, { nullable: true })
  async policy(@Root() sla: TicketSla, @Ctx() ctx: Context): Promise<SlaPolicyNode | null> {
    const policy = sla.policyId ? await ctx.loaders.get(slaPolicyById).load(sla.policyId) : null;
    return policy && SlaPolicyNode.from(policy);
  }
}

