import { Check, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The event log (outbox): one row per change clients may care about, written in the change's own
 * transaction. `seq` is assigned in commit order (see event-log.ts), so it doubles as the cursor.
 * Rows are written with SQL by writeEvents (through the outbox); the entity exists so migrations know the table.
 */
@Entity({ tableName: 'events' })
@Index({ properties: ['ticketId', 'seq'] })
@Index({ properties: ['topic', 'seq'] })
@Index({ properties: ['occurredAt'] })
export class EventRecord {
  @PrimaryKey({ type: 'bigint', autoincrement: false })
  seq!: string;

  /** Which stream: 'ticket' now; queues and SLA add theirs. */
  @Property({ type: 'text' })
  topic!: string;

  @Property({ type: 'text' })
  kind!: string;

  @Property({ type: 'uuid', nullable: true })
  ticketId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  /** Only staff may receive it (an internal note). */
  @Property({ type: 'boolean' })
  internal!: boolean;

  @Property({ type: 'jsonb' })
  data!: unknown;
}

/** The single counter behind `events.seq`; its row lock serialises the commits of writers. */
@Entity({ tableName: 'event_sequence' })
@Check({ name: 'event_sequence_single_row', expression: 'id' })
export class EventSequence {
  @PrimaryKey({ type: 'boolean' })
  id!: boolean;

  @Property({ type: 'bigint' })
  value!: string;
}

/** Events at or below `prunedThrough` were pruned: older cursors are expired. */
@Entity({ tableName: 'event_log_state' })
@Check({ name: 'event_log_state_single_row', expression: 'id' })
export class EventLogState {
  @PrimaryKey({ type: 'boolean' })
  id!: boolean;

  @Property({ type: 'bigint' })
  prunedThrough!: string;
}
