import { Entity, Enum, Index, ManyToOne, PrimaryKeyProp, Property, Unique, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base-entity';
import type { TicketCriteria } from '../tickets/tickets.filter';
import { Group, User } from '../users/users.entities';
import { Assignment } from './queues.enums';

/** Criteria as stored: database ids, dates as ISO strings. */
export type StoredCriteria = Omit<TicketCriteria, 'createdAfter' | 'createdBefore' | 'updatedAfter'> & {
  createdAfter?: string | null;
  createdBefore?: string | null;
  updatedAfter?: string | null;
};

/** A saved ticket filter with an order: an agent's work list. */
@Entity({ tableName: 'queues' })
export class Queue extends BaseEntity<'orderField' | 'orderDirection' | 'count'> {
  @Property({ type: 'text' })
  @Unique()
  name!: string;

  @Property({ type: 'jsonb' })
  filter!: StoredCriteria;

  @Property({ type: 'text' })
  orderField: string = 'PRIORITY';

  @Property({ type: 'text' })
  orderDirection: string = 'ASC';

  /**
   * Tickets matching the filter, kept by every ticket change in its own transaction (and set by
   * query when the queue is created or changed). Queues with `text` are counted by query instead.
   */
  @Property({ type: 'integer' })
  count: number = 0;
}

/** The groups whose agents see a queue (none: every agent). */
@Entity({ tableName: 'queue_groups' })
export class QueueGroup {
  [PrimaryKeyProp]?: ['queue', 'group'];

  @ManyToOne(() => Queue, { primary: true, ref: true, deleteRule: 'cascade' })
  queue!: Ref<Queue>;

  @ManyToOne(() => Group, { primary: true, ref: true, deleteRule: 'cascade', index: true })
  group!: Ref<Group>;
}

/** Where new tickets without a group go: the first matching rule by position. */
@Entity({ tableName: 'routing_rules' })
@Index({ properties: ['position'] })
export class RoutingRule extends BaseEntity<'assignment' | 'lastAssignee'> {

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'jsonb' })
  match!: StoredCriteria;

  @ManyToOne(() => Group, { ref: true, deleteRule: 'cascade' })
  group!: Ref<Group>;

  @Enum({ items: () => Assignment, nativeEnumName: 'routing_assignment' })
  assignment: Assignment = Assignment.NONE;

  /** Round robin's place: the agent who got the last ticket (kept in the row, so it survives restarts). */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  lastAssignee: Ref<User> | null = null;
}
