import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../graphql/global-id';
import { ConnectionType, Node } from '../../graphql/relay';
import { Payload } from '../../graphql/user-errors';
import { Ticket, TicketComment, TicketHistory } from './tickets.entities';
import { Channel, Impact, LinkDirection, Priority, TicketLinkKind, TicketStatus, TicketType, Urgency, ticketKey } from './tickets.enums';
import type { Snapshot } from '../../db/snapshots';

@ObjectType('Ticket', { implements: Node, description: 'An incident, service request, question, problem or change.' })
export class TicketNode extends Node {
  @Field(() => Int, { description: 'Human number: 1, 2, 3 …' }) number!: number;
  @Field({ description: 'Type prefix and number, e.g. INC-42.' }) key!: string;
  @Field(() => TicketType) type!: TicketType;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => TicketStatus) status!: TicketStatus;
  @Field(() => Impact) impact!: Impact;
  @Field(() => Urgency) urgency!: Urgency;
  @Field(() => Priority, { description: 'The override when set, else the ITIL matrix of impact × urgency.' }) priority!: Priority;
  @Field(() => Priority, { nullable: true, description: 'Set by an agent to replace the matrix.' }) priorityOverride!: Priority | null;
  @Field(() => Channel) channel!: Channel;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => [String]) tags!: string[];
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When an agent first replied publicly.' }) firstRespondedAt!: Date | null;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the ticket was closed or cancelled.' }) closedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'How it was resolved (required to resolve).' }) resolution!: string | null;
  @Field(() => Int, { description: 'Times the ticket was reopened after a resolution.' }) reopenedCount!: number;
  @Field(() => Int) version!: number;
  databaseId!: string;
  requesterId!: string;
  assigneeId!: string | null;
  groupId!: string | null;
  organizationId!: string | null;
  rating!: number | null;
  ratingComment!: string | null;
  ratedAt!: Date | null;

  static from(ticket: Snapshot<Ticket>): TicketNode {
    return Object.assign(new TicketNode(), {
      id: toGlobalId('Ticket', ticket.id),
      databaseId: ticket.id,
      number: ticket.number,
      key: ticketKey(ticket.type, ticket.number),
      type: ticket.type,
      title: ticket.title,
      description: ticket.description,
      status: ticket.status,
      impact: ticket.impact,
      urgency: ticket.urgency,
      priority: ticket.priority,
      priorityOverride: ticket.priorityOverride,
      channel: ticket.channel,
      category: ticket.category,
      tags: ticket.tags,
      createdAt: ticket.createdAt,
      updatedAt: ticket.updatedAt,
      firstRespondedAt: ticket.firstRespondedAt,
      resolvedAt: ticket.resolvedAt,
      closedAt: ticket.closedAt,
      resolution: ticket.resolution,
      reopenedCount: ticket.reopenedCount,
      version: ticket.version,
      requesterId: ticket.requester.id,
      assigneeId: ticket.assignee?.id ?? null,
      groupId: ticket.group?.id ?? null,
      organizationId: ticket.organization?.id ?? null,
      rating: ticket.rating,
      ratingComment: ticket.ratingComment,
      ratedAt: ticket.ratedAt,
    });
  }
}

@ObjectType('Comment', { implements: Node, description: 'A public reply or an internal note on a ticket.' })
export class CommentNode extends Node {
  @Field() body!: string;
  @Field({ description: 'Internal notes are seen by staff only.' }) internal!: boolean;
  @Field() createdAt!: Date;
  authorId!: string;
  ticketId!: string;

  static from(comment: Snapshot<TicketComment>): CommentNode {
    return Object.assign(new CommentNode(), {
      id: toGlobalId('Comment', comment.id),
      body: comment.body,
      internal: comment.internal,
      createdAt: comment.createdAt,
      authorId: comment.author.id,
      ticketId: comment.ticket.id,
    });
  }
}

@ObjectType({ description: 'One change of a ticket: a field’s old and new value, or an action (created, comment, link, rating).' })
export class TicketHistoryEntry {
  @Field() at!: Date;
  @Field({ description: 'What changed: a field name, or created, comment, link, rating.' }) field!: string;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The value before; ids are global ids.' }) from!: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The value after; ids are global ids.' }) to!: unknown;
  actorId!: string | null;

  static from(entry: Snapshot<TicketHistory>): TicketHistoryEntry {
    return Object.assign(new TicketHistoryEntry(), {
      at: entry.at,
      field: entry.field,
      from: entry.fromValue,
      to: entry.toValue,
      actorId: entry.actor?.id ?? null,
    });
  }
}

@ObjectType({ description: 'A link seen from one of its two tickets.' })
export class TicketLinkNode {
  @Field(() => TicketLinkKind) kind!: TicketLinkKind;
  @Field(() => LinkDirection, { description: 'OUTGOING when this ticket is the link’s `from`.' }) direction!: LinkDirection;
  @Field() createdAt!: Date;
  otherTicketId!: string;
}

@ObjectType({ description: 'The requester’s rating of the service.' })
export class TicketSatisfaction {
  @Field(() => Int, { description: '1 (poor) to 5 (excellent).' }) rating!: number;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field() ratedAt!: Date;
}

export const TicketConnection = ConnectionType(TicketNode, 'Ticket');
export const CommentConnection = ConnectionType(CommentNode, 'Comment');
export const TicketHistoryConnection = ConnectionType(TicketHistoryEntry, 'TicketHistory');

@InputType({ description: 'Lists are OR within a field, fields are AND; an absent field does not filter.' })
export class TicketFilter {
  @Field(() => [ID], { nullable: true }) ids?: string[];
  @Field(() => [TicketStatus], { nullable: true }) status?: TicketStatus[];
  @Field(() => [TicketType], { nullable: true }) type?: TicketType[];
  @Field(() => [Priority], { nullable: true }) priority?: Priority[];
  @Field(() => [ID], { nullable: true }) groupIds?: string[];
  @Field(() => [ID], { nullable: true }) assigneeIds?: string[];
  @Field({ nullable: true, description: 'true: no assignee; false: someone is assigned.' }) unassigned?: boolean;
  @Field(() => [ID], { nullable: true }) requesterIds?: string[];
  @Field(() => [ID], { nullable: true }) organizationIds?: string[];
  @Field(() => [String], { nullable: true, description: 'Any of these tags.' }) tags?: string[];
  @Field(() => [String], { nullable: true }) categories?: string[];
  @Field(() => [Channel], { nullable: true }) channel?: Channel[];
  @Field({ nullable: true }) createdAfter?: Date;
  @Field({ nullable: true }) createdBefore?: Date;
  @Field({ nullable: true }) updatedAfter?: Date;
  @Field({ nullable: true, description: 'true: an SLA target of the ticket was breached; false: none was.' }) slaBreached?: boolean;
  @Field({ nullable: true, description: 'Full text over title, description and public comments; English and French word forms, accents ignored.' })
  text?: string;
}

export enum TicketOrderField {
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
  PRIORITY = 'PRIORITY',
  NUMBER = 'NUMBER',
  SLA_DUE = 'SLA_DUE',
}
registerEnumType(TicketOrderField, {
  name: 'TicketOrderField',
  valuesConfig: {
    PRIORITY: { description: 'ASC lists P1 first, oldest first among equals.' },
    SLA_DUE: { description: 'ASC lists the most overdue first (breached clocks still running), then the nearest running SLA due time; tickets without a running clock (paused, met, none) last.' },
  },
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

@InputType()
export class TicketOrder {
  @Field(() => TicketOrderField) field!: TicketOrderField;
  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC }) direction!: OrderDirection;
}

@InputType()
export class CreateTicketInput {
  @Field(() => TicketType) type!: TicketType;
  @Field({ description: '1 to 200 characters.' }) title!: string;
  @Field({ nullable: true }) description?: string;
  @Field(() => Impact, { nullable: true, description: 'Default MEDIUM.' }) impact?: Impact;
  @Field(() => Urgency, { nullable: true, description: 'Default MEDIUM.' }) urgency?: Urgency;
  @Field({ nullable: true }) category?: string;
  @Field(() => [String], { nullable: true }) tags?: string[];
  @Field(() => Channel, { nullable: true, description: 'Default PORTAL.' }) channel?: Channel;
  @Field(() => ID, { nullable: true, description: 'Default: the viewer. Only agents and admins name someone else.' }) requesterId?: string;
  @Field(() => ID, { nullable: true }) groupId?: string;
  @Field(() => ID, { nullable: true, description: 'Must be a member of `groupId`.' }) assigneeId?: string;
  @Field(() => [ID], { nullable: true }) assetIds?: string[];
  @Field({ nullable: true, description: 'A retry with the same key from the same user returns the first ticket and creates nothing.' })
  idempotencyKey?: string;
}

@ObjectType()
export class CreateTicketPayload extends Payload {
  @Field(() => TicketNode, { nullable: true }) ticket!: TicketNode | null;
}

@InputType()
export class UpdateTicketInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) title?: string;
  @Field({ nullable: true }) description?: string;
  @Field(() => Impact, { nullable: true }) impact?: Impact;
  @Field(() => Urgency, { nullable: true }) urgency?: Urgency;
  @Field(() => Priority, { nullable: true, description: 'Agents and admins; null returns to the matrix.' }) priorityOverride?: Priority | null;
  @Field(() => String, { nullable: true }) category?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[];
  @Field(() => [ID], { nullable: true, description: 'Replaces the linked assets.' }) assetIds?: string[];
}

@ObjectType()
export class UpdateTicketPayload extends Payload {
  @Field(() => TicketNode, { nullable: true }) ticket!: TicketNode | null;
}

@InputType()
export class AssignTicketInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field(() => ID, { nullable: true, description: 'Absent: keep the group; null: no group.' }) groupId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Absent: keep (when in the group); null: unassign.' }) assigneeId?: string | null;
}

@ObjectType()
export class AssignTicketPayload extends Payload {
  @Field(() => TicketNode, { nullable: true }) ticket!: TicketNode | null;
}

@InputType()
export class ChangeTicketStatusInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field(() => TicketStatus) status!: TicketStatus;
  @Field({ nullable: true, description: 'Required to resolve.' }) resolution?: string;
}

@ObjectType()
export class ChangeTicketStatusPayload extends Payload {
  @Field(() => TicketNode, { nullable: true }) ticket!: TicketNode | null;
}

@InputType()
export class AddCommentInput {
  @Field(() => ID) ticketId!: string;
  @Field() body!: string;
  @Field({ nullable: true, description: 'An internal note (agents and admins).' }) internal?: boolean;
}

@ObjectType()
export class AddCommentPayload extends Payload {
  @Field(() => CommentNode, { nullable: true }) comment!: CommentNode | null;
}

@InputType()
export class LinkTicketsInput {
  @Field(() => ID) fromId!: string;
  @Field(() => ID) toId!: string;
  @Field(() => TicketLinkKind) kind!: TicketLinkKind;
}

@ObjectType()
export class LinkTicketsPayload extends Payload {
  @Field(() => TicketLinkNode, { nullable: true, description: 'The link as `from` sees it.' }) ticketLink!: TicketLinkNode | null;
}

@InputType()
export class RateTicketInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: '1 to 5.' }) rating!: number;
  @Field({ nullable: true }) comment?: string;
}

@ObjectType()
export class RateTicketPayload extends Payload {
  @Field(() => TicketNode, { nullable: true }) ticket!: TicketNode | null;
}
