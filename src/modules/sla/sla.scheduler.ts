import { performance } from 'node:perf_hooks';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../graphql/global-id';
import type { Logger } from '../../logger';
import { lockEventLog, type EventDraft } from '../events/event-log';
import { stageEvents, transactionWithEvents } from '../events/outbox';
import type { EventDispatcher } from '../events/dispatcher';
import { Ticket } from '../tickets/tickets.entities';
import { TicketChangeLog, TicketEventKind } from '../tickets/tickets.history';
import { Group, GroupMembership } from '../users/users.entities';
import type { Calendar } from './business-time';
import { type ClockTimes, plan } from './sla.clocks';
import { ClockStatus, type SlaMetric } from './sla.entities';
import { refreshTicketsDue } from './sla.reactor';

/**
 * Due clocks per transaction. Each transaction holds the event log's lock, which every ticket
 * command waits for: in the bench (bench/README.md, `## sla`, 2 shared CPUs) a full batch held it
 * 115 ms at p50 and 310 ms at most, about half of it the tickets' update; the batches of timers
 * falling due steadily, 17 ms at p50.
 */
export const BATCH = 500;
/** Timers are also looked for this often, in case a wake-up was missed (e.g. a clock set elsewhere). */
export const SAFETY_POLL_MS = 5_000;
/**
 * After a batch, the next waits at least this long: when timers fall due continuously, firing each
 * the moment it is due makes tiny batches, each holding the event log's lock for the same few round
 * trips. Gathering them costs a breach at most this much delay (bench/README.md, `## sla`).
 */
const GATHER_MS = 50;
/**
 * Ticket events re-arm the timer (a change may have moved a clock earlier), at most once per this
 * long: each re-arm asks PostgreSQL for the next due time, which a busy desk would otherwise pay on
 * every change. A clock moved to fall due sooner than this is at most this late.
 */
const REARM_AFTER_CHANGES_MS = 100;
/** Longest sleep before looking again, whatever the next due time. */
const MAX_SLEEP_MS = 60_000;

export enum SlaEventKind {
  WARNING = 'WARNING',
  BREACHED = 'BREACHED',
}

/** A claimed clock, with its ticket's group and what its policy says about firing. */
interface DueRow {
  ticket_id: string;
  metric: SlaMetric;
  status: ClockStatus;
  target_seconds: number;
  elapsed_millis: string;
  /** MikroORM's connection hands timestamps over as strings. */
  running_since: string | null;
  due_at: string | null;
  warn_at: string | null;
  warned_at: string | null;
  breached_at: string | null;
  next_fire_at: string | null;
  group_id: string | null;
  warn_at_percent: number | null;
  escalate_to_group_id: string | null;
  calendar: Calendar | null;
}

const CLAIM_DUE = `
  select c.ticket_id, c.metric, c.status, c.target_seconds, c.elapsed_millis, c.running_since, c.due_at, c.warn_at, c.warned_at,
         c.breached_at, c.next_fire_at, t.group_id, p.warn_at_percent, p.escalate_to_group_id,
         case when cal.id is not null then jsonb_build_object('timezone', cal.timezone, 'hours', cal.hours, 'holidays', cal.holidays) end as calendar
    from ticket_sla_clocks c
    join tickets t on t.id = c.ticket_id
    left join sla_policies p on p.id = c.policy_id
    left join business_calendars cal on cal.id = p.calendar_id
   where c.next_fire_at <= ?
   order by c.next_fire_at
   limit ?
     for no key update of c, t skip locked`;

/** What firing and planning change on a clock, for all the batch's clocks in one statement. */
const UPDATE_CLOCKS = `
  update ticket_sla_clocks c
     set status = r.status, due_at = r.due_at, warn_at = r.warn_at, warned_at = r.warned_at, breached_at = r.breached_at, next_fire_at = r.next_fire_at
    from jsonb_to_recordset(?::jsonb) as r(ticket_id uuid, metric sla_metric, status sla_clock_status, due_at timestamptz, warn_at timestamptz,
                                          warned_at timestamptz, breached_at timestamptz, next_fire_at timestamptz)
   where c.ticket_id = r.ticket_id and c.metric = r.metric`;

const date = (value: string | null) => (value === null ? null : new Date(value));

function clockOf(row: DueRow): ClockTimes {
  return {
    targetSeconds: row.target_seconds,
    elapsedMillis: Number(row.elapsed_millis),
    runningSince: date(row.running_since),
    status: row.status,
    dueAt: date(row.due_at),
    warnAt: date(row.warn_at),
    warnedAt: date(row.warned_at),
    breachedAt: date(row.breached_at),
    nextFireAt: date(row.next_fire_at),
  };
}

/**
 * The earliest timer. Read from the index's low end: a filter such as `next_fire_at <= now()` may be
 * planned as a sequential scan, from statistics older than the timers that already fired.
 */
async function nextFireAt(em: EntityManager): Promise<Date | null> {
  const [{ next }] = await em.execute<{ next: string | null }[]>('select min(next_fire_at) as next from ticket_sla_clocks where next_fire_at is not null');
  return date(next);
}

/** Marks what fell due on a clock by `now`, each at its own due time however late it is noticed. */
function fire(clock: ClockTimes, now: Date): { kind: SlaEventKind; at: Date }[] {
  const fired: { kind: SlaEventKind; at: Date }[] = [];
  if (clock.warnAt && !clock.warnedAt && clock.warnAt <= now) {
    clock.warnedAt = clock.warnAt;
    fired.push({ kind: SlaEventKind.WARNING, at: clock.warnAt });
  }
  if (clock.dueAt && clock.status === ClockStatus.RUNNING && clock.dueAt <= now) {
    clock.status = ClockStatus.BREACHED;
    clock.breachedAt = clock.dueAt;
    fired.push({ kind: SlaEventKind.BREACHED, at: clock.dueAt });
  }
  return fired;
}

/**
 * Fires SLA warnings and breaches from the durable timers in `ticket_sla_clocks.next_fire_at`.
 * Every instance runs one: due timers are claimed in batches with FOR UPDATE SKIP LOCKED and their
 * state changes in the same transaction as their events, so each fires exactly once whichever
 * instance gets it. An in-process timeout is set to the next due time (so nothing waits for a poll;
 * GATHER_MS at least after a batch), re-armed shortly after ticket events commit (clocks may have
 * moved; REARM_AFTER_CHANGES_MS), with a short safety poll behind it. Timers overdue after downtime
 * fire at start, with breachedAt = the due time.
 */
export class SlaScheduler {
  private timeout: NodeJS.Timeout | null = null;
  private rearm: NodeJS.Timeout | null = null;
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
      if (event.topic === 'ticket') this.rearmSoon();
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
    if (this.rearm) clearTimeout(this.rearm);
    await this.firing;
  }

  private rearmSoon(): void {
    if (this.rearm || !this.running) return;
    this.rearm = setTimeout(() => {
      this.rearm = null;
      this.wake();
    }, REARM_AFTER_CHANGES_MS);
    this.rearm.unref();
  }

  /** Fires what is due, then sleeps until the next due time. Concurrent wakes coalesce. */
  wake(): void {
    if (!this.running) return;
    if (this.firing) {
      this.again = true;
      return;
    }
    this.firing = this.fireDue()
      .then(({ fired, next }) => this.arm(fired, next))
      .catch((error) => this.log.warn({ err: error }, 'SLA timers failed; the next wake retries'))
      .finally(() => {
        this.firing = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private arm(fired: number, next: Date | null): void {
    if (this.timeout) clearTimeout(this.timeout);
    if (!next || !this.running) return;
    const now = Date.now();
    const delay = Math.min(Math.max(next.getTime() - now, fired ? GATHER_MS : 0), MAX_SLEEP_MS);
    this.timeout = setTimeout(() => this.wake(), delay);
    this.timeout.unref();
  }

  /**
   * Fires what is due; returns how many timers fired and the next due time. A wake with nothing due
   * (most of them: every burst of ticket events re-arms) costs one statement and no transaction.
   */
  private async fireDue(): Promise<{ fired: number; next: Date | null }> {
    let fired = 0;
    let next = await nextFireAt(this.orm.em.fork());
    // A backlog is worked batch by batch; stopping ends it between batches (the rest fire on the next start).
    while (this.running && next && next <= new Date()) {
      const batch = await transactionWithEvents(this.orm.em.fork(), (em) => this.fireBatch(em));
      if (batch.fired) this.log.debug({ clocks: batch.fired, events: batch.events, lockHeldMs: Math.round((performance.now() - batch.lockedAt) * 10) / 10 }, 'SLA timers fired');
      fired += batch.fired;
      next = await nextFireAt(this.orm.em.fork());
      if (batch.fired < BATCH) break;
    }
    return { fired, next };
  }

  /**
   * One batch in one transaction, with a constant number of statements whatever its size: claim the
   * due clocks (with their ticket's group and their policy), fire and re-plan them in memory, then
   * write the clocks, the tickets' due times and the events. Escalations follow, ticket by ticket.
   */
  private async fireBatch(em: EntityManager): Promise<{ fired: number; events: number; lockedAt: number }> {
    // This process's clock decides both what is claimed and what fires, so the two always agree.
    const now = new Date();
    // The counter first, so that batches commit in due order; then, in the same round trip, clocks
    // and their tickets are claimed skipping those a command holds (it waits for the counter: outbox.ts).
    const due = await lockEventLog<DueRow>(em, { sql: CLAIM_DUE, params: [now, BATCH] });
    const lockedAt = performance.now();
    if (!due.length) return { fired: 0, events: 0, lockedAt };
    const events: EventDraft[] = [];
    const escalations = new Map<string, { groupId: string; metric: SlaMetric }>();
    const clocks = due.map((row) => {
      const clock = clockOf(row);
      const dueAt = clock.dueAt?.toISOString() ?? null;
      for (const { kind, at } of fire(clock, now)) {
        events.push({ topic: 'sla', kind, ticketId: row.ticket_id, actorId: null, occurredAt: at, internal: false, data: { metric: row.metric, dueAt, groupId: row.group_id } });
        const target = row.escalate_to_group_id;
        if (kind === SlaEventKind.BREACHED && target && target !== row.group_id && !escalations.has(row.ticket_id)) escalations.set(row.ticket_id, { groupId: target, metric: row.metric });
      }
      plan(clock, row.calendar, row.warn_at_percent ?? 80);
      return { ticket_id: row.ticket_id, metric: row.metric, status: clock.status, due_at: clock.dueAt, warn_at: clock.warnAt, warned_at: clock.warnedAt, breached_at: clock.breachedAt, next_fire_at: clock.nextFireAt };
    });
    await em.execute(UPDATE_CLOCKS, [JSON.stringify(clocks)]);
    await refreshTicketsDue(em, [...new Set(due.map((row) => row.ticket_id))]);
    stageEvents(em, ...events);
    for (const [ticketId, { groupId, metric }] of escalations) await this.escalate(em, ticketId, groupId, metric);
    return { fired: due.length, events: events.length, lockedAt };
  }

  /** On breach, the policy's escalation group takes the ticket (a system change, with history and event). */
  private async escalate(em: EntityManager, ticketId: string, groupId: string, metric: SlaMetric): Promise<void> {
    const ticket = await em.findOneOrFail(Ticket, ticketId);
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
        { field: 'escalation', from: null, to: { reason: `SLA ${metric} breached` } },
      ])
      .write(em, TicketEventKind.ASSIGNED);
  }
}
