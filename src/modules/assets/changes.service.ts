import { LockMode, ref } from '@mikro-orm/postgresql';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { ServiceContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { DomainError, fail, Problems, UserErrorCode, type UserErrorShape } from '../../graphql/user-errors';
import { checkText } from '../../validation';
import { transactionWithEvents } from '../events/outbox';
import { Ticket, TicketLink } from '../tickets/tickets.entities';
import { OPEN_STATUSES, TicketLinkKind, TicketStatus, TicketType, ticketKey } from '../tickets/tickets.enums';
import { TicketChangeLog, TicketEventKind } from '../tickets/tickets.history';
import { ticketsPolicy } from '../tickets/tickets.policy';
import { type TicketStatusGuard, ticketToChange, TicketsService } from '../tickets/tickets.service';
import { User } from '../users/users.entities';
import { ChangeApproval, ChangeApprover } from './changes.entities';
import { ChangeApprovalStatus } from './changes.enums';

const MAX_APPROVERS = 20;
const MAX_TEXT = 20_000;
const CLOSED_STATUSES: readonly TicketStatus[] = [TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.CANCELLED];

export interface RequestChangeApprovalCommand {
  id: string;
  approverIds: string[];
  windowStart: Date;
  windowEnd: Date;
}

export interface DecideChangeCommand {
  id: string;
  approve: boolean;
  comment?: string | null;
}

export interface ResolveProblemCommand {
  id: string;
  expectedVersion?: number | null;
  resolution: string;
  /** Also resolve the open incidents linked to the problem with CAUSED_BY. */
  resolveIncidents?: boolean | null;
}

/** A change cannot move to RESOLVED unless its approval is APPROVED (registered with the ticket status guards). */
export const changeApprovalGuard: TicketStatusGuard = async (em, ticket, to): Promise<UserErrorShape | null> => {
  if (ticket.type !== TicketType.CHANGE || to !== TicketStatus.RESOLVED) return null;
  const approval = await em.findOne(ChangeApproval, { ticket: ticket.id });
  if (approval?.status === ChangeApprovalStatus.APPROVED) return null;
  return {
    code: UserErrorCode.NOT_ALLOWED,
    message: `A change is resolved only once approved; its approval is ${approval ? approval.status : 'not requested'} (requestChangeApproval, then decideChange).`,
    field: 'status',
  };
};

const windowValue = (approval: ChangeApproval | null) =>
  approval ? { start: approval.windowStart.toISOString(), end: approval.windowEnd.toISOString() } : null;

/**
 * Problem and change management on tickets: resolving a problem with its incidents, and the
 * approval and window of a change. Each command is one transaction that writes the tickets' history
 * and events through the ticket rules.
 */
export class ChangesService {
  constructor(private readonly ctx: ServiceContext) {}

  private get actor(): Viewer {
    if (!this.ctx.viewer) throw new Error('change commands need an acting user');
    return this.ctx.viewer;
  }

  /**
   * Resolves a problem and, with `resolveIncidents`, every open INCIDENT linked to it with CAUSED_BY,
   * in one transaction: all of them or none. Each incident's resolution names the problem.
   */
  async resolveProblem(command: ResolveProblemCommand): Promise<{ problem: Ticket; incidents: Ticket[] }> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      if (!ticketsPolicy.canWork(actor)) fail(UserErrorCode.NOT_ALLOWED, 'Only agents and admins resolve problems.', 'id');
      const problem = await ticketToChange(em, actor, command.id, 'id');
      if (problem.type !== TicketType.PROBLEM) fail(UserErrorCode.INVALID_INPUT, `${ticketKey(problem.type, problem.number)} is not a problem.`, 'id');
      const tickets = new TicketsService({ em, viewer: actor });
      const resolved = await tickets.changeTicketStatus({ id: problem.id, expectedVersion: command.expectedVersion, status: TicketStatus.RESOLVED, resolution: command.resolution });
      if (!command.resolveIncidents) return { problem: resolved, incidents: [] };
      const links = await em.find(
        TicketLink,
        { to: problem.id, kind: TicketLinkKind.CAUSED_BY, from: { type: TicketType.INCIDENT, status: { $in: [...OPEN_STATUSES] } } },
        { populate: ['from'], orderBy: { from: { number: 'ASC' } } },
      );
      const key = ticketKey(problem.type, problem.number);
      const resolution = `Resolved with problem ${key}: ${command.resolution.trim()}`.slice(0, MAX_TEXT);
      const incidents: Ticket[] = [];
      for (const link of links) {
        const incident = link.from.getEntity();
        try {
          incidents.push(await tickets.changeTicketStatus({ id: incident.id, status: TicketStatus.RESOLVED, resolution }));
        } catch (error) {
          // Reported on the flag that asked for it, naming the incident: the problem stays open too.
          if (!(error instanceof DomainError)) throw error;
          const incidentKey = ticketKey(incident.type, incident.number);
          throw new DomainError(error.errors.map((problemError) => ({ ...problemError, message: `${incidentKey}: ${problemError.message}`, field: 'resolveIncidents' })));
        }
      }
      return { problem: resolved, incidents };
    });
  }

  /**
   * Asks the named approvers (active agents or admins other than the asker) to approve a change
   * carried out in `window`. Asking again replaces a pending request or opens a new round after a
   * rejection; an approved change is settled.
   */
  async requestApproval(command: RequestChangeApprovalCommand): Promise<Ticket> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      if (!ticketsPolicy.canWork(actor)) fail(UserErrorCode.NOT_ALLOWED, 'Only agents and admins request change approval.', 'id');
      const ticket = await ticketToChange(em, actor, command.id, 'id');
      const problems = new Problems();
      if (ticket.type !== TicketType.CHANGE) problems.add(UserErrorCode.INVALID_INPUT, `${ticketKey(ticket.type, ticket.number)} is not a change.`, 'id');
      else if (CLOSED_STATUSES.includes(ticket.status)) problems.add(UserErrorCode.NOT_ALLOWED, `A ${ticket.status} change needs no approval.`, 'id');
      const approverIds = [...new Set(command.approverIds)];
      if (approverIds.length === 0) problems.add(UserErrorCode.INVALID_INPUT, 'Name at least one approver.', 'approverIds');
      if (approverIds.length > MAX_APPROVERS) problems.add(UserErrorCode.INVALID_INPUT, `At most ${MAX_APPROVERS} approvers.`, 'approverIds');
      if (!(command.windowStart.getTime() < command.windowEnd.getTime())) problems.add(UserErrorCode.INVALID_INPUT, 'The window must end after it starts.', ['window', 'end']);
      problems.throwIfAny();
      const users = await em.find(User, { id: { $in: approverIds } });
      for (const [index, id] of command.approverIds.entries()) {
        const user = users.find((candidate) => candidate.id === id);
        const field = ['approverIds', String(index)];
        if (!user || !user.active) problems.add(UserErrorCode.NOT_FOUND, 'No active user has this id.', field);
        else if (user.role !== Role.AGENT && user.role !== Role.ADMIN) problems.add(UserErrorCode.INVALID_INPUT, `${user.name} cannot approve changes (agents and admins do).`, field);
        else if (user.id === actor.id) problems.add(UserErrorCode.NOT_ALLOWED, 'Ask someone else: nobody approves their own request.', field);
      }
      problems.throwIfAny();

      const existing = await em.findOne(ChangeApproval, { ticket: ticket.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (existing?.status === ChangeApprovalStatus.APPROVED) fail(UserErrorCode.NOT_ALLOWED, 'This change is already approved.', 'id');
      const before = { status: existing?.status ?? null, window: windowValue(existing) };
      const now = new Date();
      let approval: ChangeApproval;
      if (existing) {
        approval = existing;
        Object.assign(approval, { status: ChangeApprovalStatus.REQUESTED, windowStart: command.windowStart, windowEnd: command.windowEnd, requestedAt: now, decidedBy: null, decidedAt: null, comment: null });
        approval.requestedBy = ref(em.getReference(User, actor.id));
        await em.nativeDelete(ChangeApprover, { approval: ticket.id });
      } else {
        approval = em.create(ChangeApproval, { ticket, windowStart: command.windowStart, windowEnd: command.windowEnd, requestedBy: actor.id, requestedAt: now });
      }
      for (const id of approverIds) em.create(ChangeApprover, { approval, user: id });
      const log = new TicketChangeLog(ticket, actor.id).add([
        { field: 'approval', from: before.status, to: { status: ChangeApprovalStatus.REQUESTED, approvers: approverIds.map((id) => toGlobalId('User', id)) } },
      ]);
      const window = windowValue(approval);
      if (JSON.stringify(before.window) !== JSON.stringify(window)) log.add([{ field: 'window', from: before.window, to: window }]);
      await log.write(em, TicketEventKind.UPDATED, { at: now });
      return ticket;
    });
  }

  /** One of the named approvers approves or rejects; the first decision stands (the approval row is locked while deciding). */
  async decide(command: DecideChangeCommand): Promise<Ticket> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      const ticket = await ticketToChange(em, actor, command.id, 'id');
      const problems = new Problems();
      checkText(problems, command.comment, 'comment', 2000);
      if (ticket.type !== TicketType.CHANGE) problems.add(UserErrorCode.INVALID_INPUT, `${ticketKey(ticket.type, ticket.number)} is not a change.`, 'id');
      problems.throwIfAny();
      const approval = await em.findOne(ChangeApproval, { ticket: ticket.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!approval) fail(UserErrorCode.NOT_ALLOWED, 'No approval was requested for this change.', 'id');
      if (!(await em.count(ChangeApprover, { approval: ticket.id, user: actor.id }))) {
        fail(UserErrorCode.NOT_ALLOWED, 'Only the approvers named in the request decide.', 'id');
      }
      if (approval.status !== ChangeApprovalStatus.REQUESTED) {
        fail(UserErrorCode.NOT_ALLOWED, `This change is already ${approval.status}: the first decision stands.`, 'approve');
      }
      const now = new Date();
      approval.status = command.approve ? ChangeApprovalStatus.APPROVED : ChangeApprovalStatus.REJECTED;
      approval.decidedBy = ref(em.getReference(User, actor.id));
      approval.decidedAt = now;
      approval.comment = command.comment?.trim() || null;
      await new TicketChangeLog(ticket, actor.id)
        .add([{ field: 'approval', from: ChangeApprovalStatus.REQUESTED, to: { status: approval.status, ...(approval.comment ? { comment: approval.comment } : {}) } }])
        .write(em, TicketEventKind.UPDATED, { at: now });
      return ticket;
    });
  }
}
