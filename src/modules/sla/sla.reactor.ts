import { type EntityManager, LockMode } from '@mikro-orm/postgresql';
import { TicketStatus } from '../tickets/tickets.enums';
import { Ticket } from '../tickets/tickets.entities';
import { type TicketChange, TicketEventKind, ticketState } from '../tickets/tickets.history';
import type { Calendar } from './business-time';
import { isStopped, type LoadedPolicy, meet, pause, plan, resume, selectPolicy, settle } from './sla.clocks';
import { BusinessCalendar, ClockStatus, SlaClock, SlaMetric, SlaPolicy } from './sla.entities';

/** Far in the future: the SLA_DUE order of tickets with no running clock (keyset needs no NULLs). */
export const NO_DUE = new Date('9999-12-31T00:00:00Z');

export async function loadPolicies(em: EntityManager): Promise<LoadedPolicy[]> {
  const policies = await em.find(SlaPolicy, {}, { orderBy: { position: 'ASC', createdAt: 'ASC' }, populate: ['calendar'] });
  return policies.map((policy) => ({ policy, calendar: calendarOf(policy.calendar?.getEntity() ?? null) }));
}

export function calendarOf(calendar: BusinessCalendar | null): Calendar | null {
  return calendar ? { timezone: calendar.timezone, hours: calendar.hours, holidays: calendar.holidays } : null;
}

const CLOSED: string[] = [TicketStatus.CLOSED, TicketStatus.CANCELLED];

/**
 * Keeps tickets.sla_due_at (for TicketOrder SLA_DUE: the earliest due time of a clock still running,
 * breached or not, so that overdue tickets come first) and sla_breached from the tickets' clocks as
 * stored: call it after they were written. Rows that would not change are left alone.
 */
export async function refreshTicketsDue(em: EntityManager, ticketIds: string[]): Promise<void> {
  if (!ticketIds.length) return;
  await em.execute(
    `update tickets t set sla_due_at = c.due, sla_breached = c.breached
       from (select ticket_id, coalesce(min(due_at) filter (where running_since is not null and status in ('RUNNING', 'BREACHED')), ?) as due,
                    bool_or(status = 'BREACHED') as breached
               from ticket_sla_clocks where ticket_id = any(?::uuid[]) group by ticket_id) c
      where t.id = c.ticket_id and (t.sla_due_at, t.sla_breached) is distinct from (c.due, c.breached)`,
    [NO_DUE, `{${ticketIds.join(',')}}`],
  );
}

/**
 * The SLA clocks of a ticket follow its changes, in the change's transaction:
 * - created: the first policy by position that applies gives FIRST_RESPONSE and RESOLUTION targets;
 * - a change of type, priority, organization or group selects the policy again; the business time
 *   each clock has run is kept, only the target changes;
 * - a status in the policy's pauseStatuses (PENDING by default) pauses both; leaving it resumes them;
 * - an agent's first public reply meets FIRST_RESPONSE; RESOLVED meets both; a reopen resumes
 *   RESOLUTION where it stopped; CLOSED and CANCELLED stop what still runs.
 */
export async function reactSla(em: EntityManager, change: TicketChange): Promise<void> {
  const { before, at: now } = change;
  // The ticket as it is now: other reactors (routing) may have moved it since this change's event.
  const after = ticketState(await em.findOneOrFail(Ticket, change.after.id));
  const policies = await loadPolicies(em);
  // Locked: the SLA scheduler may be firing them, and must not be undone by a stale read.
  let clocks = await em.find(SlaClock, { ticket: after.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  const selectionChanged =
    change.kind === TicketEventKind.CREATED ||
    (before !== null && (before.type !== after.type || before.priority !== after.priority || before.organizationId !== after.organizationId || before.groupId !== after.groupId));
  const chosen = selectionChanged ? selectPolicy(policies, after) : null;

  if (change.kind === TicketEventKind.CREATED) {
    if (!chosen) return;
    clocks = [SlaMetric.FIRST_RESPONSE, SlaMetric.RESOLUTION].map((metric) =>
      em.create(SlaClock, {
        ticket: after.id,
        metric,
        policy: chosen.loaded.policy,
        targetSeconds: metric === SlaMetric.FIRST_RESPONSE ? chosen.target.firstResponseSeconds : chosen.target.resolutionSeconds,
        elapsedMillis: 0,
        runningSince: new Date(after.createdAt),
        status: ClockStatus.RUNNING,
        dueAt: null,
        warnAt: null,
        warnedAt: null,
        breachedAt: null,
        metAt: null,
        nextFireAt: null,
      }),
    );
  }
  if (!clocks.length) return;

  const current = (clock: SlaClock) => policies.find((loaded) => loaded.policy.id === clock.policy?.id) ?? null;
  for (const clock of clocks) settle(clock, current(clock)?.calendar ?? null, now);
  if (selectionChanged && chosen && change.kind !== TicketEventKind.CREATED) {
    for (const clock of clocks) {
      clock.policy = em.getReference(SlaPolicy, chosen.loaded.policy.id) as never;
      clock.targetSeconds = clock.metric === SlaMetric.FIRST_RESPONSE ? chosen.target.firstResponseSeconds : chosen.target.resolutionSeconds;
    }
  }

  for (const clock of clocks) {
    const loaded = current(clock) ?? chosen?.loaded ?? null;
    const pauses = loaded?.policy.pauseStatuses ?? [TicketStatus.PENDING];
    const responded = after.firstRespondedAt !== null && before?.firstRespondedAt == null;
    if (clock.metric === SlaMetric.FIRST_RESPONSE && !isStopped(clock) && (responded || after.status === TicketStatus.RESOLVED)) meet(clock, now);
    if (clock.metric === SlaMetric.RESOLUTION && after.status === TicketStatus.RESOLVED && before?.status !== TicketStatus.RESOLVED) meet(clock, now);
    if (clock.metric === SlaMetric.RESOLUTION && before?.status === TicketStatus.RESOLVED && after.status === TicketStatus.OPEN) resume(clock, now);
    if (!isStopped(clock)) {
      if (CLOSED.includes(after.status) || pauses.includes(after.status)) pause(clock);
      else if (after.status !== TicketStatus.RESOLVED) resume(clock, now);
    }
    plan(clock, loaded?.calendar ?? null, loaded?.policy.warnAtPercent ?? 80);
  }
  await em.flush();
  await refreshTicketsDue(em, [after.id]);
}
