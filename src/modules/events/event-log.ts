import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger';
import { recordEventsWritten } from './committed';
import { GraphQLError } from 'graphql';

/**
 * Writing the event log, and its cursors.
 *
 * Commit order. A bigserial would not do: a transaction holding seq 10 can commit after seq 11 was
 * read, and a reader that moved past 11 would never see 10. Instead every writer takes its seqs from
 * one counter row (`event_sequence`) at the very end of its transaction (see outbox.ts). The row
 * lock it takes is held until the transaction ends, so the next writer gets the next seq only after
 * this one has committed (or rolled back, which frees its numbers without a gap: the next writer
 * reuses them). Seqs therefore become visible strictly in order, and a reader may safely treat "the
 * highest seq I have seen" as a cursor. The cost is that writers serialise on their last statements
 * and commit only: the rest of their transactions runs concurrently.
 *
 * A trigger on `events` NOTIFYs `deskgraph_events` at commit: a doorbell for the dispatchers that
 * carries the last seq written, never the events (they read the rows, except those their own
 * instance has just committed: see EventDispatcher.committedHere).
 */
export const EVENTS_CHANNEL = 'deskgraph_events';

export interface EventDraft {
  topic: string;
  kind: string;
  ticketId: string | null;
  actorId: string | null;
  occurredAt: Date;
  internal: boolean;
  data: unknown;
}

/** A statement and its parameters (`?`). */
export interface Statement {
  sql: string;
  params?: unknown[];
}

/**
 * Takes the event counter's row lock for the rest of the transaction. Writers take it with their
 * first write (the outbox's, at the end of the transaction); a transaction that must not let any
 * writer commit meanwhile (a queue's update or recount, the SLA scheduler's batch) may take it
 * first, provided it then never waits for a row lock a writer could hold: see outbox.ts for the order.
 *
 * `then`, if given, is sent in the same round trip and its rows returned (see `withReadAfter`).
 */
export async function lockEventLog<Row>(em: EntityManager, then?: Statement): Promise<Row[]> {
  const [, rows] = await withReadAfter<Row>(em, { sql: 'select value from event_sequence for update' }, then);
  return rows;
}

/**
 * Inserts events with consecutive seqs, in the order given, in one statement: the counter moves once
 * by their number, and its row stays locked to the end of the transaction, so a transaction's later
 * writes follow on. The outbox writes at the end of its transaction; `then` is a read that needs the
 * lock, sent in the same round trip and whose rows are returned.
 */
export async function writeEvents<Row>(em: EntityManager, events: EventDraft[], then?: Statement): Promise<Row[]> {
  if (!events.length) return then ? lockEventLog<Row>(em, then) : [];
  const json = JSON.stringify(events);
  const write = {
    sql: `with next as (update event_sequence set value = value + ? returning value - ? as base),
               written as (
                 insert into events (seq, topic, kind, ticket_id, actor_id, occurred_at, internal, data)
                 select next.base + e.n, e.event->>'topic', e.event->>'kind', (e.event->>'ticketId')::uuid, (e.event->>'actorId')::uuid,
                        (e.event->>'occurredAt')::timestamptz, (e.event->>'internal')::boolean, e.event->'data'
                   from next, jsonb_array_elements(?::jsonb) with ordinality as e(event, n)
               )
          select base from next`,
    params: [events.length, events.length, json],
  };
  const [written, rows] = await withReadAfter<Row>(em, write, then);
  const base = Number((written as { base: string }[])[0].base);
  recordEventsWritten(em, { firstSeq: base + 1, lastSeq: base + events.length, json });
  return rows;
}

/**
 * Runs `statement` (which takes the counter's lock), then `then` if given, in one round trip; returns
 * the rows of each. The two go as one simple query (MikroORM inlines parameters, so nothing is
 * prepared): PostgreSQL runs them in turn and, in READ COMMITTED, gives the second a snapshot of its
 * own, taken once the lock is held. The read therefore sees everything the previous holder of the
 * lock committed, as a separate statement would.
 */
async function withReadAfter<Row>(em: EntityManager, statement: Statement, then?: Statement): Promise<[unknown[], Row[]]> {
  if (!then) return [await em.execute<unknown[]>(statement.sql, statement.params ?? []), []];
  return em.execute<[unknown[], Row[]]>(`${statement.sql}; ${then.sql}`, [...(statement.params ?? []), ...(then.params ?? [])]);
}

const CURSOR_PREFIX = 'ev1:';

export function encodeCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`).toString('base64url');
}

/** The seq behind a cursor; BAD_USER_INPUT for something that is not one. */
export function decodeCursor(cursor: string): number {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = decoded.startsWith(CURSOR_PREFIX) ? Number(decoded.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new GraphQLError('`after` is not an event cursor.', { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
  }
  return seq;
}

export const cursorExpired = () =>
  new GraphQLError('This cursor is older than the event retention window; refetch, then subscribe without `after`.', {
    extensions: { code: 'CURSOR_EXPIRED' },
  });

/** Prunes now and then (every tenth of the retention window, at most hourly); several instances may. */
export function schedulePruning(orm: MikroORM, retentionSeconds: number, log: Logger): NodeJS.Timeout {
  const prune = () =>
    pruneEvents(orm.em.fork(), retentionSeconds).then(
      (count) => count && log.info({ count }, 'pruned old events'),
      (error) => log.warn({ err: error }, 'pruning the event log failed'),
    );
  void prune();
  const timer = setInterval(prune, Math.min(retentionSeconds * 100, 3_600_000));
  timer.unref();
  return timer;
}

/** Deletes events older than the retention window and records how far the log was pruned. */
export async function pruneEvents(em: EntityManager, retentionSeconds: number): Promise<number> {
  const rows: { pruned: string | null; count: string }[] = await em.execute(
    `with gone as (
       delete from events where occurred_at < now() - make_interval(secs => ?) returning seq
     ), mark as (
       update event_log_state set pruned_through = greatest(pruned_through, (select max(seq) from gone))
        where exists (select 1 from gone) returning pruned_through
     )
     select (select pruned_through from mark) as pruned, (select count(*) from gone) as count`,
    [retentionSeconds],
  );
  return Number(rows[0]?.count ?? 0);
}
