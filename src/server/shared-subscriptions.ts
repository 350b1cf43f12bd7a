import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Viewer } from '../auth/viewer';
import type { Context } from '../graphql/context';
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
const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

function sharedExecution(event: object, key: string, run: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
  let results = resultsByEvent.get(event);
  if (!results) resultsByEvent.set(event, (results = new Map()));
  let result = results.get(key);
  if (!result) results.set(key, (result = run()));
  return result;
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

export async function subscribeSharingExecutions(
  args: ExecutionArgs,
  viewer: Viewer | undefined,
  operationKey: string,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  startNewUnitOfWork(args.contextValue as Context);
  const key = `${JSON.stringify(viewer ?? null)}\n${operationKey}`;
  return mapAsyncIterator(source[Symbol.asyncIterator](), (event) =>
    typeof event === 'object' && event !== null
      ? sharedExecution(event, key, async () => execute({ ...args, rootValue: event }))
      : Promise.resolve(execute({ ...args, rootValue: event })),
  );
}
