import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldChange } from '../../db/field-changes';
import { stageEvents } from '../events/outbox';
import { Ticket, TicketHistory } from './tickets.entities';

export enum TicketEventKind {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  ASSIGNED = 'ASSIGNED',
  COMMENTED = 'COMMENTED',
  LINKED = 'LINKED',
}

/**
 * What queues and SLA evaluate on an event: the ticket's routing-relevant fields, with database
 * ids. Every ticket event carries this state before and after the change.
 */
export interface TicketState {
  id: string;
  number: number;
  type: string;
  status: string;
  priority: string;
  impact: string;
  urgency: string;
  channel: string;
  category: string | null;
  tags: string[];
  requesterId: string;
  assigneeId: string | null;
  groupId: string | null;
  organizationId: string | null;
  createdAt: string;
  updatedAt: string;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
}

export function ticketState(ticket: Ticket): TicketState {
  return {
    id: ticket.id,
    number: ticket.number,
    type: ticket.type,
    status: ticket.status,
    priority: ticket.priority,
    impact: ticket.impact,
    urgency: ticket.urgency,
    channel: ticket.channel,
    category: ticket.category,
    tags: [...ticket.tags],
    requesterId: ticket.requester.id,
    assigneeId: ticket.assignee?.id ?? null,
    groupId: ticket.group?.id ?? null,
    organizationId: ticket.organization?.id ?? null,
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
    firstRespondedAt: ticket.firstRespondedAt?.toISOString() ?? null,
    resolvedAt: ticket.resolvedAt?.toISOString() ?? null,
  };
}

/** A committed-together consequence of a ticket change (queues, SLA…), run in its transaction. */
export interface TicketChange {
  kind: TicketEventKind;
  before: TicketState | null;
  after: TicketState;
  actorId: string | null;
  at: Date;
}
export type TicketReactor = (em: EntityManager, change: TicketChange) => Promise<void>;

/**
 * Domains that react to ticket changes (queues, SLA) register here; tickets never import them.
 * Reactors run inside the change's transaction, after its event was staged, so what they write
 * commits with it.
 */
export const ticketReactors: TicketReactor[] = [];

/**
 * The changes one command makes to one ticket. `write` appends them to the ticket's history (one
 * row per change; a trigger keeps those rows append-only) and to the event log (one event for the
 * command), both in the command's transaction: nothing is announced that did not commit.
 */
export class TicketChangeLog {
  private readonly before: TicketState | null;
  private readonly changes: { change: FieldChange; internal: boolean }[] = [];

  constructor(
    private readonly ticket: Ticket,
    private readonly actorId: string | null,
    options: { created?: boolean } = {},
  ) {
    this.before = options.created ? null : ticketState(ticket);
  }

  /** `internal` marks changes about an internal note: hidden from requesters. */
  add(changes: FieldChange[], options: { internal?: boolean } = {}): this {
    for (const change of changes) this.changes.push({ change, internal: options.internal ?? false });
    return this;
  }

  get isEmpty(): boolean {
    return this.changes.length === 0;
  }

  /**
   * Call it with the ticket's row locked (ticketToChange, or a ticket this transaction created):
   * its reactors lock rows that come after tickets in the writers' lock order (outbox.ts).
   * `updatedAt`: the ticket's time when it was touched behind the entity's back (a plain comment).
   */
  async write(em: EntityManager, kind: TicketEventKind, details: { commentId?: string; at?: Date; updatedAt?: Date } = {}): Promise<void> {
    if (this.isEmpty) return;
    const at = details.at ?? new Date();
    for (const { change, internal } of this.changes) {
      em.create(TicketHistory, { ticket: this.ticket, actor: this.actorId, at, field: change.field, fromValue: change.from, toValue: change.to, internal });
    }
    const internal = this.changes.every((entry) => entry.internal);
    const after = { ...ticketState(this.ticket), ...(details.updatedAt ? { updatedAt: details.updatedAt.toISOString() } : {}) };
    await em.flush();
    stageEvents(em, {
      topic: 'ticket',
      kind,
      ticketId: this.ticket.id,
      actorId: this.actorId,
      occurredAt: at,
      internal,
      data: {
        changes: this.changes.filter((entry) => internal || !entry.internal).map((entry) => entry.change),
        before: this.before,
        after,
        ...(details.commentId ? { commentId: details.commentId } : {}),
      },
    });
    for (const react of ticketReactors) await react(em, { kind, before: this.before, after, actorId: this.actorId, at });
  }
}
