import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/relay';
import { Payload } from '../../graphql/user-errors';
import type { AlertTicket, Integration } from './alerts.entities';
import { AlertOutcome, AlertStatus } from './alerts.enums';

@ObjectType('Integration', { implements: Node, description: 'A monitoring system allowed to post Alertmanager webhooks to POST /hooks/alerts with its token.' })
export class IntegrationNode extends Node {
  @Field() name!: string;
  @Field({ description: 'False once revoked: its token is refused.' }) active!: boolean;
  @Field({ description: 'The token’s first characters, to tell tokens apart; the token itself is shown only by createIntegration.' }) tokenPrefix!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  serviceUserId!: string;

  static from(integration: Integration): IntegrationNode {
    return Object.assign(new IntegrationNode(), {
      id: toGlobalId('Integration', integration.id),
      name: integration.name,
      active: integration.active,
      tokenPrefix: integration.tokenPrefix,
      createdAt: integration.createdAt,
      lastUsedAt: integration.lastUsedAt,
      revokedAt: integration.revokedAt,
      serviceUserId: integration.serviceUser.id,
    });
  }
}

@ObjectType('MonitoringAlert', { description: 'The Alertmanager alert behind a MONITORING incident, as last notified.' })
export class MonitoringAlertNode {
  @Field({ description: 'Alertmanager’s fingerprint: the alert’s identity within its integration.' }) fingerprint!: string;
  @Field(() => AlertStatus) status!: AlertStatus;
  @Field(() => GraphQLJSON) labels!: Record<string, string>;
  @Field() startsAt!: Date;
  @Field(() => Date, { nullable: true }) endsAt!: Date | null;
  @Field(() => String, { nullable: true }) generatorUrl!: string | null;
  @Field(() => Int, { description: 'Notifications received for it, the first firing included.' }) notifications!: number;
  @Field() lastNotifiedAt!: Date;
  integrationId!: string;

  static from(alert: AlertTicket): MonitoringAlertNode {
    return Object.assign(new MonitoringAlertNode(), {
      fingerprint: alert.fingerprint,
      status: alert.status,
      labels: alert.labels,
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
      generatorUrl: alert.generatorUrl,
      notifications: alert.notifications,
      lastNotifiedAt: alert.lastNotifiedAt,
      integrationId: alert.integration.id,
    });
  }
}

@ObjectType('IngestedAlert', { description: 'What one alert of a notification did.' })
export class IngestedAlertNode {
  @Field() fingerprint!: string;
  @Field(() => AlertStatus) status!: AlertStatus;
  @Field(() => AlertOutcome) outcome!: AlertOutcome;
  ticketId!: string | null;
}

@InputType()
export class CreateIntegrationInput {
  @Field({ description: 'Unique, e.g. "Prometheus production".' }) name!: string;
}

@ObjectType()
export class CreateIntegrationPayload extends Payload {
  @Field(() => IntegrationNode, { nullable: true }) integration!: IntegrationNode | null;
  @Field(() => String, { nullable: true, description: 'The bearer token for POST /hooks/alerts. Shown this once: only its hash is kept.' }) token!: string | null;
}

@InputType()
export class RevokeIntegrationInput {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class RevokeIntegrationPayload extends Payload {
  @Field(() => IntegrationNode, { nullable: true }) integration!: IntegrationNode | null;
}

@InputType()
export class IngestAlertInput {
  @Field(() => ID, { description: 'The integration the alerts come from; its service user acts.' }) integrationId!: string;
  @Field(() => GraphQLJSON, { description: 'An Alertmanager webhook notification (version 4), as POST /hooks/alerts takes it.' }) webhook!: unknown;
}

@ObjectType()
export class IngestAlertPayload extends Payload {
  @Field(() => [IngestedAlertNode], { nullable: true, description: 'One per alert of the notification, in its order.' }) ingestedAlerts!: IngestedAlertNode[] | null;
}
