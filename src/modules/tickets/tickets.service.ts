import { ref, UniqueConstraintViolationException, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer';
import { diff, type FieldChange } from '../../db/field-changes';
import { rowToChange } from '../../db/row-to-change';
import type { ServiceContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { type ConnectionArgs, paginate, type SortKey } from '../../graphql/relay';
import { fail, Problems, UserErrorCode, type UserErrorShape } from '../../graphql/user-errors';
import { checkRange, checkText, checkVersion, normalizeTags } from '../../validation';
import { Asset } from '../assets/assets.entities';
import { assetsPolicy } from '../assets/assets.policy';
import { Group, GroupMembership, User } from '../users/users.entities';
import { Ticket, TicketAsset, TicketComment, TicketLink } from './tickets.entities';
import {
  ALLOWED_TRANSITIONS,
  Channel,
  Impact,
  Priority,
  priorityOf,
  TicketLinkKind,
  TicketStatus,
  TicketType,
  Urgency,
} from './tickets.enums';
import { transactionWithEvents } from '../events/outbox';
import { criteriaToQuery, type TicketCriteria } from './tickets.filter';
import { TicketChangeLog, TicketEventKind } from './tickets.history';
import { ticketsPolicy } from './tickets.policy';

export const MAX_TITLE = 200;
const MAX_TEXT = 20000;

export interface CreateTicketCommand {
  type: TicketType;
  title: string;
  description?: string;
  impact?: Impact;
  urgency?: Urgency;
  category?: string;
  tags?: string[];
  channel?: Channel;
  requesterId?: string;
  groupId?: string;
  assigneeId?: string;
  assetIds?: string[];
  idempotencyKey?: string;
}

export interface UpdateTicketCommand {
  id: string;
  expectedVersion?: number | null;
  title?: string;
  description?: string;
  impact?: Impact;
  urgency?: Urgency;
  /** null removes the override. */
  priorityOverride?: Priority | null;
  category?: string | null;
  tags?: string[];
  assetIds?: string[];
}

export interface AssignTicketCommand {
  id: string;
  expectedVersion?: number | null;
  /** null takes the ticket out of its group (and from its assignee). */
  groupId?: string | null;
  /** null unassigns. */
  assigneeId?: string | null;
}

export interface ChangeTicketStatusCommand {
  id: string;
  expectedVersion?: number | null;
  status: TicketStatus;
  resolution?: string;
}

export interface AddCommentCommand {
  ticketId: string;
  body: string;
  internal?: boolean;
}

export interface LinkTicketsCommand {
  fromId: string;
  toId: string;
  kind: TicketLinkKind;
}

export interface RateTicketCommand {
  id: string;
  rating: number;
  comment?: string;
}

export type TicketOrderField = 'CREATED_AT' | 'UPDATED_AT' | 'PRIORITY' | 'NUMBER' | 'SLA_DUE';

/** Each order ends with the id, so that it is total and keyset cursors are exact. */
const ORDERS: Record<TicketOrderField, (direction: 'ASC' | 'DESC') => SortKey<Ticket>[]> = {
  CREATED_AT: (direction) => [{ field: 'createdAt', direction }, { field: 'id', direction }],
  UPDATED_AT: (direction) => [{ field: 'updatedAt', direction }, { field: 'id', direction }],
  // P1 first when ascending; the oldest first among equals, as a queue is worked.
  PRIORITY: (direction) => [{ field: 'priority', direction }, { field: 'createdAt', direction }, { field: 'id', direction }],
  NUMBER: (direction) => [{ field: 'number', direction }],
  // ASC: the nearest running due time first; tickets with no running clock last.
  SLA_DUE: (direction) => [{ field: 'slaDueAt', direction }, { field: 'id', direction }],
};

/** What a ticket looks like to its history: the fields a command may change, ids as global ids. */
function snapshot(ticket: Ticket): Record<string, unknown> {
  return {
    title: ticket.title,
    description: ticket.description,
    impact: ticket.impact,
    urgency: ticket.urgency,
    priorityOverride: ticket.priorityOverride,
    priority: ticket.priority,
    category: ticket.category,
    tags: ticket.tags,
    group: ticket.group ? toGlobalId('Group', ticket.group.id) : null,
    assignee: ticket.assignee ? toGlobalId('User', ticket.assignee.id) : null,
    status: ticket.status,
    resolution: ticket.resolution,
    firstRespondedAt: ticket.firstRespondedAt?.toISOString() ?? null,
    resolvedAt: ticket.resolvedAt?.toISOString() ?? null,
    closedAt: ticket.closedAt?.toISOString() ?? null,
    reopenedCount: ticket.reopenedCount,
  };
}

/**
 * A rule another domain adds to status moves (e.g. a change is resolved only once approved): a
 * refusal, or null to let the move through. It runs inside changeTicketStatus, after the workflow
 * allowed the move; its refusal is reported with the command's other problems (field `status`
 * unless it names one). Tickets never import the domains that register here.
 */
export type TicketStatusGuard = (em: EntityManager, ticket: Ticket, to: TicketStatus) => Promise<UserErrorShape | null>;
export const ticketStatusGuards: TicketStatusGuard[] = [];

/**
 * The ticket a command changes, locked to the end of its transaction, or NOT_FOUND when it does not
 * exist or the actor may not see it. Commands on one ticket take turns from here: unlocked, the
 * second of two would read the ticket before the first committed and fail its version check,
 * though its client never named a version. Tickets are the first rows a command locks (outbox.ts).
 */
export async function ticketToChange(em: EntityManager, actor: Viewer, id: string, field: string): Promise<Ticket> {
  return rowToChange(em, Ticket, id, 'No ticket has this id.', field, (ticket) => ticketsPolicy.canSee(actor, ticket));
}

/** The ticket lifecycle: every rule of opening, working, commenting, linking and rating tickets. */
export class TicketsService {
  constructor(private readonly ctx: ServiceContext) {}

  private get actor(): Viewer {
    if (!this.ctx.viewer) throw new Error('ticket commands need an acting user');
    return this.ctx.viewer;
  }

  list(viewer: Viewer, criteria: TicketCriteria, order: { field: TicketOrderField; direction: 'ASC' | 'DESC' }, args: ConnectionArgs) {
    const where = { $and: [ticketsPolicy.scope(viewer), criteriaToQuery(this.ctx.em, criteria)] } as FilterQuery<Ticket>;
    return paginate(this.ctx.em, Ticket, where, ORDERS[order.field](order.direction), args);
  }

  async createTicket(command: CreateTicketCommand): Promise<Ticket> {
    const actor = this.actor;
    if (command.idempotencyKey) {
      const earlier = await this.ctx.em.findOne(Ticket, { createdBy: actor.id, idempotencyKey: command.idempotencyKey });
      if (earlier) return earlier;
    }
    try {
      return await transactionWithEvents(this.ctx.em, async (em) => {
        return this.create(em, actor, command);
      });
    } catch (error) {
      // Two retries raced: the one that lost returns the ticket the other created.
      if (error instanceof UniqueConstraintViolationException && command.idempotencyKey) {
        const winner = await this.ctx.em.fork().findOne(Ticket, { createdBy: actor.id, idempotencyKey: command.idempotencyKey });
        if (winner) return winner;
      }
      throw error;
    }
  }

  private async create(em: EntityManager, actor: Viewer, command: CreateTicketCommand): Promise<Ticket> {
    const problems = new Problems();
    checkText(problems, command.title, 'title', MAX_TITLE);
    checkText(problems, command.description || undefined, 'description', MAX_TEXT);
    checkText(problems, command.category, 'category', 100);
    checkText(problems, command.idempotencyKey, 'idempotencyKey', 200);
    const tags = normalizeTags(problems, command.tags) ?? [];
    const naming = command.requesterId !== undefined && command.requesterId !== actor.id;
    if (naming && !ticketsPolicy.canActForOthers(actor)) {
      problems.add(UserErrorCode.NOT_ALLOWED, 'Only agents and admins open tickets for someone else.', 'requesterId');
    }
    if ((command.groupId || command.assigneeId) && !ticketsPolicy.canWork(actor)) {
      problems.add(UserErrorCode.NOT_ALLOWED, 'Only agents and admins assign tickets.', command.groupId ? 'groupId' : 'assigneeId');
    }
    problems.throwIfAny();

    const requester = await em.findOne(User, command.requesterId ?? actor.id);
    if (!requester || !requester.active) fail(UserErrorCode.NOT_FOUND, 'No active user has this id.', 'requesterId');
    const impact = command.impact ?? Impact.MEDIUM;
    const urgency = command.urgency ?? Urgency.MEDIUM;
    const ticket = em.create(Ticket, {
      type: command.type,
      title: command.title.trim(),
      description: command.description?.trim() ?? '',
      impact,
      urgency,
      priority: priorityOf(impact, urgency),
      category: command.category?.trim() || null,
      tags,
      channel: command.channel ?? Channel.PORTAL,
      requester,
      organization: requester.organization,
      createdBy: actor.id,
      idempotencyKey: command.idempotencyKey ?? null,
    });
    if (command.groupId !== undefined || command.assigneeId !== undefined) {
      await this.placeInGroup(em, ticket, command.groupId ?? null, command.assigneeId ?? null);
    }
    if (command.assetIds?.length) await this.setAssets(em, ticket, actor, command.assetIds);
    await new TicketChangeLog(ticket, actor.id, { created: true })
      .add([{ field: 'created', from: null, to: { type: ticket.type, status: ticket.status } }])
      .write(em, TicketEventKind.CREATED);
    return ticket;
  }

  async updateTicket(command: UpdateTicketCommand): Promise<Ticket> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      const ticket = await ticketToChange(em, actor, command.id, 'id');
      const problems = new Problems();
      checkVersion(problems, ticket.version, command.expectedVersion);
      checkText(problems, command.title, 'title', MAX_TITLE);
      checkText(problems, command.description || undefined, 'description', MAX_TEXT);
      checkText(problems, command.category, 'category', 100);
      const tags = normalizeTags(problems, command.tags);
      if (!ticketsPolicy.canWork(actor)) {
        const staffOnly = (['priorityOverride', 'category', 'tags', 'assetIds'] as const).filter((field) => command[field] !== undefined);
        for (const field of staffOnly) problems.add(UserErrorCode.NOT_ALLOWED, `Only agents and admins change ${field}.`, field);
      }
      if ([TicketStatus.CLOSED, TicketStatus.CANCELLED].includes(ticket.status)) {
        problems.add(UserErrorCode.NOT_ALLOWED, `A ${ticket.status.toLowerCase()} ticket cannot change.`, 'id');
      }
      problems.throwIfAny();

      const log = new TicketChangeLog(ticket, actor.id);
      const before = snapshot(ticket);
      if (command.title !== undefined) ticket.title = command.title.trim();
      if (command.description !== undefined) ticket.description = command.description.trim();
      if (command.impact !== undefined) ticket.impact = command.impact;
      if (command.urgency !== undefined) ticket.urgency = command.urgency;
      if (command.priorityOverride !== undefined) ticket.priorityOverride = command.priorityOverride;
      if (command.category !== undefined) ticket.category = command.category?.trim() || null;
      if (tags !== undefined) ticket.tags = tags;
      ticket.priority = ticket.priorityOverride ?? priorityOf(ticket.impact, ticket.urgency);
      const changes = diff(before, snapshot(ticket));
      if (command.assetIds !== undefined) changes.push(...(await this.setAssets(em, ticket, actor, command.assetIds)));
      if (changes.length) ticket.updatedAt = new Date();
      await log.add(changes).write(em, TicketEventKind.UPDATED);
      return ticket;
    });
  }

  async assignTicket(command: AssignTicketCommand): Promise<Ticket> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      const ticket = await ticketToChange(em, actor, command.id, 'id');
      const problems = new Problems();
      checkVersion(problems, ticket.version, command.expectedVersion);
      if (!ticketsPolicy.canWork(actor)) problems.add(UserErrorCode.NOT_ALLOWED, 'Only agents and admins assign tickets.', 'id');
      problems.throwIfAny();
      const log = new TicketChangeLog(ticket, actor.id);
      const before = snapshot(ticket);
      const groupId = command.groupId === undefined ? (ticket.group?.id ?? null) : command.groupId;
      // A new group without a named assignee keeps the assignee only if they belong to it.
      const assigneeId = command.assigneeId === undefined ? (ticket.assignee?.id ?? null) : command.assigneeId;
      await this.placeInGroup(em, ticket, groupId, assigneeId, command.assigneeId === undefined);
      const changes = diff(before, snapshot(ticket));
      if (changes.length) ticket.updatedAt = new Date();
      await log.add(changes).write(em, TicketEventKind.ASSIGNED);
      return ticket;
    });
  }

  /**
   * Sets group and assignee. The assignee must be an active member of the group; with
   * `dropForeignAssignee`, an assignee outside the group is cleared instead of refused.
   */
  private async placeInGroup(em: EntityManager, ticket: Ticket, groupId: string | null, assigneeId: string | null, dropForeignAssignee = false) {
    const group = groupId ? await em.findOne(Group, groupId) : null;
    if (groupId && !group) fail(UserErrorCode.NOT_FOUND, 'No group has this id.', 'groupId');
    let assignee: User | null = null;
    if (assigneeId) {
      const member = group ? await em.findOne(GroupMembership, { group: group.id, user: assigneeId }, { populate: ['user'] }) : null;
      if (member && member.user.getEntity().active) {
        assignee = member.user.getEntity();
      } else if (!dropForeignAssignee) {
        const exists = await em.count(User, { id: assigneeId });
        if (!exists) fail(UserErrorCode.NOT_FOUND, 'No user has this id.', 'assigneeId');
        fail(UserErrorCode.INVALID_INPUT, group ? 'The assignee must be an active member of the group.' : 'Give the group the assignee works in.', group ? 'assigneeId' : 'groupId');
      }
    }
    ticket.group = group ? ref(group) : null;
    ticket.assignee = assignee ? ref(assignee) : null;
  }

  async changeTicketStatus(command: ChangeTicketStatusCommand): Promise<Ticket> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      const ticket = await ticketToChange(em, actor, command.id, 'id');
      const problems = new Problems();
      checkVersion(problems, ticket.version, command.expectedVersion);
      if (!ALLOWED_TRANSITIONS[ticket.status].includes(command.status)) {
        problems.add(UserErrorCode.INVALID_TRANSITION, `A ${ticket.status} ticket cannot move to ${command.status}.`, 'status');
      } else if (!ticketsPolicy.canMoveStatus(actor, ticket.status, command.status)) {
        problems.add(UserErrorCode.NOT_ALLOWED, 'Requesters may cancel their ticket, or close or reopen it once resolved.', 'status');
      } else {
        for (const guard of ticketStatusGuards) {
          const refusal = await guard(em, ticket, command.status);
          if (refusal) problems.add(refusal.code, refusal.message, refusal.field ?? 'status');
        }
      }
      if (command.status === TicketStatus.RESOLVED && !command.resolution?.trim()) {
        problems.add(UserErrorCode.INVALID_INPUT, 'Say how the ticket was resolved.', 'resolution');
      }
      checkText(problems, command.resolution, 'resolution', MAX_TEXT);
      problems.throwIfAny();
      const log = new TicketChangeLog(ticket, actor.id);
      const before = snapshot(ticket);
      this.moveTo(ticket, command.status, command.resolution);
      await log.add(diff(before, snapshot(ticket))).write(em, TicketEventKind.STATUS_CHANGED);
      return ticket;
    });
  }

  /** Applies a status move and the timestamps that go with it (the move is already allowed). */
  private moveTo(ticket: Ticket, status: TicketStatus, resolution?: string): void {
    const now = new Date();
    if (status === TicketStatus.RESOLVED) {
      ticket.resolvedAt = now;
      ticket.resolution = resolution!.trim();
    } else if (status === TicketStatus.CLOSED) {
      ticket.closedAt = now;
    } else if (status === TicketStatus.CANCELLED) {
      ticket.closedAt = now;
    } else if (ticket.status === TicketStatus.RESOLVED && status === TicketStatus.OPEN) {
      ticket.reopenedCount += 1;
      ticket.resolvedAt = null;
      ticket.resolution = null;
    }
    ticket.status = status;
    ticket.updatedAt = now;
  }

  async addComment(command: AddCommentCommand): Promise<TicketComment> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      const ticket = await ticketToChange(em, actor, command.ticketId, 'ticketId');
      const problems = new Problems();
      checkText(problems, command.body, 'body', MAX_TEXT);
      if (command.internal && !ticketsPolicy.canWork(actor)) {
        problems.add(UserErrorCode.NOT_ALLOWED, 'Only agents and admins write internal notes.', 'internal');
      }
      if (!ticketsPolicy.canComment(actor)) problems.add(UserErrorCode.NOT_ALLOWED, 'Analysts only read tickets.', 'ticketId');
      if ([TicketStatus.CLOSED, TicketStatus.CANCELLED].includes(ticket.status)) {
        problems.add(UserErrorCode.NOT_ALLOWED, `A ${ticket.status.toLowerCase()} ticket takes no more comments.`, 'ticketId');
      }
      problems.throwIfAny();

      const internal = command.internal ?? false;
      const now = new Date();
      const log = new TicketChangeLog(ticket, actor.id);
      const comment = em.create(TicketComment, { ticket, author: actor.id, body: command.body.trim(), internal, createdAt: now });
      log.add([{ field: 'comment', from: null, to: toGlobalId('Comment', comment.id) }], { internal });
      const before = snapshot(ticket);
      if (!internal && ticketsPolicy.canWork(actor) && !ticket.firstRespondedAt) ticket.firstRespondedAt = now;
      // The requester answered what the desk was waiting for.
      if (!internal && ticket.status === TicketStatus.PENDING && ticket.requester.id === actor.id) this.moveTo(ticket, TicketStatus.OPEN);
      const changes = diff(before, snapshot(ticket));
      if (changes.length) {
        ticket.updatedAt = now;
      } else {
        // A plain comment refreshes updatedAt without bumping the version (which MikroORM's
        // nativeUpdate would do): an agent's edit in progress stays valid.
        await em.execute('update tickets set updated_at = ? where id = ?', [now, ticket.id]);
      }
      await log.add(changes).write(em, TicketEventKind.COMMENTED, { commentId: comment.id, at: now, updatedAt: now });
      return comment;
    });
  }

  async linkTickets(command: LinkTicketsCommand): Promise<TicketLink> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      if (!ticketsPolicy.canWork(actor)) fail(UserErrorCode.NOT_ALLOWED, 'Only agents and admins link tickets.', 'fromId');
      // Both rows, in one order, before either end's change log locks its own (outbox.ts: lock order).
      await em.execute('select id from tickets where id = any(?::uuid[]) order by id for no key update', [`{${[command.fromId, command.toId].join(',')}}`]);
      const from = await ticketToChange(em, actor, command.fromId, 'fromId');
      const to = await ticketToChange(em, actor, command.toId, 'toId');
      if (from.id === to.id) fail(UserErrorCode.INVALID_INPUT, 'A ticket cannot be linked to itself.', 'toId');
      if (command.kind === TicketLinkKind.CAUSED_BY && ![TicketType.PROBLEM, TicketType.CHANGE].includes(to.type)) {
        fail(UserErrorCode.INVALID_INPUT, 'A ticket is caused by a problem or a change.', 'toId');
      }
      const existing = await em.findOne(TicketLink, {
        $or: [
          { from: from.id, to: to.id, kind: command.kind },
          { from: to.id, to: from.id, kind: command.kind },
        ],
      });
      if (existing) fail(UserErrorCode.ALREADY_EXISTS, 'These tickets are already linked this way.', 'kind');
      const link = em.create(TicketLink, { from, to, kind: command.kind, createdBy: actor.id });
      // Each end's subscribers hear of the link on their own ticket's stream.
      await new TicketChangeLog(from, actor.id)
        .add([{ field: 'link', from: null, to: { kind: command.kind, direction: 'OUTGOING', ticket: toGlobalId('Ticket', to.id) } }])
        .write(em, TicketEventKind.LINKED);
      await new TicketChangeLog(to, actor.id)
        .add([{ field: 'link', from: null, to: { kind: command.kind, direction: 'INCOMING', ticket: toGlobalId('Ticket', from.id) } }])
        .write(em, TicketEventKind.LINKED);
      return link;
    });
  }

  async rateTicket(command: RateTicketCommand): Promise<Ticket> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      const ticket = await ticketToChange(em, actor, command.id, 'id');
      const problems = new Problems();
      checkRange(problems, command.rating, 'rating', 1, 5);
      checkText(problems, command.comment, 'comment', 2000);
      if (!ticketsPolicy.canRate(actor, ticket)) problems.add(UserErrorCode.NOT_ALLOWED, 'Only the requester rates a ticket.', 'id');
      else if (![TicketStatus.RESOLVED, TicketStatus.CLOSED].includes(ticket.status)) {
        problems.add(UserErrorCode.NOT_ALLOWED, 'A ticket is rated once it is resolved.', 'id');
      } else if (ticket.rating !== null) problems.add(UserErrorCode.NOT_ALLOWED, 'This ticket has been rated already.', 'id');
      problems.throwIfAny();
      const log = new TicketChangeLog(ticket, actor.id);
      ticket.rating = command.rating;
      ticket.ratingComment = command.comment?.trim() || null;
      ticket.ratedAt = new Date();
      await log.add([{ field: 'rating', from: null, to: command.rating }]).write(em, TicketEventKind.UPDATED);
      return ticket;
    });
  }


  /** Replaces the ticket's assets with ones the actor may see; returns the history change. */
  private async setAssets(em: EntityManager, ticket: Ticket, actor: Viewer, assetIds: string[]): Promise<FieldChange[]> {
    const wanted = [...new Set(assetIds)];
    const assets = await em.find(Asset, { id: { $in: wanted } });
    for (const [index, id] of assetIds.entries()) {
      const asset = assets.find((candidate) => candidate.id === id);
      if (!asset || !assetsPolicy.canSeeAsset(actor, asset)) fail(UserErrorCode.NOT_FOUND, 'No asset has this id.', ['assetIds', String(index)]);
    }
    const current = (await em.find(TicketAsset, { ticket: ticket.id })).map((link) => link.asset.id);
    const toGlobal = (ids: string[]) => [...ids].sort().map((id) => toGlobalId('Asset', id));
    if (JSON.stringify(toGlobal(current)) === JSON.stringify(toGlobal(wanted))) return [];
    await em.nativeDelete(TicketAsset, { ticket: ticket.id, asset: { $nin: wanted } });
    for (const asset of assets) if (!current.includes(asset.id)) em.create(TicketAsset, { ticket, asset });
    return [{ field: 'assets', from: toGlobal(current), to: toGlobal(wanted) }];
  }
}

