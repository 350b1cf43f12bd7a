import type { EntityManager, EventSubscriber, MikroORM, TransactionEventArgs } from '@mikro-orm/core';

/** What one transaction wrote to the event log: seqs from `firstSeq` on, the events as JSON (an array). */
export interface CommittedEvents {
  firstSeq: number;
  lastSeq: number;
  json: string;
}

// By the (outermost) transaction that wrote them; told once it commits, never before.
const writtenBy = new WeakMap<object, CommittedEvents>();
// By ORM configuration: the last seqs written by transactions that have not finished yet.
const committingByOrm = new WeakMap<object, Set<number>>();
// By ORM configuration (every fork of one ORM shares it): two servers in one process, on two
// databases, must not hear of each other's commits.
const listenersByOrm = new WeakMap<object, Set<(committed: CommittedEvents) => void>>();

export function recordEventsWritten(em: EntityManager, committed: CommittedEvents): void {
  writtenBy.set(em.getTransactionContext() as object, committed);
  let committing = committingByOrm.get(em.config);
  if (!committing) committingByOrm.set(em.config, (committing = new Set()));
  committing.add(committed.lastSeq);
}

/** Whether a transaction of `orm`'s wrote events up to `lastSeq` and has not finished: its commit will be told. */
export function isCommittingHere(orm: MikroORM, lastSeq: number): boolean {
  return committingByOrm.get(orm.config)?.has(lastSeq) ?? false;
}

function finished(args: TransactionEventArgs): CommittedEvents | undefined {
  const committed = args.transaction ? writtenBy.get(args.transaction as object) : undefined;
  if (committed) committingByOrm.get(args.em.config)?.delete(committed.lastSeq);
  return committed;
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
