import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from '../../logger';
import { isCommittingHere, onEventsCommitted, type CommittedEvents } from './committed';
import { cursorExpired, EVENTS_CHANNEL } from './event-log';
import { EventStream, type LogEvent } from './event-stream';

const BATCH = 500;

interface EventRow {
  seq: string;
  topic: string;
  kind: string;
  ticket_id: string | null;
  actor_id: string | null;
  /** MikroORM's connection hands timestamps over as strings. */
  occurred_at: Date | string;
  internal: boolean;
  data: Record<string, unknown>;
}

const toEvent = (row: EventRow): LogEvent => ({
  seq: Number(row.seq),
  topic: row.topic,
  kind: row.kind,
  ticketId: row.ticket_id,
  actorId: row.actor_id,
  occurredAt: new Date(row.occurred_at),
  internal: row.internal,
  data: row.data,
});

/** One ticket's events of one topic (queue events also name their ticket). */
const ticketKey = (topic: string, ticketId: string) => `${topic}:${ticketId}`;

/**
 * Something that rings when events may have been committed; the dispatcher then reads them. A ring
 * may tell the last seq committed (a hint: without it, or beyond what was dispatched, the dispatcher reads).
 */
export interface Doorbell {
  start(ring: (lastSeq?: number) => void): Promise<void>;
  stop(): Promise<void>;
}

/**
 * PostgreSQL LISTEN on a dedicated connection. If the connection dies it reconnects with a backoff
 * and rings once connected, so the dispatcher catches up from its position: nothing is lost, since
 * the rings carry nothing but "look" (and how far to look).
 */
export class PostgresDoorbell implements Doorbell {
  private client: Client | null = null;
  private stopped = false;
  private retryMs = 100;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  async start(ring: (lastSeq?: number) => void): Promise<void> {
    this.stopped = false;
    await this.connect(ring);
  }

  private async connect(ring: (lastSeq?: number) => void): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'deskgraph-events' });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      client.removeAllListeners();
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.log.warn({ err: error }, 'event listener connection lost; reconnecting');
      setTimeout(() => this.reconnect(ring), this.retryMs).unref();
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => ring(Number(message.payload) || undefined));
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.client = client;
    this.retryMs = 100;
    ring();
  }

  private reconnect(ring: (lastSeq?: number) => void): void {
    if (this.stopped) return;
    this.connect(ring).catch((error) => {
      this.log.warn({ err: error }, 'event listener could not reconnect; retrying');
      setTimeout(() => this.reconnect(ring), this.retryMs).unref();
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
    }
  }
}

export interface StreamOptions {
  topic: string;
  /** Only events of this ticket (served from an index, and by a map in memory). */
  ticketId?: string;
  /** Resume after this seq; absent: from now on. */
  after?: number;
  accepts: (event: LogEvent) => boolean;
}

/**
 * Reads the event log in commit order and hands each event to the local subscribers that want it.
 * It wakes on the doorbell, and on a short safety poll in case a ring was missed.
 */
export class EventDispatcher {
  private position = 0;
  private readonly byTicket = new Map<string, Set<EventStream>>();
  private readonly everywhere = new Map<string, Set<EventStream>>();
  private readonly listeners = new Set<(event: LogEvent) => void>();
  private draining: Promise<void> | null = null;
  private again = false;
  private poll: NodeJS.Timeout | null = null;
  private running = false;
  private stopHearing: (() => void) | null = null;
  /** The highest seq a ring told of during a read, and this instance's commits heard meanwhile. */
  private wanted = 0;
  private readonly committedMeanwhile: CommittedEvents[] = [];

  constructor(
    private readonly orm: MikroORM,
    private readonly doorbell: Doorbell,
    private readonly log: Logger,
    private readonly safetyPollMs = 1000,
  ) {}

  async start(): Promise<void> {
    const [{ seq }] = await this.em().execute<{ seq: string }[]>('select coalesce(max(seq), 0) as seq from events');
    this.position = Number(seq);
    this.running = true;
    this.stopHearing = onEventsCommitted(this.orm, (committed) => this.committedHere(committed));
    await this.doorbell.start((lastSeq) => this.wake(lastSeq));
    this.poll = setInterval(() => this.wake(), this.safetyPollMs);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopHearing?.();
    if (this.poll) clearInterval(this.poll);
    await this.doorbell.stop();
    await this.draining;
    for (const streams of [...this.byTicket.values(), ...this.everywhere.values()]) {
      for (const stream of streams) stream.return();
    }
  }

  /** The highest seq handed to subscribers so far. */
  get dispatchedThrough(): number {
    return this.position;
  }

  /**
   * Reads whatever was committed since the last read. Concurrent wakes coalesce; a ring that tells
   * its last seq reads nothing when that was dispatched already (this instance's own commits).
   */
  wake(lastSeq?: number): Promise<void> {
    if (!this.running || (lastSeq !== undefined && lastSeq <= this.position)) return Promise.resolve();
    // The ring of one of this instance's commits, heard before the commit's own reply: committedHere follows.
    if (lastSeq !== undefined && isCommittingHere(this.orm, lastSeq)) return Promise.resolve();
    if (this.draining) {
      if (lastSeq === undefined) this.again = true;
      else this.wanted = Math.max(this.wanted, lastSeq);
      return this.draining;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    try {
      do {
        // Rings from here on ask for another read; earlier ones are answered by this one.
        this.again = false;
        this.wanted = 0;
        for (;;) {
          const rows = await this.em().execute<EventRow[]>('select * from events where seq > ? order by seq limit ?', [this.position, BATCH]);
          for (const row of rows) this.dispatch(toEvent(row));
          if (rows.length) this.position = Number(rows[rows.length - 1].seq);
          if (rows.length < BATCH) break;
        }
        // Own commits that arrived meanwhile, unless the read above brought them already.
        for (const committed of this.committedMeanwhile.splice(0)) this.dispatchCommittedHere(committed);
      } while (this.running && (this.again || this.wanted > this.position));
    } catch (error) {
      this.log.warn({ err: error }, 'reading the event log failed; the next wake retries');
    }
  }

  /**
   * Events this instance has just committed are dispatched from memory, without reading them back,
   * when they directly follow what was dispatched (during a read, once it is over); otherwise they
   * are read, with whatever came before them. Either way each seq is dispatched once, in order.
   */
  private committedHere(committed: CommittedEvents): void {
    if (!this.running) return;
    if (this.draining) this.committedMeanwhile.push(committed);
    else this.dispatchCommittedHere(committed);
  }

  private dispatchCommittedHere(committed: CommittedEvents): void {
    if (committed.firstSeq !== this.position + 1) {
      // Others' events come first (or these were read already): read, as for any ring.
      if (committed.lastSeq > this.position) void this.wake();
      return;
    }
    const drafts = JSON.parse(committed.json) as (Omit<LogEvent, 'seq' | 'occurredAt'> & { occurredAt: string })[];
    drafts.forEach((draft, index) => this.dispatch({ ...draft, seq: committed.firstSeq + index, occurredAt: new Date(draft.occurredAt) }));
    this.position = committed.lastSeq;
  }

  /** Internal consumers (the SLA scheduler) hear of every event this instance reads. */
  onEvent(listener: (event: LogEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private dispatch(event: LogEvent): void {
    for (const listener of this.listeners) listener(event);
    const targets = [...(this.everywhere.get(event.topic) ?? [])];
    if (event.ticketId) targets.push(...(this.byTicket.get(ticketKey(event.topic, event.ticketId)) ?? []));
    for (const stream of targets) stream.deliver(event);
  }

  /**
   * A subscriber's stream: registered first, so that nothing committed from now on is missed;
   * then, when resuming, the stored events after the cursor are replayed; then live ones follow.
   */
  stream(options: StreamOptions): EventStream {
    const registry = options.ticketId ? this.byTicket : this.everywhere;
    const key = options.ticketId ? ticketKey(options.topic, options.ticketId) : options.topic;
    const stream = new EventStream(options.after ?? this.position, options.accepts, () => {
      const set = registry.get(key);
      set?.delete(stream);
      if (set?.size === 0) registry.delete(key);
    });
    if (!registry.has(key)) registry.set(key, new Set());
    registry.get(key)!.add(stream);
    if (options.after === undefined) stream.goLive();
    else this.replay(stream, options).catch((error) => stream.fail(error));
    return stream;
  }

  private async replay(stream: EventStream, options: StreamOptions): Promise<void> {
    const em = this.em();
    const [state] = await em.execute<{ pruned_through: string }[]>('select pruned_through from event_log_state');
    if (options.after! < Number(state?.pruned_through ?? 0)) throw cursorExpired();
    let after = options.after!;
    for (;;) {
      const rows = options.ticketId
        ? await em.execute<EventRow[]>('select * from events where ticket_id = ? and topic = ? and seq > ? order by seq limit ?', [options.ticketId, options.topic, after, BATCH])
        : await em.execute<EventRow[]>('select * from events where topic = ? and seq > ? order by seq limit ?', [options.topic, after, BATCH]);
      for (const row of rows) stream.replay(toEvent(row));
      if (rows.length < BATCH) break;
      after = Number(rows[rows.length - 1].seq);
    }
    stream.goLive();
  }

  private em(): EntityManager {
    return this.orm.em.fork();
  }
}
