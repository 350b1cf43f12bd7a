import { BigIntType, Entity, Enum, Index, ManyToOne, PrimaryKeyProp, Property, Unique, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base-entity';
import { Ticket } from '../tickets/tickets.entities';
import { Group } from '../users/users.entities';
import type { Calendar } from './business-time';

/** Opening hours in a time zone; a policy without a calendar counts 24×7. */
@Entity({ tableName: 'business_calendars' })
export class BusinessCalendar extends BaseEntity {
  @Property({ type: 'text' })
  @Unique()
  name!: string;

  @Property({ type: 'text' })
  timezone!: string;

  @Property({ type: 'jsonb' })
  hours!: Calendar['hours'];

  @Property({ type: 'jsonb' })
  holidays!: string[];
}

export interface SlaTarget {
  priority: string;
  firstResponseSeconds: number;
  resolutionSeconds: number;
}

export interface AppliesTo {
  types?: string[];
  organizationIds?: string[];
  groupIds?: string[];
}

/** Targets per priority for the tickets it applies to: the first policy by position wins. */
@Entity({ tableName: 'sla_policies' })
@Index({ properties: ['position'] })
export class SlaPolicy extends BaseEntity<'warnAtPercent' | 'pauseStatuses' | 'calendar' | 'escalateToGroup'> {
  @Property({ type: 'text' })
  @Unique()
  name!: string;

  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'jsonb' })
  appliesTo!: AppliesTo;

  @ManyToOne(() => BusinessCalendar, { ref: true, nullable: true, deleteRule: 'set null' })
  calendar: Ref<BusinessCalendar> | null = null;

  @Property({ type: 'jsonb' })
  targets!: SlaTarget[];

  @Property({ type: 'integer' })
  warnAtPercent: number = 80;

  @Property({ type: 'text[]' })
  pauseStatuses: string[] = ['PENDING'];

  @ManyToOne(() => Group, { ref: true, nullable: true, deleteRule: 'set null' })
  escalateToGroup: Ref<Group> | null = null;
}

export enum SlaMetric {
  FIRST_RESPONSE = 'FIRST_RESPONSE',
  RESOLUTION = 'RESOLUTION',
}

export enum ClockStatus {
  RUNNING = 'RUNNING',
  PAUSED = 'PAUSED',
  MET = 'MET',
  BREACHED = 'BREACHED',
}

/**
 * One SLA clock of one ticket. Business time is accumulated in `elapsedMillis` up to
 * `runningSince` (null while paused or stopped); `nextFireAt` is the durable timer the scheduler
 * claims (warning, then breach), indexed so only what is due next is ever read.
 */
@Entity({ tableName: 'ticket_sla_clocks' })
// Statistics join one metric's clocks to the tickets by an index-only scan of this (see ticketStats).
@Index({ name: 'ticket_sla_clocks_analytics_idx', expression: 'create index "ticket_sla_clocks_analytics_idx" on "ticket_sla_clocks" ("metric", "ticket_id") include ("status")' })
@Index({ name: 'ticket_sla_clocks_next_fire_idx', expression: 'create index "ticket_sla_clocks_next_fire_idx" on "ticket_sla_clocks" ("next_fire_at") where "next_fire_at" is not null' })
export class SlaClock {
  [PrimaryKeyProp]?: ['ticket', 'metric'];

  @ManyToOne(() => Ticket, { primary: true, ref: true, deleteRule: 'cascade' })
  ticket!: Ref<Ticket>;

  @Enum({ items: () => SlaMetric, nativeEnumName: 'sla_metric', primary: true })
  metric!: SlaMetric;

  @ManyToOne(() => SlaPolicy, { ref: true, nullable: true, deleteRule: 'set null' })
  policy!: Ref<SlaPolicy> | null;

  @Property({ type: 'integer' })
  targetSeconds!: number;

  @Property({ type: new BigIntType('number') })
  elapsedMillis!: number;

  @Property({ type: 'timestamptz', nullable: true })
  runningSince!: Date | null;

  @Enum({ items: () => ClockStatus, nativeEnumName: 'sla_clock_status' })
  status!: ClockStatus;

  @Property({ type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  warnAt!: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  warnedAt!: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  breachedAt!: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  metAt!: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  nextFireAt!: Date | null;
}
