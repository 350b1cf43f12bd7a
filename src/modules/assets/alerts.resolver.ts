import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { Context } from '../../graphql/context';
import { parseId } from '../../graphql/global-id';
import { DomainError, toPayload, UserErrorCode } from '../../graphql/user-errors';
import { ticketById } from '../tickets/tickets.loaders';
import { ticketsPolicy } from '../tickets/tickets.policy';
import { TicketNode } from '../tickets/tickets.types';
import { userById } from '../users/users.loaders';
import { UserNode } from '../users/users.types';
import { AlertsService } from './alerts.service';
import {
  CreateIntegrationInput,
  CreateIntegrationPayload,
  IngestAlertInput,
  IngestAlertPayload,
  IngestedAlertNode,
  IntegrationNode,
  RevokeIntegrationInput,
  RevokeIntegrationPayload,
} from './alerts.types';
import { parseAlertmanagerWebhook } from './alerts.webhook';

@Authorized(Role.ADMIN)
@Resolver(() => IntegrationNode)
export class IntegrationsResolver {
  @Query(() => [IntegrationNode], { description: 'Monitoring integrations, by name (admins).' })
  async integrations(@Ctx() ctx: Context): Promise<IntegrationNode[]> {
    return (await new AlertsService(ctx).list()).map(IntegrationNode.from);
  }

  @Mutation(() => CreateIntegrationPayload, { description: 'Creates a monitoring integration and its service user; the token is in the payload, shown this once.' })
  async createIntegration(@Arg('input') input: CreateIntegrationInput, @Ctx() ctx: Context): Promise<CreateIntegrationPayload> {
    let token: string | null = null;
    const payload = await toPayload(CreateIntegrationPayload, 'integration', async () => {
      const created = await new AlertsService(ctx).createIntegration(input.name);
      token = created.token;
      return IntegrationNode.from(created.integration);
    });
    payload.token = payload.integration ? token : null;
    return payload;
  }

  @Mutation(() => RevokeIntegrationPayload, { description: 'Refuses the integration’s token from now on.' })
  revokeIntegration(@Arg('input') input: RevokeIntegrationInput, @Ctx() ctx: Context): Promise<RevokeIntegrationPayload> {
    return toPayload(RevokeIntegrationPayload, 'integration', async () =>
      IntegrationNode.from(await new AlertsService(ctx).revokeIntegration(parseId(input.id, 'Integration', 'id'))),
    );
  }

  @Mutation(() => IngestAlertPayload, {
    description:
      'Applies an Alertmanager webhook notification as POST /hooks/alerts does, acting as the integration: a firing alert opens an INCIDENT (channel MONITORING) per fingerprint, repeats and resolutions add notes to it. All or nothing.',
  })
  ingestAlert(@Arg('input') input: IngestAlertInput, @Ctx() ctx: Context): Promise<IngestAlertPayload> {
    return toPayload(IngestAlertPayload, 'ingestedAlerts', async () => {
      const integrationId = parseId(input.integrationId, 'Integration', 'integrationId');
      const parsed = parseAlertmanagerWebhook(input.webhook);
      if (!parsed.notification) {
        throw new DomainError(parsed.problems.map((problem) => ({ code: UserErrorCode.INVALID_INPUT, message: problem.message, field: ['webhook', ...problem.path] })));
      }
      ctx.log.info({ integrationId, alerts: parsed.notification.alerts.length }, 'alerts ingested through GraphQL');
      const results = await new AlertsService(ctx).ingest(integrationId, parsed.notification);
      return results.map((result) => Object.assign(new IngestedAlertNode(), result));
    });
  }

  @FieldResolver(() => UserNode, { description: 'The AGENT the integration acts as (it cannot log in).' })
  async serviceUser(@Root() integration: IntegrationNode, @Ctx() ctx: Context): Promise<UserNode> {
    return UserNode.from((await ctx.loaders.get(userById).load(integration.serviceUserId))!);
  }
}

@Authorized()
@Resolver(() => IngestedAlertNode)
export class IngestedAlertResolver {
  @FieldResolver(() => TicketNode, { nullable: true, description: 'The incident it opened or added to; null when IGNORED.' })
  async ticket(@Root() alert: IngestedAlertNode, @Ctx() ctx: Context): Promise<TicketNode | null> {
    const ticket = alert.ticketId ? await ctx.loaders.get(ticketById).load(alert.ticketId) : null;
    return ticket && ticketsPolicy.canSee(ctx.viewer, ticket) ? TicketNode.from(ticket) : null;
  }
}
