import { randomUUID } from 'node:crypto';
import {
  BigIntType,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  PrimaryKeyProp,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { BaseEntity } from '../../db/base-entity';
import { Asset } from '../assets/assets.entities';
import { Group, Organization, User } from '../users/users.entities';
import { Channel, Impact, Priority, TicketLinkKind, TicketStatus, TicketType, Urgency } from './tickets.enums';

const OPEN = `status in ('NEW', 'OPEN', 'PENDING', 'ON_HOLD')`;
const ANALYTICS_COLUMNS = [
  'id', 'group_id', 'assignee_id', 'organization_id', 'requester_id', 'status', 'priority', 'type', 'channel', 'category',
  'resolved_at', 'first_responded_at', 'updated_at', 'sla_breached', 'reopened_count', 'rating',
].map((column) => `"${column}"`).join(', ');

@Entity({ tableName: 'tickets' })
@Unique({ properties: ['createdBy', 'idempotencyKey'] })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['updatedAt', 'id'] })
@Index({ properties: ['priority', 'createdAt', 'id'] })
@Index({ properties: ['status'] })
@Index({ properties: ['requester', 'createdAt'] })
@Index({ properties: ['organization', 'createdAt'] })
// A group's open work by priority: the shape of an agent's queue page.
@Index({
  name: 'tickets_open_group_priority_idx',
  expression: `create index "tickets_open_group_priority_idx" on "tickets" ("group_id", "priority", "created_at", "id") where ${OPEN}`,
})
@Index({
  name: 'tickets_open_assignee_idx',
  expression: `create index "tickets_open_assignee_idx" on "tickets" ("assignee_id", "priority", "created_at", "id") where ${OPEN}`,
})
// "Unassigned" queues: without it, a filter that matches few rows (unassigned and pending, say) walks
// the whole priority index (4 s on a million tickets, measured by bench/queues.ts).
@Index({
  name: 'tickets_open_unassigned_priority_idx',
  expression: `create index "tickets_open_unassigned_priority_idx" on "tickets" ("priority", "created_at", "id") where "assignee_id" is null and ${OPEN}`,
})
@Index({ properties: ['slaDueAt', 'id'] })
// Statistics (ticketStats) read a few columns of every ticket in a time range: an index-only scan of
// this narrow copy (about a tenth of the table, which holds texts and search vectors) instead of the rows.
@Index({ name: 'tickets_analytics_idx', expression: `create index "tickets_analytics_idx" on "tickets" ("created_at") include (${ANALYTICS_COLUMNS})` })
@Index({ name: 'tickets_tags_idx', expression: 'create index "tickets_tags_idx" on "tickets" using gin ("tags")' })
@Index({ name: 'tickets_search_idx', expression: 'create index "tickets_search_idx" on "tickets" using gin ("search_vector")' })
export class Ticket extends BaseEntity<
  | 'number'
  | 'status'
  | 'channel'
  | 'category'
  | 'tags'
  | 'assignee'
  | 'group'
  | 'organization'
  | 'priorityOverride'
  | 'firstRespondedAt'
  | 'resolvedAt'
  | 'closedAt'
  | 'resolution'
  | 'reopenedCount'
  | 'rating'
  | 'ratingComment'
  | 'ratedAt'
  | 'idempotencyKey'
  | 'description'
  | 'slaDueAt'
  | 'slaBreached'
> {
  /** Human number from the ticket_number_seq sequence: 1, 2, 3 … */
  @Property({ type: 'integer', defaultRaw: `nextval('ticket_number_seq')`, unique: true })
  number!: number;

  @Enum({ items: () => TicketType, nativeEnumName: 'ticket_type' })
  type!: TicketType;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text' })
  description: string = '';

  @Enum({ items: () => TicketStatus, nativeEnumName: 'ticket_status' })
  status: TicketStatus = TicketStatus.NEW;

  @Enum({ items: () => Impact, nativeEnumName: 'ticket_impact' })
  impact!: Impact;

  @Enum({ items: () => Urgency, nativeEnumName: 'ticket_urgency' })
  urgency!: Urgency;

  /** The effective priority: the override when set, else the matrix of impact × urgency. */
  @Enum({ items: () => Priority, nativeEnumName: 'ticket_priority' })
  priority!: Priority;

  @Enum({ items: () => Priority, nativeEnumName: 'ticket_priority', nullable: true })
  priorityOverride: Priority | null = null;

  @Enum({ items: () => Channel, nativeEnumName: 'ticket_channel' })
  channel: Channel = Channel.PORTAL;

  @Property({ type: 'text', nullable: true })
  category: string | null = null;

  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  tags: string[] = [];

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict' })
  requester!: Ref<User>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  assignee: Ref<User> | null = null;

  @ManyToOne(() => Group, { ref: true, nullable: true, deleteRule: 'set null' })
  group: Ref<Group> | null = null;

  /** The requester's organization when the ticket was opened. */
  @ManyToOne(() => Organization, { ref: true, nullable: true, deleteRule: 'set null' })
  organization: Ref<Organization> | null = null;

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict' })
  createdBy!: Ref<User>;

  /** A client's retry key: the same key from the same creator returns the first ticket. */
  @Property({ type: 'text', nullable: true })
  idempotencyKey: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  firstRespondedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  resolution: string | null = null;

  @Property({ type: 'integer' })
  reopenedCount: number = 0;

  @Property({ type: 'smallint', nullable: true })
  rating: number | null = null;

  @Property({ type: 'text', nullable: true })
  ratingComment: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  ratedAt: Date | null = null;

  /**
   * The nearest due time of the ticket's running SLA clocks (far future when none runs), and whether
   * a clock was breached: summaries kept by the SLA module, for TicketOrder SLA_DUE and the
   * slaBreached filter. Written with SQL, never through this entity.
   */
  @Property({ type: 'timestamptz', defaultRaw: `'9999-12-31T00:00:00Z'` })
  slaDueAt: Date = new Date('9999-12-31T00:00:00Z');

  @Property({ type: 'boolean' })
  slaBreached: boolean = false;

  /**
   * Title, description and public comments in English and French word forms, accents folded.
   * Kept by triggers (see the migration); never written by the application.
   */
  @Property({ columnType: 'tsvector', nullable: true, lazy: true, hidden: true })
  searchVector?: string;
}

@Entity({ tableName: 'ticket_assets' })
export class TicketAsset {
  [PrimaryKeyProp]?: ['ticket', 'asset'];

  @ManyToOne(() => Ticket, { primary: true, ref: true, deleteRule: 'cascade' })
  ticket!: Ref<Ticket>;

  @ManyToOne(() => Asset, { primary: true, ref: true, deleteRule: 'cascade', index: true })
  asset!: Ref<Asset>;
}

@Entity({ tableName: 'ticket_comments' })
@Index({ properties: ['ticket', 'createdAt', 'id'] })
export class TicketComment {
  [OptionalProps]?: 'createdAt' | 'internal';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Ticket, { ref: true, deleteRule: 'cascade' })
  ticket!: Ref<Ticket>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict' })
  author!: Ref<User>;

  @Property({ type: 'text' })
  body!: string;

  /** Internal notes are for the desk's staff only. */
  @Property({ type: 'boolean' })
  internal: boolean = false;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** One change of one field, or one action; append-only (a trigger refuses updates and deletes). */
@Entity({ tableName: 'ticket_history' })
@Index({ properties: ['ticket', 'id'] })
export class TicketHistory {
  [OptionalProps]?: 'at' | 'internal';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Ticket, { ref: true, deleteRule: 'cascade' })
  ticket!: Ref<Ticket>;

  /** Null for changes the system makes itself. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  actor!: Ref<User> | null;

  @Property({ type: 'timestamptz' })
  at: Date = new Date();

  @Property({ type: 'text' })
  field!: string;

  @Property({ type: 'jsonb', nullable: true })
  fromValue!: unknown;

  @Property({ type: 'jsonb', nullable: true })
  toValue!: unknown;

  /** About an internal note: hidden from requesters like the note itself. */
  @Property({ type: 'boolean' })
  internal: boolean = false;
}

@Entity({ tableName: 'ticket_links' })
@Unique({ properties: ['from', 'to', 'kind'] })
@Index({ properties: ['to'] })
export class TicketLink {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Ticket, { ref: true, deleteRule: 'cascade' })
  from!: Ref<Ticket>;

  @ManyToOne(() => Ticket, { ref: true, deleteRule: 'cascade' })
  to!: Ref<Ticket>;

  @Enum({ items: () => TicketLinkKind, nativeEnumName: 'ticket_link_kind' })
  kind!: TicketLinkKind;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  createdBy!: Ref<User> | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
