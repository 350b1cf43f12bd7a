import type { EntityManager } from '@mikro-orm/postgresql';
import { writeEvents, type EventDraft, type Statement } from './event-log';

/** Work that needs the event counter's lock, and the read it starts with. */
export interface LockedTask<Row = unknown> {
  /** Read with the counter locked; for the first task, in the lock's own round trip. */
  read?: Statement;
  /** Given the outermost transaction's EntityManager (a savepoint's has ended by then) and the read's rows. */
  run(em: EntityManager, rows: Row[]): Promise<void>;
}

/**
 * The outbox of a transaction: the events its changes stage, written together at its end, so that
 * the event counter's lock (see event-log.ts), which the write takes, is held only from there to
 * the commit. Writers therefore run side by side until their very end.
 *
 * Lock order. Writers lock rows in this order, which is what keeps them from deadlocking:
 *   1. the rows they change (their tickets first, then routing rules, then the tickets' SLA clocks);
 *   2. the event counter, in `write` below;
 *   3. shared rows that change with every event (queue counts): only in tasks staged with
 *      `whileEventLogLocked`, which run after the counter is held.
 * A transaction that takes the counter first (a queue's update, recount or deletion, the SLA
 * scheduler's batch) must never wait for a row of kind 1 afterwards: the scheduler claims its clocks
 * and tickets with SKIP LOCKED.
 */
class Outbox {
  readonly events: EventDraft[] = [];
  readonly lockedTasks: LockedTask[] = [];

  async write(em: EntityManager): Promise<void> {
    await em.flush();
    if (!this.events.length && !this.lockedTasks.length) return;
    // The events staged so far take the counter's lock, with the first task's read in the same
    // round trip: unless a task stages more (queue events), the log adds no round trip.
    const written = this.events.length;
    const firstRows = await writeEvents(em, this.events, this.lockedTasks[0]?.read);
    // A task may stage more tasks (and events): run until none is left. Each reads after the tasks
    // before it have written.
    for (let index = 0; index < this.lockedTasks.length; index += 1) {
      const { read, run } = this.lockedTasks[index];
      await run(em, index === 0 ? firstRows : read ? await em.execute(read.sql, read.params ?? []) : []);
    }
    await em.flush();
    await writeEvents(em, this.events.slice(written));
  }

  mark(): { events: number; lockedTasks: number } {
    return { events: this.events.length, lockedTasks: this.lockedTasks.length };
  }

  /** Forgets what a rolled-back savepoint staged. */
  rollBackTo(mark: { events: number; lockedTasks: number }): void {
    this.events.length = mark.events;
    this.lockedTasks.length = mark.lockedTasks;
  }
}

/** A knex transaction; a savepoint's links to the transaction it is in. */
interface KnexTransaction {
  parentTransaction?: KnexTransaction;
}

/** Outboxes by the transaction (knex's, outermost) that writes them. */
const outboxes = new WeakMap<object, Outbox>();

/** The outbox of the transaction `em` runs in, through its savepoints; undefined outside one. */
function outboxOf(em: EntityManager): Outbox | undefined {
  for (let transaction = em.getTransactionContext() as KnexTransaction | undefined; transaction; transaction = transaction.parentTransaction) {
    const outbox = outboxes.get(transaction);
    if (outbox) return outbox;
  }
  return undefined;
}

function requireOutbox(em: EntityManager): Outbox {
  const outbox = outboxOf(em);
  if (!outbox) throw new Error('events are staged inside transactionWithEvents');
  return outbox;
}

/**
 * A transaction whose staged events are written at its end, in one statement, after the tasks that
 * need the event counter's lock. Inside another such transaction it is a savepoint that shares the
 * enclosing outbox (what it staged is forgotten if it fails), so that the counter is still locked
 * once, at the outermost commit.
 */
export async function transactionWithEvents<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const enclosing = outboxOf(em);
  if (enclosing) {
    const mark = enclosing.mark();
    try {
      return await em.transactional(work);
    } catch (error) {
      enclosing.rollBackTo(mark);
      throw error;
    }
  }
  return em.transactional(async (transaction) => {
    const outbox = new Outbox();
    outboxes.set(transaction.getTransactionContext() as object, outbox);
    const result = await work(transaction);
    await outbox.write(transaction);
    return result;
  });
}

/** Stages events for the end of the transaction, in this order and after those staged before. */
export function stageEvents(em: EntityManager, ...events: EventDraft[]): void {
  requireOutbox(em).events.push(...events);
}

/**
 * Runs `task` at the end of the transaction, with the event counter locked: for work on rows every
 * writer shares (a queue's count), which must follow commit order and must not be locked earlier.
 */
export function whileEventLogLocked<Row>(em: EntityManager, task: LockedTask<Row>): void {
  requireOutbox(em).lockedTasks.push(task as LockedTask);
}
