import type { TicketCriteria } from './tickets.filter';
import type { TicketState } from './tickets.history';

/**
 * The in-memory twin of criteriaToQuery (tickets.filter.ts): whether a ticket in `state` matches.
 * Both must always agree (a property test checks them against the real database). `text` is left
 * to SQL: for criteria with text, this answers 'sql' and the caller asks the database.
 */
export function matchesCriteria(criteria: TicketCriteria, state: TicketState): boolean | 'sql' {
  const anyOf = <T>(values: T[] | null | undefined, value: T) => !values || values.length === 0 || values.includes(value);
  if (!anyOf(criteria.ids, state.id)) return false;
  if (!anyOf(criteria.status, state.status as never)) return false;
  if (!anyOf(criteria.type, state.type as never)) return false;
  if (!anyOf(criteria.priority, state.priority as never)) return false;
  if (!anyOf(criteria.channel, state.channel as never)) return false;
  if (criteria.groupIds?.length && (state.groupId === null || !criteria.groupIds.includes(state.groupId))) return false;
  if (criteria.assigneeIds?.length && (state.assigneeId === null || !criteria.assigneeIds.includes(state.assigneeId))) return false;
  if (criteria.requesterIds?.length && !criteria.requesterIds.includes(state.requesterId)) return false;
  if (criteria.organizationIds?.length && (state.organizationId === null || !criteria.organizationIds.includes(state.organizationId))) return false;
  if (criteria.categories?.length && (state.category === null || !criteria.categories.includes(state.category))) return false;
  if (criteria.unassigned === true && state.assigneeId !== null) return false;
  if (criteria.unassigned === false && state.assigneeId === null) return false;
  if (criteria.tags?.length) {
    const wanted = criteria.tags.map((tag) => tag.trim().toLowerCase());
    if (!state.tags.some((tag) => wanted.includes(tag))) return false;
  }
  const time = (iso: string) => new Date(iso).getTime();
  if (criteria.createdAfter && !(time(state.createdAt) >= new Date(criteria.createdAfter).getTime())) return false;
  if (criteria.createdBefore && !(time(state.createdAt) < new Date(criteria.createdBefore).getTime())) return false;
  if (criteria.updatedAfter && !(time(state.updatedAt) >= new Date(criteria.updatedAfter).getTime())) return false;
  // Breaches happen on a timer, not in a ticket change: the database has the current answer.
  if (criteria.text?.trim() || criteria.slaBreached === true || criteria.slaBreached === false) return 'sql';
  return true;
}
