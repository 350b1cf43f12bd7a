import { DateResolver, DurationResolver } from 'graphql-scalars';
import { Duration } from 'luxon';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/relay';
import { Payload } from '../../graphql/user-errors';
import { Priority, TicketStatus, TicketType } from '../tickets/tickets.enums';
import { type BusinessCalendar, ClockStatus, SlaMetric, type SlaPolicy } from './sla.entities';
import { SlaEventKind } from './sla.scheduler';

registerEnumType(SlaMetric, { name: 'SlaMetric' });
registerEnumType(ClockStatus, { name: 'SlaStatus' });
registerEnumType(SlaEventKind, { name: 'SlaEventKind' });

/** ISO 8601 duration of whole seconds, normalised (PT4H, PT1H30M, P2DT4H). */
export function isoDuration(seconds: number): string {
  return Duration.fromObject({ seconds: Math.max(0, Math.round(seconds)) }).shiftTo('days', 'hours', 'minutes', 'seconds').normalize().toISO() ?? 'PT0S';
}

export function durationSeconds(iso: string): number {
  const duration = Duration.fromISO(iso);
  return duration.isValid ? Math.round(duration.as('seconds')) : NaN;
}

@ObjectType()
export class BusinessHours {
  @Field(() => Int, { description: '1 = Monday … 7 = Sunday.' }) dayOfWeek!: number;
  @Field({ description: 'HH:MM in the calendar’s time zone.' }) start!: string;
  @Field({ description: 'HH:MM, after start; 24:00 is midnight.' }) end!: string;
}

@InputType()
export class BusinessHoursInput {
  @Field(() => Int) dayOfWeek!: number;
  @Field() start!: string;
  @Field() end!: string;
}

@ObjectType('BusinessCalendar', { implements: Node, description: 'Opening hours that SLA clocks count; no calendar means 24×7.' })
export class BusinessCalendarNode extends Node {
  @Field() name!: string;
  @Field({ description: 'IANA time zone, e.g. Europe/Paris.' }) timezone!: string;
  @Field(() => [BusinessHours]) hours!: BusinessHours[];
  @Field(() => [DateResolver]) holidays!: string[];
  @Field(() => Int) version!: number;

  static from(calendar: BusinessCalendar): BusinessCalendarNode {
    return Object.assign(new BusinessCalendarNode(), {
      id: toGlobalId('BusinessCalendar', calendar.id),
      name: calendar.name,
      timezone: calendar.timezone,
      hours: calendar.hours,
      holidays: calendar.holidays,
      version: calendar.version,
    });
  }
}

@ObjectType()
export class SlaAppliesTo {
  @Field(() => [TicketType], { nullable: true }) types?: TicketType[];
  @Field(() => [ID], { nullable: true }) organizationIds?: string[];
  @Field(() => [ID], { nullable: true }) groupIds?: string[];
}

@ObjectType()
export class SlaTargetValue {
  @Field(() => Priority) priority!: Priority;
  @Field(() => DurationResolver) firstResponse!: string;
  @Field(() => DurationResolver) resolution!: string;
}

@ObjectType('SlaPolicy', { implements: Node, description: 'Targets per priority; a ticket takes the first policy by position whose appliesTo matches.' })
export class SlaPolicyNode extends Node {
  @Field() name!: string;
  @Field(() => Int) position!: number;
  @Field(() => SlaAppliesTo) appliesTo!: SlaAppliesTo;
  @Field(() => [SlaTargetValue]) targets!: SlaTargetValue[];
  @Field(() => Int) warnAtPercent!: number;
  @Field(() => [TicketStatus]) pauseStatuses!: TicketStatus[];
  @Field(() => Int) version!: number;
  calendarId!: string | null;
  escalateToGroupId!: string | null;

  static from(policy: SlaPolicy): SlaPolicyNode {
    const globals = (ids: string[] | undefined, type: string) => ids?.map((id) => toGlobalId(type, id));
    return Object.assign(new SlaPolicyNode(), {
      id: toGlobalId('SlaPolicy', policy.id),
      name: policy.name,
      position: policy.position,
      appliesTo: {
        types: policy.appliesTo.types,
        organizationIds: globals(policy.appliesTo.organizationIds, 'Organization'),
        groupIds: globals(policy.appliesTo.groupIds, 'Group'),
      },
      targets: policy.targets.map((target) => ({ priority: target.priority, firstResponse: isoDuration(target.firstResponseSeconds), resolution: isoDuration(target.resolutionSeconds) })),
      warnAtPercent: policy.warnAtPercent,
      pauseStatuses: policy.pauseStatuses,
      version: policy.version,
      calendarId: policy.calendar?.id ?? null,
      escalateToGroupId: policy.escalateToGroup?.id ?? null,
    });
  }
}

@ObjectType({ description: 'One SLA clock of a ticket.' })
export class TicketSlaTarget {
  @Field(() => SlaMetric) metric!: SlaMetric;
  @Field(() => Date, { nullable: true, description: 'When the target falls due while the clock runs (null while paused or met).' }) dueAt!: Date | null;
  @Field(() => ClockStatus) status!: ClockStatus;
  @Field(() => Date, { nullable: true }) breachedAt!: Date | null;
  @Field(() => Date, { nullable: true }) metAt!: Date | null;
  @Field(() => DurationResolver, { description: 'Business time left before the due time (zero once due).' }) remaining!: string;
  @Field(() => DurationResolver, { description: 'Business time counted so far.' }) elapsed!: string;
}

@ObjectType()
export class TicketSla {
  @Field(() => [TicketSlaTarget]) targets!: TicketSlaTarget[];
  policyId!: string | null;
}

@ObjectType('SlaEvent', { description: 'A target about to fall due (WARNING) or missed (BREACHED).' })
export class SlaEventNode {
  @Field() cursor!: string;
  @Field(() => SlaEventKind) kind!: SlaEventKind;
  @Field(() => SlaMetric) metric!: SlaMetric;
  @Field(() => Date, { nullable: true }) dueAt!: Date | null;
  @Field() occurredAt!: Date;
  ticketId!: string;
}

@InputType()
export class CreateBusinessCalendarInput {
  @Field() name!: string;
  @Field() timezone!: string;
  @Field(() => [BusinessHoursInput]) hours!: BusinessHoursInput[];
  @Field(() => [DateResolver], { nullable: true }) holidays?: Date[];
}

@ObjectType()
export class CreateBusinessCalendarPayload extends Payload {
  @Field(() => BusinessCalendarNode, { nullable: true }) businessCalendar!: BusinessCalendarNode | null;
}

@InputType()
export class UpdateBusinessCalendarInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) timezone?: string;
  @Field(() => [BusinessHoursInput], { nullable: true }) hours?: BusinessHoursInput[];
  @Field(() => [DateResolver], { nullable: true }) holidays?: Date[];
}

@ObjectType()
export class UpdateBusinessCalendarPayload extends Payload {
  @Field(() => BusinessCalendarNode, { nullable: true }) businessCalendar!: BusinessCalendarNode | null;
}

@InputType()
export class SlaAppliesToInput {
  @Field(() => [TicketType], { nullable: true }) types?: TicketType[];
  @Field(() => [ID], { nullable: true }) organizationIds?: string[];
  @Field(() => [ID], { nullable: true }) groupIds?: string[];
}

@InputType()
export class SlaTargetInput {
  @Field(() => Priority) priority!: Priority;
  @Field(() => DurationResolver) firstResponse!: string;
  @Field(() => DurationResolver) resolution!: string;
}

@InputType()
export class CreateSlaPolicyInput {
  @Field() name!: string;
  @Field(() => Int) position!: number;
  @Field(() => SlaAppliesToInput, { nullable: true }) appliesTo?: SlaAppliesToInput;
  @Field(() => ID, { nullable: true, description: 'Absent: 24×7.' }) calendarId?: string;
  @Field(() => [SlaTargetInput]) targets!: SlaTargetInput[];
  @Field(() => Int, { nullable: true, description: '1..99, default 80.' }) warnAtPercent?: number;
  @Field(() => [TicketStatus], { nullable: true, description: 'Default [PENDING].' }) pauseStatuses?: TicketStatus[];
  @Field(() => ID, { nullable: true, description: 'On breach, the ticket moves to this group.' }) escalateToGroupId?: string;
}

@ObjectType()
export class CreateSlaPolicyPayload extends Payload {
  @Field(() => SlaPolicyNode, { nullable: true }) slaPolicy!: SlaPolicyNode | null;
}

@InputType()
export class UpdateSlaPolicyInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) name?: string;
  @Field(() => Int, { nullable: true }) position?: number;
  @Field(() => SlaAppliesToInput, { nullable: true }) appliesTo?: SlaAppliesToInput;
  @Field(() => ID, { nullable: true }) calendarId?: string | null;
  @Field(() => [SlaTargetInput], { nullable: true }) targets?: SlaTargetInput[];
  @Field(() => Int, { nullable: true }) warnAtPercent?: number;
  @Field(() => [TicketStatus], { nullable: true }) pauseStatuses?: TicketStatus[];
  @Field(() => ID, { nullable: true }) escalateToGroupId?: string | null;
}

@ObjectType()
export class UpdateSlaPolicyPayload extends Payload {
  @Field(() => SlaPolicyNode, { nullable: true }) slaPolicy!: SlaPolicyNode | null;
}

@InputType()
export class DeleteSlaPolicyInput {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class DeleteSlaPolicyPayload extends Payload {
  @Field(() => ID, { nullable: true }) deletedSlaPolicyId!: string | null;
}

