import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../auth/roles';
import type { ServiceContext } from '../../graphql/context';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkText } from '../../validation';
import { transactionWithEvents } from '../events/outbox';
import type { Ticket } from '../tickets/tickets.entities';
import { Channel, Impact, OPEN_STATUSES, TicketStatus, TicketType, Urgency } from '../tickets/tickets.enums';
import { MAX_TITLE, TicketsService } from '../tickets/tickets.service';
import { loadViewer } from '../users/session.service';
import { UsersService } from '../users/users.service';
import { AlertTicket, Integration } from './alerts.entities';
import { AlertOutcome, AlertStatus } from './alerts.enums';
import type { ParsedAlert, ParsedNotification } from './alerts.webhook';
import { Asset } from './assets.entities';

const TOKEN_PREFIX = 'dgi_';
const MAX_DESCRIPTION = 20_000;

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export interface IngestedAlert {
  fingerprint: string;
  status: AlertStatus;
  outcome: AlertOutcome;
  ticketId: string | null;
}

/** Alertmanager's conventional severities to impact × urgency (so critical is P1); anything else is MEDIUM × MEDIUM. */
const SEVERITY: Record<string, [Impact, Urgency]> = {
  critical: [Impact.HIGH, Urgency.HIGH],
  emergency: [Impact.HIGH, Urgency.HIGH],
  page: [Impact.HIGH, Urgency.HIGH],
  fatal: [Impact.HIGH, Urgency.HIGH],
  high: [Impact.HIGH, Urgency.MEDIUM],
  major: [Impact.HIGH, Urgency.MEDIUM],
  error: [Impact.HIGH, Urgency.MEDIUM],
  warning: [Impact.MEDIUM, Urgency.MEDIUM],
  warn: [Impact.MEDIUM, Urgency.MEDIUM],
  minor: [Impact.MEDIUM, Urgency.MEDIUM],
  info: [Impact.LOW, Urgency.LOW],
  informational: [Impact.LOW, Urgency.LOW],
  low: [Impact.LOW, Urgency.LOW],
  none: [Impact.LOW, Urgency.LOW],
};

/**
 * The asset tags an alert names: its `asset` label, its `instance` label, and the host of an
 * `instance` written host:port (as Prometheus writes it), so that "web-01:9100" finds web-01.
 */
export function assetTagsOf(labels: Record<string, string>): string[] {
  const tags = [labels.asset, labels.instance];
  const host = /^\[?([^\]]+?)\]?:\d+$/.exec(labels.instance ?? '');
  if (host) tags.push(host[1]);
  return [...new Set(tags.map((tag) => tag?.trim()).filter((tag): tag is string => Boolean(tag)))];
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function title(alert: ParsedAlert): string {
  const name = alert.labels.alertname?.trim() || 'Alert';
  const detail = alert.annotations.summary?.trim() || (alert.labels.instance ? `on ${alert.labels.instance}` : '');
  return clip(detail ? `${name}: ${detail}` : name, MAX_TITLE);
}

function description(alert: ParsedAlert, notification: ParsedNotification): string {
  const lines: string[] = [];
  if (alert.annotations.description?.trim()) lines.push(alert.annotations.description.trim(), '');
  lines.push(`Firing since ${alert.startsAt.toISOString()} (Alertmanager fingerprint ${alert.fingerprint}).`, '', 'Labels:');
  for (const [key, value] of Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b))) lines.push(`- ${key}: ${value}`);
  const others = Object.entries(alert.annotations).filter(([key]) => key !== 'summary' && key !== 'description');
  if (others.length) {
    lines.push('', 'Annotations:');
    for (const [key, value] of others) lines.push(`- ${key}: ${value}`);
  }
  if (alert.generatorUrl) lines.push('', `Source: ${alert.generatorUrl}`);
  if (notification.externalUrl) lines.push(`Alertmanager: ${notification.externalUrl}`);
  return clip(lines.join('\n'), MAX_DESCRIPTION);
}

function tagsOf(alert: ParsedAlert): string[] {
  const name = alert.labels.alertname?.trim().toLowerCase();
  return ['monitoring', ...(name ? [name.slice(0, 50)] : [])];
}

/** Monitoring integrations (admins) and the alerts they post. */
export class AlertsService {
  constructor(private readonly ctx: ServiceContext) {}

  list(): Promise<Integration[]> {
    return this.ctx.em.find(Integration, {}, { orderBy: { name: 'ASC' } });
  }

  /** Creates an integration and its service user; returns the token, which is never shown again. */
  async createIntegration(name: string): Promise<{ integration: Integration; token: string }> {
    return this.ctx.em.transactional(async (em) => {
      const problems = new Problems();
      checkText(problems, name, 'name', 100);
      problems.throwIfAny();
      const trimmed = name.trim();
      if (await em.count(Integration, { name: trimmed })) fail(UserErrorCode.ALREADY_EXISTS, `An integration is already named ${trimmed}.`, 'name');
      const serviceUser = await new UsersService({ em, viewer: this.ctx.viewer }).createUser({
        // A mailbox nobody has (.invalid is reserved): the user exists to act, never to log in (no password).
        email: `integration-${randomUUID()}@integrations.deskgraph.invalid`,
        name: clip(`${trimmed} (integration)`, 200),
        role: Role.AGENT,
      });
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const integration = em.create(Integration, {
        name: trimmed,
        tokenHash: hashToken(token),
        tokenPrefix: token.slice(0, TOKEN_PREFIX.length + 6),
        serviceUser,
        createdBy: this.ctx.viewer?.id ?? null,
      });
      return { integration, token };
    });
  }

  /** Refuses the token from now on, and deactivates the integration's service user. */
  async revokeIntegration(id: string): Promise<Integration> {
    return this.ctx.em.transactional(async (em) => {
      const integration = await em.findOne(Integration, id, { populate: ['serviceUser'] });
      if (!integration) fail(UserErrorCode.NOT_FOUND, 'No integration has this id.', 'id');
      if (!integration.active) fail(UserErrorCode.NOT_ALLOWED, 'This integration is already revoked.', 'id');
      integration.active = false;
      integration.revokedAt = new Date();
      integration.serviceUser.getEntity().active = false;
      return integration;
    });
  }

  /** The active integration a bearer token belongs to, or null. */
  async authenticate(token: string | null): Promise<Integration | null> {
    if (!token?.startsWith(TOKEN_PREFIX)) return null;
    const integration = await this.ctx.em.findOne(Integration, { tokenHash: hashToken(token), active: true }, { populate: ['serviceUser'] });
    return integration && integration.serviceUser.getEntity().active ? integration : null;
  }

  /**
   * Applies one Alertmanager notification, all of it or nothing, in one transaction, acting as the
   * integration's service user through the ticket rules: a firing alert opens an INCIDENT (channel
   * MONITORING, priority from its `severity`, linked to the assets its `asset`/`instance` labels
   * name) unless its fingerprint already has an open one, which gets an internal note instead; a
   * resolved alert adds an internal note to its incident. Notifications of one integration are
   * applied one at a time (its row is locked), so a fingerprint never opens two incidents.
   */
  async ingest(integrationId: string, notification: ParsedNotification): Promise<IngestedAlert[]> {
    return transactionWithEvents(this.ctx.em, async (em) => {
      const [row] = await em.execute<{ active: boolean; service_user_id: string }[]>(
        'select active, service_user_id from integrations where id = ? for update',
        [integrationId],
      );
      if (!row) fail(UserErrorCode.NOT_FOUND, 'No integration has this id.', 'integrationId');
      const viewer = row.active ? await loadViewer(em, row.service_user_id) : null;
      if (!viewer) fail(UserErrorCode.NOT_ALLOWED, 'This integration is revoked.', 'integrationId');
      const tickets = new TicketsService({ em, viewer });
      const results: IngestedAlert[] = [];
      for (const alert of notification.alerts) {
        const latest = await em.findOne(AlertTicket, { integration: integrationId, fingerprint: alert.fingerprint }, { orderBy: { createdAt: 'DESC', id: 'DESC' }, populate: ['ticket'] });
        const ticket = latest?.ticket.getEntity() ?? null;
        const outcome = alert.status === AlertStatus.FIRING ? await this.fired(em, tickets, integrationId, notification, alert, latest, ticket) : await this.resolved(tickets, alert, latest, ticket);
        results.push({ fingerprint: alert.fingerprint, status: alert.status, outcome: outcome.outcome, ticketId: outcome.ticketId });
      }
      await em.execute('update integrations set last_used_at = now() where id = ?', [integrationId]);
      return results;
    });
  }

  private async fired(
    em: EntityManager,
    tickets: TicketsService,
    integrationId: string,
    notification: ParsedNotification,
    alert: ParsedAlert,
    latest: AlertTicket | null,
    ticket: Ticket | null,
  ): Promise<{ outcome: AlertOutcome; ticketId: string }> {
    if (latest && ticket && OPEN_STATUSES.includes(ticket.status)) {
      latest.notifications += 1;
      await tickets.addComment({
        ticketId: ticket.id,
        internal: true,
        body: `Alertmanager: still firing (notification ${latest.notifications}, firing since ${alert.startsAt.toISOString()}).`,
      });
      this.record(latest, alert);
      return { outcome: AlertOutcome.REPEATED, ticketId: ticket.id };
    }
    const assets = await em.find(Asset, { tag: { $in: assetTagsOf(alert.labels) } }, { orderBy: { tag: 'ASC' } });
    const [impact, urgency] = SEVERITY[alert.labels.severity?.trim().toLowerCase() ?? ''] ?? [Impact.MEDIUM, Urgency.MEDIUM];
    const created = await tickets.createTicket({
      type: TicketType.INCIDENT,
      title: title(alert),
      description: description(alert, notification),
      impact,
      urgency,
      channel: Channel.MONITORING,
      category: 'monitoring',
      tags: tagsOf(alert),
      assetIds: assets.map((asset) => asset.id),
    });
    em.create(AlertTicket, {
      integration: integrationId,
      fingerprint: alert.fingerprint,
      ticket: created,
      status: alert.status,
      labels: alert.labels,
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
      generatorUrl: alert.generatorUrl,
      lastNotifiedAt: new Date(),
    });
    return { outcome: AlertOutcome.OPENED, ticketId: created.id };
  }

  private async resolved(tickets: TicketsService, alert: ParsedAlert, latest: AlertTicket | null, ticket: Ticket | null): Promise<{ outcome: AlertOutcome; ticketId: string | null }> {
    if (!latest || !ticket || [TicketStatus.CLOSED, TicketStatus.CANCELLED].includes(ticket.status)) {
      return { outcome: AlertOutcome.IGNORED, ticketId: ticket?.id ?? null };
    }
    latest.notifications += 1;
    await tickets.addComment({
      ticketId: ticket.id,
      internal: true,
      body: `Alertmanager: resolved${alert.endsAt ? ` at ${alert.endsAt.toISOString()}` : ''} (fired since ${alert.startsAt.toISOString()}).`,
    });
    this.record(latest, alert);
    return { outcome: AlertOutcome.RESOLVED, ticketId: ticket.id };
  }

  private record(latest: AlertTicket, alert: ParsedAlert): void {
    latest.status = alert.status;
    latest.labels = alert.labels;
    latest.endsAt = alert.endsAt;
    latest.generatorUrl = alert.generatorUrl ?? latest.generatorUrl;
    latest.lastNotifiedAt = new Date();
  }
}
