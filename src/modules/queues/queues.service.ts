import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { ServiceContext } from '../../graphql/context';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkText, checkVersion } from '../../validation';
import type { TicketCriteria } from '../tickets/tickets.filter';
import { Group, GroupMembership, Organization, User } from '../users/users.entities';
import { Queue, QueueGroup, type StoredCriteria } from './queues.entities';
import { queuesPolicy } from './queues.policy';
import { lockEventLog } from '../events/event-log';
import { countByQuery, toCriteria } from './queues.reactor';
import { rowToChange } from '../../db/row-to-change';

export interface QueueCommand {
  name: string;
  filter: TicketCriteria;
  orderField?: string;
  orderDirection?: string;
  groupIds?: string[];
}

export interface UpdateQueueCommand extends Partial<QueueCommand> {
  id: string;
  expectedVersion?: number | null;
}

export function toStored(criteria: TicketCriteria): StoredCriteria {
  const iso = (value: Date | null | undefined) => value?.toISOString() ?? null;
  const stored: Record<string, unknown> = { ...criteria, createdAfter: iso(criteria.createdAfter), createdBefore: iso(criteria.createdBefore), updatedAfter: iso(criteria.updatedAfter) };
  for (const [key, value] of Object.entries(stored)) if (value === null || value === undefined) delete stored[key];
  return stored as StoredCriteria;
}

/**
 * Ids named in a filter must exist (an unknown group in a queue is a typo that would match nothing
 * forever); assignees must be people who can be assigned.
 */
export async function checkCriteriaIds(em: EntityManager, criteria: TicketCriteria, field: string): Promise<void> {
  const problems = new Problems();
  const check = async (ids: string[] | null | undefined, found: (ids: string[]) => Promise<number>, name: string, what: string) => {
    const unique = [...new Set(ids ?? [])];
    if (unique.length && (await found(unique)) !== unique.length) problems.add(UserErrorCode.NOT_FOUND, `${field}.${name} names an unknown ${what}.`, [field, name]);
  };
  await check(criteria.groupIds, (ids) => em.count(Group, { id: { $in: ids } }), 'groupIds', 'group');
  await check(criteria.assigneeIds, (ids) => em.count(User, { id: { $in: ids }, role: { $in: [Role.AGENT, Role.ADMIN] } }), 'assigneeIds', 'agent');
  await check(criteria.requesterIds, (ids) => em.count(User, { id: { $in: ids } }), 'requesterIds', 'user');
  await check(criteria.organizationIds, (ids) => em.count(Organization, { id: { $in: ids } }), 'organizationIds', 'organization');
  problems.throwIfAny();
}

/** Saved-filter queues: definitions, visibility and counts. */
export class QueuesService {
  constructor(private readonly ctx: ServiceContext) {}

  async visibleQueues(viewer: Viewer): Promise<Queue[]> {
    const queues = await this.ctx.em.find(Queue, {}, { orderBy: { name: 'ASC' } });
    const groupsByQueue = await this.groupIdsByQueue(queues.map((queue) => queue.id));
    return queues.filter((queue) => queuesPolicy.canSeeQueue(viewer, groupsByQueue.get(queue.id) ?? []));
  }

  async visibleQueue(viewer: Viewer | null, id: string): Promise<Queue | null> {
    const queue = await this.ctx.em.findOne(Queue, id);
    if (!queue) return null;
    return queuesPolicy.canSeeQueue(viewer, (await this.groupIdsByQueue([queue.id])).get(queue.id) ?? []) ? queue : null;
  }

  async groupIdsByQueue(queueIds: string[]): Promise<Map<string, string[]>> {
    const links = await this.ctx.em.find(QueueGroup, { queue: { $in: queueIds } });
    const map = new Map<string, string[]>();
    for (const link of links) map.set(link.queue.id, [...(map.get(link.queue.id) ?? []), link.group.id]);
    return map;
  }

  async createQueue(command: QueueCommand): Promise<Queue> {
    return this.ctx.em.transactional(async (em) => {
      await this.check(em, command);
      if (await em.count(Queue, { name: command.name.trim() })) fail(UserErrorCode.ALREADY_EXISTS, `A queue is already named ${command.name.trim()}.`, 'name');
      const queue = em.create(Queue, {
        name: command.name.trim(),
        filter: toStored(command.filter),
        orderField: command.orderField ?? 'PRIORITY',
        orderDirection: command.orderDirection ?? 'ASC',
      });
      for (const groupId of new Set(command.groupIds ?? [])) em.create(QueueGroup, { queue, group: groupId });
      await lockEventLog(em);
      await this.recount(em, queue);
      return queue;
    });
  }

  async updateQueue(command: UpdateQueueCommand): Promise<Queue> {
    return this.ctx.em.transactional(async (em) => {
      // The event counter first, then the queue: ticket commands lock them in that order (outbox.ts).
      await lockEventLog(em);
      const queue = await rowToChange(em, Queue, command.id, 'No queue has this id.');
      const problems = new Problems();
      checkVersion(problems, queue.version, command.expectedVersion);
      problems.throwIfAny();
      await this.check(em, { name: command.name ?? queue.name, filter: command.filter ?? toCriteria(queue.filter), groupIds: command.groupIds });
      if (command.name !== undefined && command.name.trim() !== queue.name && (await em.count(Queue, { name: command.name.trim() }))) {
        fail(UserErrorCode.ALREADY_EXISTS, `A queue is already named ${command.name.trim()}.`, 'name');
      }
      if (command.name !== undefined) queue.name = command.name.trim();
      if (command.filter !== undefined) queue.filter = toStored(command.filter);
      if (command.orderField !== undefined) queue.orderField = command.orderField;
      if (command.orderDirection !== undefined) queue.orderDirection = command.orderDirection;
      if (command.groupIds !== undefined) {
        await em.nativeDelete(QueueGroup, { queue: queue.id });
        for (const groupId of new Set(command.groupIds)) em.create(QueueGroup, { queue, group: groupId });
      }
      queue.updatedAt = new Date();
      await this.recount(em, queue);
      return queue;
    });
  }

  async deleteQueue(id: string, expectedVersion?: number | null): Promise<Queue> {
    return this.ctx.em.transactional(async (em) => {
      // The counter first: under it, ticket commands read the queues, then move their counts; a queue
      // deleted in between would be gone when its count moves.
      await lockEventLog(em);
      const queue = await rowToChange(em, Queue, id, 'No queue has this id.');
      const problems = new Problems();
      checkVersion(problems, queue.version, expectedVersion);
      problems.throwIfAny();
      em.remove(queue);
      return queue;
    });
  }

  /** The live count: kept by ticket changes, or by query for text queues. */
  async count(queue: Queue): Promise<number> {
    const criteria = toCriteria(queue.filter);
    return criteria.text?.trim() ? countByQuery(this.ctx.em, criteria) : queue.count;
  }

  /**
   * Sets the kept count from a query. The caller holds the event counter's lock (lockEventLog), so
   * that no ticket change can move the count between the query and its storing: changes move counts
   * only with that lock held (queues.reactor.ts).
   */
  private async recount(em: EntityManager, queue: Queue): Promise<void> {
    queue.count = await countByQuery(em, toCriteria(queue.filter));
  }

  private async check(em: EntityManager, command: QueueCommand): Promise<void> {
    const problems = new Problems();
    checkText(problems, command.name, 'name', 100);
    problems.throwIfAny();
    await checkCriteriaIds(em, command.filter, 'filter');
    if (command.groupIds?.length) {
      const unique = [...new Set(command.groupIds)];
      if ((await em.count(Group, { id: { $in: unique } })) !== unique.length) fail(UserErrorCode.NOT_FOUND, 'groupIds names an unknown group.', 'groupIds');
      const agents = await em.count(GroupMembership, { group: { $in: unique }, user: { active: true, role: { $in: [Role.AGENT, Role.ADMIN] } } });
      if (agents === 0) fail(UserErrorCode.INVALID_INPUT, 'No agent is in these groups: nobody could see this queue.', 'groupIds');
    }
  }
}
