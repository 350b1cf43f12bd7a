import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/relay';
import { Payload } from '../../graphql/user-errors';
import { Channel, Priority, TicketStatus, TicketType } from '../tickets/tickets.enums';
import { OrderDirection, TicketFilter, TicketNode, TicketOrder, TicketOrderField } from '../tickets/tickets.types';
import type { Queue, RoutingRule, StoredCriteria } from './queues.entities';
import { Assignment, QueueEventKind } from './queues.enums';

@ObjectType({ description: 'A stored TicketFilter: the same fields, ids as global ids.' })
export class TicketFilterValue {
  @Field(() => [ID], { nullable: true }) ids?: string[];
  @Field(() => [TicketStatus], { nullable: true }) status?: TicketStatus[];
  @Field(() => [TicketType], { nullable: true }) type?: TicketType[];
  @Field(() => [Priority], { nullable: true }) priority?: Priority[];
  @Field(() => [ID], { nullable: true }) groupIds?: string[];
  @Field(() => [ID], { nullable: true }) assigneeIds?: string[];
  @Field({ nullable: true }) unassigned?: boolean;
  @Field(() => [ID], { nullable: true }) requesterIds?: string[];
  @Field(() => [ID], { nullable: true }) organizationIds?: string[];
  @Field(() => [String], { nullable: true }) tags?: string[];
  @Field(() => [String], { nullable: true }) categories?: string[];
  @Field(() => [Channel], { nullable: true }) channel?: Channel[];
  @Field({ nullable: true }) createdAfter?: Date;
  @Field({ nullable: true }) createdBefore?: Date;
  @Field({ nullable: true }) updatedAfter?: Date;
  @Field({ nullable: true }) slaBreached?: boolean;
  @Field({ nullable: true, description: 'Text is matched by PostgreSQL only: a queue with text is counted by query.' }) text?: string;

  static from(stored: StoredCriteria): TicketFilterValue {
    const globals = (ids: string[] | null | undefined, type: string) => ids?.map((id) => toGlobalId(type, id));
    const date = (value: string | null | undefined) => (value ? new Date(value) : undefined);
    return Object.assign(new TicketFilterValue(), {
      ...stored,
      ids: globals(stored.ids, 'Ticket'),
      groupIds: globals(stored.groupIds, 'Group'),
      assigneeIds: globals(stored.assigneeIds, 'User'),
      requesterIds: globals(stored.requesterIds, 'User'),
      organizationIds: globals(stored.organizationIds, 'Organization'),
      createdAfter: date(stored.createdAfter),
      createdBefore: date(stored.createdBefore),
      updatedAfter: date(stored.updatedAfter),
    });
  }
}

@ObjectType()
export class TicketOrderValue {
  @Field(() => TicketOrderField) field!: TicketOrderField;
  @Field(() => OrderDirection) direction!: OrderDirection;
}

@ObjectType('Queue', { implements: Node, description: 'A saved ticket filter with an order: an agent’s work list.' })
export class QueueNode extends Node {
  @Field() name!: string;
  @Field(() => TicketFilterValue) filter!: TicketFilterValue;
  @Field(() => TicketOrderValue) orderBy!: TicketOrderValue;
  @Field(() => Int) version!: number;
  databaseId!: string;
  entity!: Queue;

  static from(queue: Queue): QueueNode {
    return Object.assign(new QueueNode(), {
      id: toGlobalId('Queue', queue.id),
      databaseId: queue.id,
      name: queue.name,
      filter: TicketFilterValue.from(queue.filter),
      orderBy: { field: queue.orderField as TicketOrderField, direction: queue.orderDirection as OrderDirection },
      version: queue.version,
      entity: queue,
    });
  }
}

@ObjectType('RoutingRule', { implements: Node, description: 'New tickets without a group take the group of the first matching rule by position.' })
export class RoutingRuleNode extends Node {
  @Field() name!: string;
  @Field(() => Int) position!: number;
  @Field(() => TicketFilterValue, { description: 'An empty match takes every ticket.' }) match!: TicketFilterValue;
  @Field(() => Assignment) assignment!: Assignment;
  @Field(() => Int) version!: number;
  groupId!: string;

  static from(rule: RoutingRule): RoutingRuleNode {
    return Object.assign(new RoutingRuleNode(), {
      id: toGlobalId('RoutingRule', rule.id),
      name: rule.name,
      position: rule.position,
      match: TicketFilterValue.from(rule.match),
      assignment: rule.assignment,
      version: rule.version,
      groupId: rule.group.id,
    });
  }
}

@ObjectType('QueueEvent', { description: 'A ticket entering, changing inside or leaving a queue, with the queue’s count after it.' })
export class QueueEventNode {
  @Field() cursor!: string;
  @Field(() => QueueEventKind) kind!: QueueEventKind;
  @Field(() => Int) count!: number;
  @Field() occurredAt!: Date;
  queueId!: string;
  ticketId!: string;
}

@InputType()
export class CreateQueueInput {
  @Field() name!: string;
  @Field(() => TicketFilter) filter!: TicketFilter;
  @Field(() => TicketOrder, { nullable: true, description: 'Default PRIORITY ASC.' }) orderBy?: TicketOrder;
  @Field(() => [ID], { nullable: true, description: 'Groups whose agents see the queue; none: every agent.' }) groupIds?: string[];
}

@ObjectType()
export class CreateQueuePayload extends Payload {
  @Field(() => QueueNode, { nullable: true }) queue!: QueueNode | null;
}

@InputType()
export class UpdateQueueInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) name?: string;
  @Field(() => TicketFilter, { nullable: true }) filter?: TicketFilter;
  @Field(() => TicketOrder, { nullable: true }) orderBy?: TicketOrder;
  @Field(() => [ID], { nullable: true }) groupIds?: string[];
}

@ObjectType()
export class UpdateQueuePayload extends Payload {
  @Field(() => QueueNode, { nullable: true }) queue!: QueueNode | null;
}

@InputType()
export class DeleteQueueInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@ObjectType()
export class DeleteQueuePayload extends Payload {
  @Field(() => ID, { nullable: true }) deletedQueueId!: string | null;
}

@InputType()
export class CreateRoutingRuleInput {
  @Field() name!: string;
  @Field(() => Int, { description: 'Rules are tried by ascending position.' }) position!: number;
  @Field(() => TicketFilter, { nullable: true, description: 'Absent or empty: a catch-all rule.' }) match?: TicketFilter;
  @Field(() => ID) groupId!: string;
  @Field(() => Assignment, { nullable: true, description: 'Default NONE.' }) assignment?: Assignment;
}

@ObjectType()
export class CreateRoutingRulePayload extends Payload {
  @Field(() => RoutingRuleNode, { nullable: true }) routingRule!: RoutingRuleNode | null;
}

@InputType()
export class UpdateRoutingRuleInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) name?: string;
  @Field(() => Int, { nullable: true }) position?: number;
  @Field(() => TicketFilter, { nullable: true }) match?: TicketFilter;
  @Field(() => ID, { nullable: true }) groupId?: string;
  @Field(() => Assignment, { nullable: true }) assignment?: Assignment;
}

@ObjectType()
export class UpdateRoutingRulePayload extends Payload {
  @Field(() => RoutingRuleNode, { nullable: true }) routingRule!: RoutingRuleNode | null;
}

@InputType()
export class DeleteRoutingRuleInput {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class DeleteRoutingRulePayload extends Payload {
  @Field(() => ID, { nullable: true }) deletedRoutingRuleId!: string | null;
}

@InputType()
export class EscalateTicketInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ description: 'Why the ticket goes up a tier (kept in its history).' }) reason!: string;
}

@ObjectType()
export class EscalateTicketPayload extends Payload {
  @Field(() => TicketNode, { nullable: true }) ticket!: TicketNode | null;
}
