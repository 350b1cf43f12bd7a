import type { EntityManager } from '@mikro-orm/postgresql';
import { Ticket, TicketHistory } from './tickets.entities';

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/**
 * The changes between two snapshots of the same fields, in a stable order. Arrays compare by
 * content, so re-sending the same tags is no change.
 */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of Object.keys(after)) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, from, to });
  }
  return changes;
}

/**
 * Appends one history row per change, in the command's transaction. `internal` hides the rows
 * from requesters (they concern an internal note). Nothing ever updates or deletes them: a trigger
 * refuses it (see the tickets migration).
 */
export function recordHistory(
  em: EntityManager,
  ticket: Ticket,
  actorId: string | null,
  changes: FieldChange[],
  options: { internal?: boolean; at?: Date } = {},
): void {
  const at = options.at ?? new Date();
  for (const change of changes) {
    em.create(TicketHistory, {
      ticket,
      actor: actorId,
      at,
      field: change.field,
      fromValue: change.from,
      toValue: change.to,
      internal: options.internal ?? false,
    });
  }
}
