import { createSourceEventStream, execute, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Viewer } from '../auth/viewer';
import type { Context } from '../graphql/context';
import { EventStream, fellBehind, IN_A_ROW, type EventSink, type LogEvent } from '../modules/events/event-stream';
import { startNewUnitOfWork } from './context';

/**
 * graphql-js `subscribe`, except that subscriptions which would compute the same result for an event
 * compute it once: same viewer (the whole snapshot: id, role, organization, groups), same document,
 * operation and variables. Each subscription keeps its own source stream, so its authorization per
 * event, its replay (`after`) and its completion stay its own; only the execution of the selection
 * is shared, and its result is never mutated afterwards (error masking copies it).
 *
 * The event objects are shared by every local stream they are delivered to (EventDispatcher), so a
 * WeakMap keyed by event holds each event's results exactly as long as the event is in flight.
 */
const resultsByEvent = new WeakMap<object, Map<string, SharedResult>>();

/** One execution for an event, shared; `settled` once it is done, with the JSON of a result without errors. */
export interface SharedResult {
  promise: Promise<void>;
  settled?: { result: ExecutionResult; json: string | null };
}

function sharedExecution(event: object, key: string, run: () => Promise<ExecutionResult>): SharedResult {
  let results = resultsByEvent.get(event);
  if (!results) resultsByEvent.set(event, (results = new Map()));
  let shared = results.get(key);
  if (!shared) {
    const entry: SharedResult = {
      promise: run().then(
        (result) => void (entry.settled = { result, json: result.errors?.length ? null : JSON.stringify(result) }),
        (error: unknown) => void (entry.settled = { result: { errors: [new GraphQLError('Internal server error', { originalError: error as Error })] }, json: null }),
      ),
    };
    results.set(key, (shared = entry));
  }
  return shared;
}

/**
 * Writes a subscription's `next` message for a shared result straight to its socket; false when the
 * socket has fallen too far behind to take more.
 */
export type NextWriter = (settled: NonNullable<SharedResult['settled']>) => boolean;

/**
 * Delivery without a promise per event and subscriber: the source stream pushes its events here,
 * and each is written, in order, as soon as its shared result exists; the thousands of subscribers
 * of one event are written in one go when its execution settles. graphql-ws still owns the
 * operation (its start, `complete` from either side, errors): to it this is an iterator that yields
 * nothing and ends when the stream does.
 */
export class DirectDelivery implements EventSink, AsyncIterableIterator<ExecutionResult> {
  private readonly queue: LogEvent[] = [];
  private busy = false;
  private ended: { error: unknown } | null = null;
  private finished: { resolve: (result: IteratorResult<ExecutionResult>) => void; reject: (error: unknown) => void } | null = null;

  constructor(
    private readonly source: EventStream,
    private readonly execution: (event: LogEvent) => SharedResult,
    private readonly write: NextWriter,
  ) {
    source.pushTo(this);
  }

  event(event: LogEvent): void {
    this.queue.push(event);
    if (!this.busy) this.pump();
  }

  end(error: unknown): void {
    this.ended = { error };
    if (!this.busy) this.pump();
  }

  private pump(): void {
    let inARow = 0;
    while (this.queue.length) {
      const shared = this.execution(this.queue[0]);
      if (!shared.settled) return this.resumeAfter(shared.promise);
      this.queue.shift();
      if (!this.write(shared.settled)) {
        this.queue.length = 0;
        return this.source.fail(fellBehind());
      }
      // A burst for one subscriber yields to the event loop now and then (see IN_A_ROW).
      if ((inARow += 1) % IN_A_ROW === 0 && this.queue.length) return this.resumeAfter(new Promise((resolve) => setImmediate(resolve)));
    }
    if (this.ended && this.finished) {
      if (this.ended.error) this.finished.reject(this.ended.error);
      else this.finished.resolve({ value: undefined, done: true });
      this.finished = null;
    }
  }

  private resumeAfter(promise: Promise<unknown>): void {
    this.busy = true;
    void promise.then(() => {
      this.busy = false;
      this.pump();
    });
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    return new Promise((resolve, reject) => {
      this.finished = { resolve, reject };
      if (!this.busy) this.pump();
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.queue.length = 0;
    void this.source.return();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/** Maps each value of an async iterator, passing `return` straight through (an idle stream must end at once). */
function mapAsyncIterator<T, R>(source: AsyncIterator<T>, map: (value: T) => Promise<R>): AsyncIterableIterator<R> {
  const step = async (result: IteratorResult<T>): Promise<IteratorResult<R>> =>
    result.done ? { value: undefined, done: true } : { value: await map(result.value), done: false };
  return {
    next: async () => step(await source.next()),
    return: async () => step(source.return ? await source.return() : { value: undefined, done: true }),
    throw: async (error: unknown) => {
      if (source.throw) return step(await source.throw(error));
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * With `write`, event streams are delivered directly (DirectDelivery); any other source stream goes
 * through graphql-ws's own `next` messages.
 */
export async function subscribeSharingExecutions(
  args: ExecutionArgs,
  viewer: Viewer | undefined,
  operationKey: string,
  write?: NextWriter,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  startNewUnitOfWork(args.contextValue as Context);
  const key = `${JSON.stringify(viewer ?? null)}\n${operationKey}`;
  const execution = (event: object) => sharedExecution(event, key, async () => execute({ ...args, rootValue: event }));
  if (write && source instanceof EventStream) return new DirectDelivery(source, execution, write);
  return mapAsyncIterator(source[Symbol.asyncIterator](), async (event) => {
    if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
    const shared = execution(event);
    await shared.promise;
    return shared.settled!.result;
  });
}
