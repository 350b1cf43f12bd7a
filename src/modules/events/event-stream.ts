import { GraphQLError } from 'graphql';
import type { EventDraft } from './event-log';

/** An event as read back from the log: what was appended, with its seq. */
export interface LogEvent extends EventDraft {
  seq: number;
  data: Record<string, unknown>;
}

/** More events waiting for one subscriber than this, and it is cut off (it can resume by cursor). */
const MAX_BUFFERED = 10_000;
/**
 * Events handed over in a row before a turn of the event loop. Waiting events are otherwise executed
 * and sent as one chain of microtasks: a burst (a batch of SLA breaches) would hold up everything
 * else in the process meanwhile, such as the SLA scheduler's transaction, which holds the event log's
 * lock that ticket changes wait for.
 */
export const IN_A_ROW = 32;

export const fellBehind = () => new GraphQLError('This subscription fell too far behind; resume it with the last cursor you received.');

/** Takes a stream's events as they are accepted (push), instead of pulling them with next(). */
export interface EventSink {
  event(event: LogEvent): void;
  /** The stream ended: closed, or failed with `error`. */
  end(error: unknown): void;
}

/**
 * One subscriber's ordered, de-duplicated view of the log, as the AsyncIterator graphql-js
 * consumes (or pushed to an EventSink). Stored events (the replay after a cursor) and live ones may overlap at the switch;
 * an event is delivered only if its seq is above the last one delivered, so the overlap is
 * neither lost nor repeated. While the replay runs, live events wait aside.
 */
export class EventStream implements AsyncIterableIterator<LogEvent> {
  private readonly ready: LogEvent[] = [];
  private held: LogEvent[] | null = [];
  private waiter: { resolve: (result: IteratorResult<LogEvent>) => void; reject: (error: unknown) => void } | null = null;
  private failure: unknown = null;
  private closed = false;
  private inARow = 0;
  private sink: EventSink | null = null;

  constructor(
    /** The seq after which events are wanted. */
    private last: number,
    /** Whether this subscriber may receive an event (authorization, per event). */
    private readonly accepts: (event: LogEvent) => boolean,
    private readonly onClose: () => void,
  ) {}

  /** Live delivery from the dispatcher. */
  deliver(event: LogEvent): void {
    if (this.held) this.held.push(event);
    else this.enqueue(event);
  }

  /** Stored delivery, in seq order, while replaying. */
  replay(event: LogEvent): void {
    this.enqueue(event);
  }

  /** The replay is over: the live events that waited go through the same de-duplication. */
  goLive(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const event of held.sort((a, b) => a.seq - b.seq)) this.enqueue(event);
  }

  /** From now on, events go to `sink` as they are accepted, in order; next() is no longer used. */
  pushTo(sink: EventSink): void {
    this.sink = sink;
    for (const event of this.ready.splice(0)) sink.event(event);
    if (this.closed) sink.end(this.failure);
  }

  fail(error: unknown): void {
    if (this.closed) return;
    if (this.waiter) {
      this.waiter.reject(error);
      this.waiter = null;
    } else {
      this.failure = error;
    }
    this.close();
  }

  private enqueue(event: LogEvent): void {
    if (this.closed || event.seq <= this.last) return;
    this.last = event.seq;
    if (!this.accepts(event)) return;
    if (this.sink) {
      this.sink.event(event);
    } else if (this.waiter) {
      this.waiter.resolve({ value: event, done: false });
      this.waiter = null;
    } else if (this.ready.length >= MAX_BUFFERED) {
      this.fail(fellBehind());
    } else {
      this.ready.push(event);
    }
  }

  next(): Promise<IteratorResult<LogEvent>> {
    const event = this.ready.shift();
    if (event) {
      this.inARow += 1;
      if (this.inARow % IN_A_ROW === 0) return new Promise((resolve) => setImmediate(resolve, { value: event, done: false }));
      return Promise.resolve({ value: event, done: false });
    }
    this.inARow = 0;
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<LogEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ready.length = 0;
    this.waiter?.resolve({ value: undefined, done: true });
    this.waiter = null;
    this.onClose();
    this.sink?.end(this.failure);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LogEvent> {
    return this;
  }
}
