import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { isStaff, Role } from '../../auth/roles';
import type { Context } from '../../graphql/context';
import { parseId } from '../../graphql/global-id';
import { toPayload } from '../../graphql/user-errors';
import { Channel, TicketType } from '../tickets/tickets.enums';
import { TicketNode } from '../tickets/tickets.types';
import { userById } from '../users/users.loaders';
import { usersPolicy } from '../users/users.policy';
import { UserNode } from '../users/users.types';
import { IntegrationNode, MonitoringAlertNode } from './alerts.types';
import { alertByTicketId, approvalByTicketId, approverIdsByTicketId, integrationById } from './assets.loaders';
import { ChangesService } from './changes.service';
import {
  ChangeApprovalNode,
  ChangeWindowNode,
  DecideChangeInput,
  DecideChangePayload,
  RequestChangeApprovalInput,
  RequestChangeApprovalPayload,
  ResolveProblemInput,
  ResolveProblemPayload,
} from './changes.types';

const WORKERS = [Role.AGENT, Role.ADMIN];

async function visibleUser(ctx: Context, id: string | null): Promise<UserNode | null> {
  const user = id ? await ctx.loaders.get(userById).load(id) : null;
  return user && (usersPolicy.canSeeUser(ctx.viewer, user) || user.id === ctx.viewer?.id) ? UserNode.from(user) : null;
}

@Authorized(...WORKERS)
@Resolver()
export class ChangesResolver {
  @Mutation(() => ResolveProblemPayload, {
    description: 'Resolves a PROBLEM and, with `resolveIncidents`, every open INCIDENT caused by it (CAUSED_BY), in one transaction.',
  })
  async resolveProblem(@Arg('input') input: ResolveProblemInput, @Ctx() ctx: Context): Promise<ResolveProblemPayload> {
    let incidents: TicketNode[] = [];
    const payload = await toPayload(ResolveProblemPayload, 'ticket', async () => {
      const result = await new ChangesService(ctx).resolveProblem({ ...input, id: parseId(input.id, 'Ticket', 'id') });
      incidents = result.incidents.map(TicketNode.from);
      return TicketNode.from(result.problem);
    });
    payload.resolvedIncidents = payload.ticket ? incidents : null;
    return payload;
  }

  @Mutation(() => RequestChangeApprovalPayload, { description: 'Asks the named approvers to approve a CHANGE planned for `window`.' })
  requestChangeApproval(@Arg('input') input: RequestChangeApprovalInput, @Ctx() ctx: Context): Promise<RequestChangeApprovalPayload> {
    return toPayload(RequestChangeApprovalPayload, 'ticket', async () =>
      TicketNode.from(
        await new ChangesService(ctx).requestApproval({
          id: parseId(input.id, 'Ticket', 'id'),
          approverIds: input.approverIds.map((id, index) => parseId(id, 'User', ['approverIds', String(index)])),
          windowStart: input.window.start,
          windowEnd: input.window.end,
        }),
      ),
    );
  }

  @Mutation(() => DecideChangePayload, { description: 'An approver named in the request approves or rejects the CHANGE; the first decision stands.' })
  decideChange(@Arg('input') input: DecideChangeInput, @Ctx() ctx: Context): Promise<DecideChangePayload> {
    return toPayload(DecideChangePayload, 'ticket', async () =>
      TicketNode.from(await new ChangesService(ctx).decide({ ...input, id: parseId(input.id, 'Ticket', 'id') })),
    );
  }
}

/** The Ticket fields of problem, change and monitoring management (the tickets module knows nothing of them). */
@Authorized()
@Resolver(() => TicketNode)
export class TicketChangeFieldsResolver {
  @FieldResolver(() => ChangeApprovalNode, { nullable: true, description: 'A CHANGE’s approval; null for other tickets and before any request.' })
  async approval(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<ChangeApprovalNode | null> {
    if (ticket.type !== TicketType.CHANGE) return null;
    const approval = await ctx.loaders.get(approvalByTicketId).load(ticket.databaseId);
    return approval && ChangeApprovalNode.from(approval);
  }

  @FieldResolver(() => ChangeWindowNode, { nullable: true, description: 'When a CHANGE is planned to be carried out (set with requestChangeApproval).' })
  async window(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<ChangeWindowNode | null> {
    if (ticket.type !== TicketType.CHANGE) return null;
    const approval = await ctx.loaders.get(approvalByTicketId).load(ticket.databaseId);
    return approval && Object.assign(new ChangeWindowNode(), { start: approval.windowStart, end: approval.windowEnd });
  }

  @FieldResolver(() => MonitoringAlertNode, { nullable: true, description: 'The monitoring alert that opened this incident (staff only).' })
  async alert(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<MonitoringAlertNode | null> {
    if (ticket.channel !== Channel.MONITORING || !ctx.viewer || !isStaff(ctx.viewer.role)) return null;
    const alert = await ctx.loaders.get(alertByTicketId).load(ticket.databaseId);
    return alert && MonitoringAlertNode.from(alert);
  }
}

@Authorized()
@Resolver(() => ChangeApprovalNode)
export class ChangeApprovalResolver {
  @FieldResolver(() => [UserNode], { description: 'The people asked to decide; any one of them may.' })
  async approvers(@Root() approval: ChangeApprovalNode, @Ctx() ctx: Context): Promise<UserNode[]> {
    const ids = await ctx.loaders.get(approverIdsByTicketId).load(approval.ticketId);
    const users = await Promise.all(ids.map((id) => visibleUser(ctx, id)));
    return users.filter((user): user is UserNode => user !== null).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  @FieldResolver(() => UserNode, { nullable: true })
  requestedBy(@Root() approval: ChangeApprovalNode, @Ctx() ctx: Context): Promise<UserNode | null> {
    return visibleUser(ctx, approval.requestedById);
  }

  @FieldResolver(() => UserNode, { nullable: true, description: 'The approver who decided.' })
  decidedBy(@Root() approval: ChangeApprovalNode, @Ctx() ctx: Context): Promise<UserNode | null> {
    return visibleUser(ctx, approval.decidedById);
  }
}

@Authorized()
@Resolver(() => MonitoringAlertNode)
export class MonitoringAlertResolver {
  @FieldResolver(() => IntegrationNode, { nullable: true, description: 'The integration that posted it (admins only).' })
  async integration(@Root() alert: MonitoringAlertNode, @Ctx() ctx: Context): Promise<IntegrationNode | null> {
    if (ctx.viewer?.role !== Role.ADMIN) return null;
    const integration = await ctx.loaders.get(integrationById).load(alert.integrationId);
    return integration && IntegrationNode.from(integration);
  }
}
