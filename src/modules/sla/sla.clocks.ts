import type { TicketState } from '../tickets/tickets.history';
import { addBusinessMillis, businessMillisBetween, type Calendar } from './business-time';
import { ClockStatus, type SlaClock, type SlaPolicy, type SlaTarget } from './sla.entities';

/** What the timer arithmetic reads and writes of a clock: the entity, or a row the scheduler claimed. */
export type ClockTimes = Pick<SlaClock, 'targetSeconds' | 'elapsedMillis' | 'runningSince' | 'status' | 'dueAt' | 'warnAt' | 'warnedAt' | 'breachedAt' | 'nextFireAt'>;

/** A policy with its calendar resolved, as the clocks need it. */
export interface LoadedPolicy {
  policy: SlaPolicy;
  calendar: Calendar | null;
}

/** The first policy by position whose appliesTo fits the ticket (an absent list fits anything). */
export function selectPolicy(policies: LoadedPolicy[], state: TicketState): { loaded: LoadedPolicy; target: SlaTarget } | null {
  for (const loaded of policies) {
    const { types, organizationIds, groupIds } = loaded.policy.appliesTo;
    if (types?.length && !types.includes(state.type)) continue;
    if (organizationIds?.length && (!state.organizationId || !organizationIds.includes(state.organizationId))) continue;
    if (groupIds?.length && (!state.groupId || !groupIds.includes(state.groupId))) continue;
    const target = loaded.policy.targets.find((candidate) => candidate.priority === state.priority);
    if (target) return { loaded, target };
  }
  return null;
}

export const isStopped = (clock: SlaClock) => clock.status === ClockStatus.MET || (clock.status === ClockStatus.BREACHED && clock.metAt !== null);

/** Banks the business time run since `runningSince`, so the clock can change without losing it. */
export function settle(clock: SlaClock, calendar: Calendar | null, now: Date): void {
  if (clock.runningSince) {
    clock.elapsedMillis += businessMillisBetween(calendar, clock.runningSince, now);
    clock.runningSince = now;
  }
}

export function pause(clock: SlaClock): void {
  clock.runningSince = null;
  if (clock.status === ClockStatus.RUNNING) clock.status = ClockStatus.PAUSED;
}

export function resume(clock: SlaClock, now: Date): void {
  if (clock.runningSince) return;
  clock.runningSince = now;
  if (clock.status === ClockStatus.PAUSED || clock.status === ClockStatus.MET) clock.status = ClockStatus.RUNNING;
  clock.metAt = null;
}

export function meet(clock: SlaClock, now: Date): void {
  clock.runningSince = null;
  clock.metAt = now;
  if (clock.status !== ClockStatus.BREACHED) clock.status = ClockStatus.MET;
}

/**
 * Due time, warning time and the next timer of a clock, from what it has banked. A running
 * clock falls due when its remaining business time has passed; it warns at `warnAtPercent` of it.
 */
export function plan(clock: ClockTimes, calendar: Calendar | null, warnAtPercent: number): void {
  if (!clock.runningSince) {
    clock.dueAt = clock.status === ClockStatus.BREACHED ? clock.dueAt : null;
    clock.warnAt = null;
    clock.nextFireAt = null;
    return;
  }
  const target = clock.targetSeconds * 1000;
  clock.dueAt = addBusinessMillis(calendar, clock.runningSince, target - clock.elapsedMillis);
  const warnMillis = Math.floor((target * warnAtPercent) / 100);
  clock.warnAt = clock.warnedAt === null && clock.elapsedMillis < warnMillis ? addBusinessMillis(calendar, clock.runningSince, warnMillis - clock.elapsedMillis) : null;
  const pending = [clock.warnedAt === null ? clock.warnAt : null, clock.status !== ClockStatus.BREACHED ? clock.dueAt : null].filter((at): at is Date => at !== null);
  clock.nextFireAt = pending.length ? new Date(Math.min(...pending.map((at) => at.getTime()))) : null;
}

/** Business time a clock has run so far, as of `now`. */
export function elapsedAt(clock: SlaClock, calendar: Calendar | null, now: Date): number {
  return clock.elapsedMillis + (clock.runningSince ? businessMillisBetween(calendar, clock.runningSince, now) : 0);
}
