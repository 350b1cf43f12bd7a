import { ref, type EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../../graphql/context';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkRange, checkText, checkTimezone, checkVersion } from '../../validation';
import { Priority, TicketStatus } from '../tickets/tickets.enums';
import { Group, Organization } from '../users/users.entities';
import type { Calendar } from './business-time';
import { type AppliesTo, BusinessCalendar, SlaPolicy, type SlaTarget } from './sla.entities';
import { rowToChange } from '../../db/row-to-change';

export interface CalendarCommand {
  name: string;
  timezone: string;
  hours: Calendar['hours'];
  /** YYYY-MM-DD */
  holidays?: string[];
}

export interface PolicyCommand {
  name: string;
  position: number;
  appliesTo?: AppliesTo;
  calendarId?: string | null;
  targets: SlaTarget[];
  warnAtPercent?: number;
  pauseStatuses?: string[];
  escalateToGroupId?: string | null;
}

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A ticket may wait on someone in these statuses; resolved, closed or cancelled tickets stop their clocks anyway. */
const PAUSABLE: string[] = [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD];

function checkCalendar(problems: Problems, command: Partial<CalendarCommand>): void {
  checkText(problems, command.name, 'name', 100);
  checkTimezone(problems, command.timezone, 'timezone');
  for (const [index, slot] of (command.hours ?? []).entries()) {
    if (!Number.isInteger(slot.dayOfWeek) || slot.dayOfWeek < 1 || slot.dayOfWeek > 7) {
      problems.add(UserErrorCode.INVALID_INPUT, 'dayOfWeek is 1 (Monday) to 7 (Sunday).', ['hours', String(index), 'dayOfWeek']);
    }
    if (!HHMM.test(slot.start) || !HHMM.test(slot.end)) problems.add(UserErrorCode.INVALID_INPUT, 'start and end are HH:MM, 00:00 to 24:00.', ['hours', String(index)]);
    else if (slot.end <= slot.start) problems.add(UserErrorCode.INVALID_INPUT, 'end must be after start.', ['hours', String(index), 'end']);
  }
  for (const [index, day] of (command.holidays ?? []).entries()) {
    if (!DATE.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
      problems.add(UserErrorCode.INVALID_INPUT, 'Holidays are YYYY-MM-DD dates.', ['holidays', String(index)]);
    }
  }
}

/** Business calendars and SLA policies (admins). A policy change applies to clocks from their next change. */
export class SlaService {
  constructor(private readonly ctx: ServiceContext) {}

  async createCalendar(command: CalendarCommand): Promise<BusinessCalendar> {
    return this.ctx.em.transactional(async (em) => {
      const problems = new Problems();
      checkCalendar(problems, command);
      problems.throwIfAny();
      if (await em.count(BusinessCalendar, { name: command.name.trim() })) fail(UserErrorCode.ALREADY_EXISTS, 'A calendar already has this name.', 'name');
      return em.create(BusinessCalendar, { name: command.name.trim(), timezone: command.timezone, hours: command.hours, holidays: [...new Set(command.holidays ?? [])].sort() });
    });
  }

  async updateCalendar(command: Partial<CalendarCommand> & { id: string; expectedVersion?: number | null }): Promise<BusinessCalendar> {
    return this.ctx.em.transactional(async (em) => {
      const calendar = await rowToChange(em, BusinessCalendar, command.id, 'No calendar has this id.');
      const problems = new Problems();
      checkVersion(problems, calendar.version, command.expectedVersion);
      checkCalendar(problems, command);
      problems.throwIfAny();
      if (command.name !== undefined) calendar.name = command.name.trim();
      if (command.timezone !== undefined) calendar.timezone = command.timezone;
      if (command.hours !== undefined) calendar.hours = command.hours;
      if (command.holidays !== undefined) calendar.holidays = [...new Set(command.holidays)].sort();
      return calendar;
    });
  }

  async createPolicy(command: PolicyCommand): Promise<SlaPolicy> {
    return this.ctx.em.transactional(async (em) => {
      await this.checkPolicy(em, command);
      if (await em.count(SlaPolicy, { name: command.name.trim() })) fail(UserErrorCode.ALREADY_EXISTS, 'A policy already has this name.', 'name');
      return em.create(SlaPolicy, {
        name: command.name.trim(),
        position: command.position,
        appliesTo: command.appliesTo ?? {},
        calendar: command.calendarId ? ref(em.getReference(BusinessCalendar, command.calendarId)) : null,
        targets: command.targets,
        warnAtPercent: command.warnAtPercent ?? 80,
        pauseStatuses: command.pauseStatuses ?? [TicketStatus.PENDING],
        escalateToGroup: command.escalateToGroupId ? ref(em.getReference(Group, command.escalateToGroupId)) : null,
      });
    });
  }

  async updatePolicy(command: Partial<PolicyCommand> & { id: string; expectedVersion?: number | null }): Promise<SlaPolicy> {
    return this.ctx.em.transactional(async (em) => {
      const policy = await rowToChange(em, SlaPolicy, command.id, 'No SLA policy has this id.');
      const problems = new Problems();
      checkVersion(problems, policy.version, command.expectedVersion);
      problems.throwIfAny();
      const merged: PolicyCommand = {
        name: command.name ?? policy.name,
        position: command.position ?? policy.position,
        appliesTo: command.appliesTo ?? policy.appliesTo,
        calendarId: command.calendarId === undefined ? (policy.calendar?.id ?? null) : command.calendarId,
        targets: command.targets ?? policy.targets,
        warnAtPercent: command.warnAtPercent ?? policy.warnAtPercent,
        pauseStatuses: command.pauseStatuses ?? policy.pauseStatuses,
        escalateToGroupId: command.escalateToGroupId === undefined ? (policy.escalateToGroup?.id ?? null) : command.escalateToGroupId,
      };
      await this.checkPolicy(em, merged);
      Object.assign(policy, {
        name: merged.name.trim(),
        position: merged.position,
        appliesTo: merged.appliesTo,
        calendar: merged.calendarId ? ref(em.getReference(BusinessCalendar, merged.calendarId)) : null,
        targets: merged.targets,
        warnAtPercent: merged.warnAtPercent,
        pauseStatuses: merged.pauseStatuses,
        escalateToGroup: merged.escalateToGroupId ? ref(em.getReference(Group, merged.escalateToGroupId)) : null,
      });
      return policy;
    });
  }

  async deletePolicy(id: string): Promise<SlaPolicy> {
    return this.ctx.em.transactional(async (em) => {
      const policy = await rowToChange(em, SlaPolicy, id, 'No SLA policy has this id.');
      em.remove(policy);
      return policy;
    });
  }

  private async checkPolicy(em: EntityManager, command: PolicyCommand): Promise<void> {
    const problems = new Problems();
    checkText(problems, command.name, 'name', 100);
    checkRange(problems, command.position, 'position', 0, 1_000_000);
    checkRange(problems, command.warnAtPercent, 'warnAtPercent', 1, 99);
    if (!command.targets.length) problems.add(UserErrorCode.INVALID_INPUT, 'Give at least one target.', 'targets');
    const seen = new Set<string>();
    for (const [index, target] of command.targets.entries()) {
      if (!Object.values(Priority).includes(target.priority as Priority) || seen.has(target.priority)) {
        problems.add(UserErrorCode.INVALID_INPUT, 'One target per priority.', ['targets', String(index), 'priority']);
      }
      seen.add(target.priority);
      for (const metric of ['firstResponseSeconds', 'resolutionSeconds'] as const) {
        if (!Number.isFinite(target[metric]) || target[metric] < 1) {
          problems.add(UserErrorCode.INVALID_INPUT, 'Durations must be positive (at least one second).', ['targets', String(index), metric === 'firstResponseSeconds' ? 'firstResponse' : 'resolution']);
        }
      }
    }
    for (const [index, status] of (command.pauseStatuses ?? []).entries()) {
      if (!PAUSABLE.includes(status)) problems.add(UserErrorCode.INVALID_INPUT, `${status} cannot pause a clock.`, ['pauseStatuses', String(index)]);
    }
    problems.throwIfAny();
    const exists = async (entity: typeof Group | typeof Organization | typeof BusinessCalendar, ids: string[] | undefined, field: string | string[]) => {
      const unique = [...new Set(ids ?? [])];
      if (unique.length && (await em.count(entity, { id: { $in: unique } })) !== unique.length) problems.add(UserErrorCode.NOT_FOUND, 'An id names nothing.', field);
    };
    await exists(Group, command.appliesTo?.groupIds, ['appliesTo', 'groupIds']);
    await exists(Organization, command.appliesTo?.organizationIds, ['appliesTo', 'organizationIds']);
    await exists(BusinessCalendar, command.calendarId ? [command.calendarId] : [], 'calendarId');
    await exists(Group, command.escalateToGroupId ? [command.escalateToGroupId] : [], 'escalateToGroupId');
    problems.throwIfAny();
  }
}
