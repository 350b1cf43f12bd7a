import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Channel, Priority, TicketStatus, TicketType } from './tickets.enums';
import { Ticket } from './tickets.entities';

/**
 * A ticket filter with database ids: what `tickets`, queues and routing rules share. Lists are OR
 * within a field, fields are AND, an absent field does not filter.
 */
export interface TicketCriteria {
  ids?: string[] | null;
  status?: TicketStatus[] | null;
  type?: TicketType[] | null;
  priority?: Priority[] | null;
  groupIds?: string[] | null;
  assigneeIds?: string[] | null;
  unassigned?: boolean | null;
  requesterIds?: string[] | null;
  organizationIds?: string[] | null;
  tags?: string[] | null;
  categories?: string[] | null;
  channel?: Channel[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  updatedAfter?: Date | null;
  /** Whether an SLA clock of the ticket was breached. */
  slaBreached?: boolean | null;
  text?: string | null;
}

/**
 * The English and French stemmed forms of a search, accents folded: the same configurations build
 * `tickets.search_vector` (see the migration), so "imprimantes" meets "imprimante" and "reseau" meets "réseau".
 */
export const TEXT_QUERY = `(websearch_to_tsquery('deskgraph_english', ?) || websearch_to_tsquery('deskgraph_french', ?))`;

/** Compiles criteria to a MikroORM condition on Ticket (evaluated by PostgreSQL with the tickets indexes). */
export function criteriaToQuery(em: EntityManager, criteria: TicketCriteria): FilterQuery<Ticket> {
  const where: FilterQuery<Ticket>[] = [];
  const anyOf = <T>(values: T[] | null | undefined) => (values && values.length ? { $in: values } : undefined);
  const lists = {
    id: anyOf(criteria.ids),
    status: anyOf(criteria.status),
    type: anyOf(criteria.type),
    priority: anyOf(criteria.priority),
    group: anyOf(criteria.groupIds),
    assignee: anyOf(criteria.assigneeIds),
    requester: anyOf(criteria.requesterIds),
    organization: anyOf(criteria.organizationIds),
    category: anyOf(criteria.categories),
    channel: anyOf(criteria.channel),
  };
  for (const [field, condition] of Object.entries(lists)) {
    if (condition) where.push({ [field]: condition } as FilterQuery<Ticket>);
  }
  if (criteria.unassigned === true) where.push({ assignee: null });
  if (criteria.unassigned === false) where.push({ assignee: { $ne: null } });
  // Tags are stored lower-cased (see normalizeTags in src/validation.ts), so they are matched that way.
  if (criteria.tags?.length) where.push({ tags: { $overlap: criteria.tags.map((tag) => tag.trim().toLowerCase()) } });
  if (criteria.createdAfter) where.push({ createdAt: { $gte: criteria.createdAfter } });
  if (criteria.createdBefore) where.push({ createdAt: { $lt: criteria.createdBefore } });
  if (criteria.updatedAfter) where.push({ updatedAt: { $gte: criteria.updatedAfter } });
  if (criteria.slaBreached === true || criteria.slaBreached === false) where.push({ slaBreached: criteria.slaBreached });
  if (criteria.text?.trim()) {
    const matching = em.getKnex().select('id').from('tickets').whereRaw(`search_vector @@ ${TEXT_QUERY}`, [criteria.text, criteria.text]);
    where.push({ id: { $in: matching } } as unknown as FilterQuery<Ticket>);
  }
  return where.length ? { $and: where } : {};
}
