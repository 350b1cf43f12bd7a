import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Payload } from '../../graphql/user-errors';
import { TicketNode } from '../tickets/tickets.types';
import type { ChangeApproval } from './changes.entities';
import { ChangeApprovalStatus } from './changes.enums';

@ObjectType('ChangeApproval', { description: 'The approval of a CHANGE: requested from named approvers, settled by the first of them to decide.' })
export class ChangeApprovalNode {
  @Field(() => ChangeApprovalStatus) status!: ChangeApprovalStatus;
  @Field() requestedAt!: Date;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The decider’s comment.' }) comment!: string | null;
  ticketId!: string;
  requestedById!: string | null;
  decidedById!: string | null;

  static from(approval: ChangeApproval): ChangeApprovalNode {
    return Object.assign(new ChangeApprovalNode(), {
      status: approval.status,
      requestedAt: approval.requestedAt,
      decidedAt: approval.decidedAt,
      comment: approval.comment,
      ticketId: approval.ticket.id,
      requestedById: approval.requestedBy?.id ?? null,
      decidedById: approval.decidedBy?.id ?? null,
    });
  }
}

@ObjectType('ChangeWindow', { description: 'When a change is planned to be carried out.' })
export class ChangeWindowNode {
  @Field() start!: Date;
  @Field() end!: Date;
}

@InputType()
export class ChangeWindowInput {
  @Field() start!: Date;
  @Field({ description: 'After `start`.' }) end!: Date;
}

@InputType()
export class RequestChangeApprovalInput {
  @Field(() => ID, { description: 'A CHANGE ticket.' }) id!: string;
  @Field(() => [ID], { description: 'Active agents or admins other than yourself; any one of them decides.' }) approverIds!: string[];
  @Field(() => ChangeWindowInput) window!: ChangeWindowInput;
}

@ObjectType()
export class RequestChangeApprovalPayload extends Payload {
  @Field(() => TicketNode, { nullable: true }) ticket!: TicketNode | null;
}

@InputType()
export class DecideChangeInput {
  @Field(() => ID) id!: string;
  @Field({ description: 'true approves, false rejects.' }) approve!: boolean;
  @Field({ nullable: true }) comment?: string;
}

@ObjectType()
export class DecideChangePayload extends Payload {
  @Field(() => TicketNode, { nullable: true }) ticket!: TicketNode | null;
}

@InputType()
export class ResolveProblemInput {
  @Field(() => ID, { description: 'A PROBLEM ticket.' }) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ description: 'How the problem was resolved (its root cause fixed).' }) resolution!: string;
  @Field({ nullable: true, description: 'Also resolve the open INCIDENTs linked to it with CAUSED_BY, in the same transaction.' }) resolveIncidents?: boolean;
}

@ObjectType()
export class ResolveProblemPayload extends Payload {
  @Field(() => TicketNode, { nullable: true, description: 'The problem.' }) ticket!: TicketNode | null;
  @Field(() => [TicketNode], { nullable: true, description: 'The incidents resolved with it (empty unless `resolveIncidents`).' }) resolvedIncidents!: TicketNode[] | null;
}
