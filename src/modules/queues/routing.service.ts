import { ref, type EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../auth/roles';
import type { ServiceContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkRange, checkText, checkVersion } from '../../validation';
import { transactionWithEvents } from '../events/outbox';
import { Ticket } from '../tickets/tickets.entities';
import { OPEN_STATUSES } from '../tickets/tickets.enums';
import { criteriaToQuery, type TicketCriteria } from '../tickets/tickets.filter';
import { type TicketChange, TicketChangeLog, TicketEventKind, type TicketState, ticketState } from '../tickets/tickets.history';
import { matchesCriteria } from '../tickets/tickets.match';
import { ticketToChange } from '../tickets/tickets.service';
import { ticketsPolicy } from '../tickets/tickets.policy';
import { Group, GroupMembership, User } from '../users/users.entities';
import { RoutingRule } from './queues.entities';
import { Assignment } from './queues.enums';
import { toCriteria } from './queues.reactor';
import { checkCriteriaIds, toStored } from './queues.service';
import { rowToChange } from '../../db/row-to-change';

export interface RoutingRuleCommand {
  name: string;
  position: number;
  match: TicketCriteria;
  groupId: string;
  assignment?: Assignment;
}

export interface UpdateRoutingRuleCommand extends Partial<RoutingRuleCommand> {
  id: string;
  expectedVersion?: number | null;
}

async function ruleMatches(em: EntityManager, rule: RoutingRule, state: TicketState): Promise<boolean> {
  const criteria = toCriteria(rule.match);
  const answer = matchesCriteria(criteria, state);
  if (answer !== 'sql') return answer;
  return (await em.count(Ticket, { $and: [{ id: state.id }, criteriaToQuery(em, criteria)] })) > 0;
}

/** Active agents and admins of a group, by id: the people a ticket may be assigned to there. */
async function assignableMembers(em: EntityManager, groupId: string): Promise<string[]> {
  const members = await em.find(GroupMembership, { group: groupId, user: { active: true, role: { $in: [Role.AGENT, Role.ADMIN] } } }, { orderBy: { user: { id: 'ASC' } } });
  return members.map((member) => member.user.id);
}

/**
 * The assignee a rule picks inside its group. It locks the rule's row first: two instances routing
 * at once take turns on it, so a ROUND_ROBIN rotation never skips or doubles (its place is kept in
 * the database across restarts) and LEAST_LOADED counts the open tickets with the previous pick
 * committed. LEAST_LOADED takes the member with the fewest open tickets.
 */
async function pickAssignee(em: EntityManager, rule: RoutingRule): Promise<string | null> {
  if (rule.assignment === Assignment.NONE) return null;
  const members = await assignableMembers(em, rule.group.id);
  if (!members.length) return null;
  const [row] = await em.execute<{ last_assignee_id: string | null }[]>('select last_assignee_id from routing_rules where id = ? for update', [rule.id]);
  if (rule.assignment === Assignment.ROUND_ROBIN) {
    const next = members.find((id) => row?.last_assignee_id !== null && row?.last_assignee_id !== undefined && id > row.last_assignee_id) ?? members[0];
    await em.execute('update routing_rules set last_assignee_id = ? where id = ?', [next, rule.id]);
    return next;
  }
  const [least] = await em.execute<{ user_id: string }[]>(
    `select m.user_id from unnest(?::uuid[]) as m(user_id)
       left join tickets t on t.assignee_id = m.user_id and t.status = any(?::ticket_status[])
      group by m.user_id order by count(t.id), m.user_id limit 1`,
    [`{${members.join(',')}}`, `{${OPEN_STATUSES.join(',')}}`],
  );
  return least.user_id;
}

/** Moves a ticket to a group (and an assignee), recording it like any change. */
async function place(em: EntityManager, ticketId: string, group: Group, assigneeId: string | null, actorId: string | null, extra: { field: string; to: unknown }[] = []) {
  const ticket = await em.findOneOrFail(Ticket, ticketId);
  const log = new TicketChangeLog(ticket, actorId);
  const before = { group: ticket.group?.id ?? null, assignee: ticket.assignee?.id ?? null };
  ticket.group = ref(group);
  if (assigneeId !== undefined) ticket.assignee = assigneeId ? ref(em.getReference(User, assigneeId)) : null;
  ticket.updatedAt = new Date();
  const groupId = (id: string | null) => id && toGlobalId('Group', id);
  const userId = (id: string | null) => id && toGlobalId('User', id);
  const changes = [
    ...(before.group !== group.id ? [{ field: 'group', from: groupId(before.group), to: groupId(group.id) }] : []),
    ...(before.assignee !== (ticket.assignee?.id ?? null) ? [{ field: 'assignee', from: userId(before.assignee), to: userId(ticket.assignee?.id ?? null) }] : []),
    ...extra.map((entry) => ({ field: entry.field, from: null, to: entry.to })),
  ];
  await log.add(changes).write(em, TicketEventKind.ASSIGNED);
  return ticket;
}

/**
 * Routing of new tickets: a ticket opened without a group takes the group of the first matching
 * rule by position, and an assignee as the rule says. It runs in the creation's transaction, as a
 * change of the system's (no actor), with history and events.
 */
export async function routeNewTicket(em: EntityManager, change: TicketChange): Promise<void> {
  if (change.kind !== TicketEventKind.CREATED || change.after.groupId) return;
  const rules = await em.find(RoutingRule, {}, { orderBy: { position: 'ASC', createdAt: 'ASC' }, populate: ['group'] });
  for (const rule of rules) {
    if (!(await ruleMatches(em, rule, change.after))) continue;
    await place(em, change.after.id, rule.group.getEntity(), await pickAssignee(em, rule), null);
    return;
  }
}

/** Routing rules (admins) and escalation between support tiers. */
export class RoutingService {
  constructor(private readonly ctx: ServiceContext) {}

  list(): Promise<RoutingRule[]> {
    return this.ctx.em.find(RoutingRule, {}, { orderBy: { position: 'ASC', createdAt: 'ASC' } });
  }

  async createRule(command: RoutingRuleCommand): Promise<RoutingRule> {
    return this.ctx.em.transactional(async (em) => {
      await this.check(em, command);
      return em.create(RoutingRule, {
        name: command.name.trim(),
        position: command.position,
        match: toStored(command.match),
        group: command.groupId,
        assignment: command.assignment ?? Assignment.NONE,
      });
    });
  }

  async updateRule(command: UpdateRoutingRuleCommand): Promise<RoutingRule> {
    return this.ctx.em.transactional(async (em) => {
      const rule = await rowToChange(em, RoutingRule, command.id, 'No routing rule has this id.');
      const problems = new Problems();
      checkVersion(problems, rule.version, command.expectedVersion);
      problems.throwIfAny();
      const merged: RoutingRuleCommand = {
        name: command.name ?? rule.name,
        position: command.position ?? rule.position,
        match: command.match ?? toCriteria(rule.match),
        groupId: command.groupId ?? rule.group.id,
        assignment: command.assignment ?? rule.assignment,
      };
      await this.check(em, merged);
      rule.name = merged.name.trim();
      rule.position = merged.position;
      rule.match = toStored(merged.match);
      rule.group = ref(em.getReference(Group, merged.groupId));
      rule.assignment = merged.assignment!;
      return rule;
    });
  }

  async deleteRule(id: string): Promise<RoutingRule> {
    return this.ctx.em.transactional(async (em) => {
      const rule = await rowToChange(em, RoutingRule, id, 'No routing rule has this id.');
      em.remove(rule);
      return rule;
    });
  }

  /**
   * Moves a ticket up one support tier: to the group of the first rule that matches it and points
   * at the next tier, else to the next tier's first group by name. An assignee who is not in the
   * new group is cleared, the reason is recorded, and a rule for that group assigns as it says.
   */
  async escalate(ticketId: string, expectedVersion: number | null | undefined, reason: string): Promise<Ticket> {
    const actor = this.ctx.viewer!;
    return transactionWithEvents(this.ctx.em, async (em) => {
      const ticket = await ticketToChange(em, actor, ticketId, 'id');
      await em.populate(ticket, ['group']);
      const problems = new Problems();
      checkVersion(problems, ticket.version, expectedVersion);
      checkText(problems, reason, 'reason', 2000);
      if (!ticketsPolicy.canWork(actor)) problems.add(UserErrorCode.NOT_ALLOWED, 'Only agents and admins escalate tickets.', 'id');
      problems.throwIfAny();
      const tier = (ticket.group?.getEntity().tier ?? 0) + 1;
      const state = ticketState(ticket);
      const rules = await em.find(RoutingRule, { group: { tier } }, { orderBy: { position: 'ASC' }, populate: ['group'] });
      let rule: RoutingRule | null = null;
      for (const candidate of rules) {
        if (await ruleMatches(em, candidate, state)) {
          rule = candidate;
          break;
        }
      }
      const group = rule?.group.getEntity() ?? (await em.findOne(Group, { tier }, { orderBy: { name: 'ASC' } }));
      if (!group) fail(UserErrorCode.NOT_ALLOWED, `There is no tier ${tier} group to escalate to.`, 'id');
      const members = await assignableMembers(em, group.id);
      const keeps = ticket.assignee && members.includes(ticket.assignee.id) ? ticket.assignee.id : null;
      const assignee = rule ? ((await pickAssignee(em, rule)) ?? keeps) : keeps;
      return place(em, ticket.id, group, assignee, actor.id, [{ field: 'escalation', to: { tier, reason: reason.trim() } }]);
    });
  }

  private async check(em: EntityManager, command: RoutingRuleCommand): Promise<void> {
    const problems = new Problems();
    checkText(problems, command.name, 'name', 100);
    checkRange(problems, command.position, 'position', 0, 1_000_000);
    problems.throwIfAny();
    await checkCriteriaIds(em, command.match, 'match');
    const group = await em.findOne(Group, command.groupId);
    if (!group) fail(UserErrorCode.NOT_FOUND, 'No group has this id.', 'groupId');
    if ((command.assignment ?? Assignment.NONE) !== Assignment.NONE && !(await assignableMembers(em, group.id)).length) {
      fail(UserErrorCode.INVALID_INPUT, `${group.name} has no active agent to assign to.`, 'assignment');
    }
  }
}
