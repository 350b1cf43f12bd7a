import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../graphql/global-id';
import type { Logger } from '../../logger';
import { appendEvent, lockEventLog } from '../events/event-log';
import type { EventDispatcher } from '../events/dispatcher';
import { Ticket } from '../tickets/tickets.entities';
import { TicketChangeLog, TicketEventKind } from '../tickets/tickets.history';
import { Group, GroupMembership } from '../users/users.entities';
import { plan } from './sla.clocks';
import { ClockStatus, SlaClock } from './sla.entities';
import { calendarOf, loadPolicies, refreshTicketDue } from './sla.reactor';

/** Small batches: each holds the event log's lock, which ticket commands wait for. */
const BATCH = 50;
/** Timers are also looked for this often, in case a wake-up was missed (e.g. a clock set elsewhere). */
const SAFETY_POLL_MS = 5_000;
/** Longest sleep before looking again, whatever the next due time. */
const MAX_SLEEP_MS = 60_000;

export enum SlaEventKind {
  WARNING = 'WARNING',
  BREACHED = 'BREACHED',
}

/**
 * Fires SLA warnings and breaches from the durable timers in `ticket_sla_clocks.next_fire_at`.
 * Every instance runs one: a timer is claimed with FOR UPDATE SKIP LOCKED and its state changes in
 * the same transaction as its event, so each fires exactly once whichever instance gets it. An
 * in-process timeout is set to the next due time (so nothing waits for a poll), re-armed when any
 * ticket event commits (clocks may have moved), with a short safety poll behind it. Timers overdue
 * after downtime fire at start, with breachedAt = the due time.
 */
export class SlaScheduler {
  private timeout: NodeJS.Timeout | null = null;
  private poll: NodeJS.Timeout | null = null;
  private running = false;
  private firing: Promise<void> | null = null;
  private again = false;
  private readonly stopListening: () => void;

  constructor(
    private readonly orm: MikroORM,
    events: EventDispatcher,
    private readonly log: Logger,
  ) {
    this.stopListening = events.onEvent((event) => {
      if (event.topic === 'ticket') this.wake();
    });
  }

  start(): void {
    this.running = true;
    this.poll = setInterval(() => this.wake(), SAFETY_POLL_MS);
    this.poll.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopListening();
    if (this.poll) clearInterval(this.poll);
    if (this.timeout) clearTimeout(this.timeout);
    await this.firing;
  }

  /** Fires what is due, then sleeps until the next due time. Concurrent wakes coalesce. */
  wake(): void {
    if (!this.running) return;
    if (this.firing) {
      this.again = true;
      return;
    }
    this.firing = this.fireDue()
      .then(() => this.arm())
      .catch((error) => this.log.warn({ err: error }, 'SLA timers failed; the next wake retries'))
      .finally(() => {
        this.firing = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async arm(): Promise<void> {
    const [{ next }] = await this.orm.em.fork().execute<{ next: string | null }[]>('select min(next_fire_at) as next from ticket_sla_clocks where next_fire_at is not null');
    if (this.timeout) clearTimeout(this.timeout);
    if (!next || !this.running) return;
    const delay = Math.max(0, Math.min(new Date(next).getTime() - Date.now(), MAX_SLEEP_MS));
    this.timeout = setTimeout(() => this.wake(), delay);
    this.timeout.unref();
  }

  private async fireDue(): Promise<void> {
    // A backlog is worked batch by batch; stopping ends it between batches (the rest fire on the next start).
    while (this.running) {
      const fired = await this.orm.em.fork().transactional((em) => this.fireBatch(em));
      if (fired < BATCH) return;
    }
  }

  private async fireBatch(em: EntityManager): Promise<number> {
    const [anything] = await em.execute<{ due: boolean }[]>('select exists (select 1 from ticket_sla_clocks where next_fire_at <= now()) as due');
    if (!anything.due) return 0;
    // Like every writer of the log, lock it before any other row (see lockEventLog).
    await lockEventLog(em);
    const due = await em.execute<{ ticket_id: string; metric: string }[]>(
      `select ticket_id, metric from ticket_sla_clocks where next_fire_at <= now() order by next_fire_at limit ? for update skip locked`,
      [BATCH],
    );
    if (!due.length) return 0;
    const policies = await loadPolicies(em);
    const now = new Date();
    for (const row of due) {
      const clock = await em.findOneOrFail(SlaClock, { ticket: row.ticket_id, metric: row.metric as SlaClock['metric'] });
      const loaded = policies.find((candidate) => candidate.policy.id === clock.policy?.id) ?? null;
      const ticket = await em.findOneOrFail(Ticket, row.ticket_id);
      if (clock.warnAt && !clock.warnedAt && clock.warnAt <= now) {
        clock.warnedAt = clock.warnAt;
        await this.announce(em, ticket, clock, SlaEventKind.WARNING, clock.warnAt);
      }
      if (clock.dueAt && clock.status === ClockStatus.RUNNING && clock.dueAt <= now) {
        clock.status = ClockStatus.BREACHED;
        clock.breachedAt = clock.dueAt;
        await this.announce(em, ticket, clock, SlaEventKind.BREACHED, clock.dueAt);
        const target = loaded?.policy.escalateToGroup;
        if (target && ticket.group?.id !== target.id) await this.escalate(em, ticket, target.id, clock);
      }
      plan(clock, calendarOf(loaded?.policy.calendar?.getEntity() ?? null), loaded?.policy.warnAtPercent ?? 80);
      await em.flush();
      await refreshTicketDue(em, ticket.id, await em.find(SlaClock, { ticket: ticket.id }));
    }
    return due.length;
  }

  private async announce(em: EntityManager, ticket: Ticket, clock: SlaClock, kind: SlaEventKind, at: Date): Promise<void> {
    await appendEvent(em, {
      topic: 'sla',
      kind,
      ticketId: ticket.id,
      actorId: null,
      occurredAt: at,
      internal: false,
      data: { metric: clock.metric, dueAt: clock.dueAt?.toISOString() ?? null, groupId: ticket.group?.id ?? null },
    });
  }

  /** On breach, the policy's escalation group takes the ticket (a system change, with history and event). */
  private async escalate(em: EntityManager, ticket: Ticket, groupId: string, clock: SlaClock): Promise<void> {
    const group = await em.findOne(Group, groupId);
    if (!group) return;
    const log = new TicketChangeLog(ticket, null);
    const before = { group: ticket.group?.id ?? null, assignee: ticket.assignee?.id ?? null };
    ticket.group = em.getReference(Group, group.id) as never;
    const keepsAssignee = ticket.assignee ? (await em.count(GroupMembership, { group: group.id, user: ticket.assignee.id })) > 0 : false;
    if (!keepsAssignee) ticket.assignee = null;
    ticket.updatedAt = new Date();
    await log
      .add([
        { field: 'group', from: before.group && toGlobalId('Group', before.group), to: toGlobalId('Group', group.id) },
        ...(before.assignee && !keepsAssignee ? [{ field: 'assignee', from: toGlobalId('User', before.assignee), to: null }] : []),
        { field: 'escalation', from: null, to: { reason: `SLA ${clock.metric} breached` } },
      ])
      .write(em, TicketEventKind.ASSIGNED);
  }
}
