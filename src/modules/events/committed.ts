import type { EntityManager, EventSubscriber, MikroORM, TransactionEventArgs } from '@mikro-orm/core';

/** What one transaction wrote to the event log: seqs from `firstSeq` on, the events as JSON (an array). */
export interface CommittedEvents {
  firstSeq: number;
  lastSeq: number;
  json: string;
}

// By the (outermost) transaction that wrote them, with the last seq of each of its writes; told once
// it commits, never before.
const writtenBy = new WeakMap<object, { committed: CommittedEvents; lastSeqs: number[] }>();
// By ORM configuration: the last seqs written by transactions that have not finished yet.
const committingByOrm = new WeakMap<object, Set<number>>();
// By ORM configuration (every fork of one ORM shares it): two servers in one process, on two
// databases, must not hear of each other's commits.
const listenersByOrm = new WeakMap<object, Set<(committed: CommittedEvents) => void>>();

/** One write of a transaction's; a later write of the same transaction follows on (it holds the counter's lock). */
export function recordEventsWritten(em: EntityManager, written: CommittedEvents): void {
  const transaction = em.getTransactionContext() as object;
  const earlier = writtenBy.get(transaction);
  const committed = earlier
    ? { firstSeq: earlier.committed.firstSeq, lastSeq: written.lastSeq, json: `${earlier.committed.json.slice(0, -1)},${written.json.slice(1)}` }
    : written;
  writtenBy.set(transaction, { committed, lastSeqs: [...(earlier?.lastSeqs ?? []), written.lastSeq] });
  let committing = committingByOrm.get(em.config);
  if (!committing) committingByOrm.set(em.config, (committing = new Set()));
  committing.add(written.lastSeq);
}

/** Whether a transaction of `orm`'s wrote events up to `lastSeq` and has not finished: its commit will be told. */
export function isCommittingHere(orm: MikroORM, lastSeq: number): boolean {
  return committingByOrm.get(orm.config)?.has(lastSeq) ?? false;
}

function finished(args: TransactionEventArgs): CommittedEvents | undefined {
  const written = args.transaction ? writtenBy.get(args.transaction as object) : undefined;
  const committing = committingByOrm.get(args.em.config);
  for (const lastSeq of written?.lastSeqs ?? []) committing?.delete(lastSeq);
  return written?.committed;
}

/** Calls `listener` after each commit of `orm`'s that wrote events; returns how to stop. */
export function onEventsCommitted(orm: MikroORM, listener: (committed: CommittedEvents) => void): () => void {
  let listeners = listenersByOrm.get(orm.config);
  if (!listeners) listenersByOrm.set(orm.config, (listeners = new Set()));
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Registered with MikroORM (src/db/orm.ts). */
export const eventCommitSubscriber: EventSubscriber = {
  afterTransactionCommit(args: TransactionEventArgs): void {
    const committed = finished(args);
    if (!committed) return;
    for (const listener of listenersByOrm.get(args.em.config) ?? []) listener(committed);
  },
  afterTransactionRollback(args: TransactionEventArgs): void {
    finished(args);
  },
};
