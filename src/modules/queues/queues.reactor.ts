import type { EntityManager } from '@mikro-orm/postgresql';
import { stageEvents, whileEventLogLocked } from '../events/outbox';
import { Ticket } from '../tickets/tickets.entities';
import { criteriaToQuery, type TicketCriteria } from '../tickets/tickets.filter';
import type { TicketChange, TicketState } from '../tickets/tickets.history';
import { matchesCriteria } from '../tickets/tickets.match';
import type { StoredCriteria } from './queues.entities';
import { QueueEventKind } from './queues.enums';

export function toCriteria(stored: StoredCriteria): TicketCriteria {
  const date = (value: string | null | undefined) => (value ? new Date(value) : undefined);
  return { ...stored, createdAfter: date(stored.createdAfter), createdBefore: date(stored.createdBefore), updatedAfter: date(stored.updatedAfter) };
}

/** Whether the ticket is in the queue: in memory, or by query for the criteria memory leaves to SQL (text). */
async function isMember(em: EntityManager, criteria: TicketCriteria, state: TicketState): Promise<boolean> {
  const answer = matchesCriteria(criteria, state);
  if (answer !== 'sql') return answer;
  return (await em.count(Ticket, { $and: [{ id: state.id }, criteriaToQuery(em, criteria)] })) > 0;
}

/** Tickets in a queue, by query: for queues with text, whose count is not kept. */
export async function countByQuery(em: EntityManager, criteria: TicketCriteria): Promise<number> {
  return em.count(Ticket, criteriaToQuery(em, criteria));
}

interface QueueRow {
  id: string;
  filter: StoredCriteria;
  count: number;
}

/**
 * Queue events for one ticket change, in its transaction: each queue the ticket enters, changes
 * inside or leaves gets one event carrying the queue's count after the change. Counts move by ±1
 * with the change (no COUNT per queue per event). This runs at the end of the transaction with the
 * event counter locked (outbox.ts), so that queues are judged by their filters as committed,
 * increments follow commit order, and no writer waits for a queue's row before its own end. Queues
 * filtering on text cannot know where a ticket stood before its text changed: they are evaluated on
 * the ticket's state after the change and counted by query.
 */
export function reactToTicketChange(em: EntityManager, change: TicketChange): Promise<void> {
  whileEventLogLocked<QueueRow>(em, {
    read: { sql: 'select id, filter, count from queues order by id' },
    run: (transaction, queues) => evaluateQueues(transaction, change, queues),
  });
  return Promise.resolve();
}

async function evaluateQueues(em: EntityManager, change: TicketChange, queues: QueueRow[]): Promise<void> {
  for (const queue of queues) {
    const criteria = toCriteria(queue.filter);
    const byText = Boolean(criteria.text?.trim());
    const isIn = await isMember(em, criteria, change.after);
    const wasIn = change.before
      ? byText
        ? matchesCriteria({ ...criteria, text: undefined }, change.before) === true && (isIn || change.kind !== 'CREATED')
        : (matchesCriteria(criteria, change.before) as boolean)
      : false;
    if (!wasIn && !isIn) continue;
    const kind = !wasIn ? QueueEventKind.TICKET_ADDED : isIn ? QueueEventKind.TICKET_UPDATED : QueueEventKind.TICKET_REMOVED;
    let count = queue.count;
    if (byText) {
      count = await countByQuery(em, criteria);
    } else if (kind !== QueueEventKind.TICKET_UPDATED) {
      const [row] = await em.execute<{ count: number }[]>('update queues set count = count + ? where id = ? returning count', [
        kind === QueueEventKind.TICKET_ADDED ? 1 : -1,
        queue.id,
      ]);
      count = row.count;
    }
    stageEvents(em, {
      topic: 'queue',
      kind,
      ticketId: change.after.id,
      actorId: change.actorId,
      occurredAt: change.at,
      internal: false,
      data: { queueId: queue.id, count, after: change.after },
    });
  }
}
