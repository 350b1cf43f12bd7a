import type { EntityManager, EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import Redis from 'ioredis';
import type { Logger } from '../../logger';
import type { Doorbell } from './dispatcher';
import { EVENTS_CHANNEL } from './event-log';

/**
 * Transactions that appended events, so that they can ring once committed. PostgreSQL's NOTIFY
 * rings at commit by itself; Redis has to be told after the commit, and never before it. The outbox
 * writes events in the outermost transaction only (see outbox.ts), the one whose commit is heard.
 */
const ringingTransactions = new WeakSet<object>();
const commitListeners = new Set<() => void>();

export function markEventsWritten(em: EntityManager): void {
  ringingTransactions.add(em.getTransactionContext() as object);
}

/** Registered with MikroORM: tells the Redis doorbells (if any) about commits that wrote events. */
export const eventCommitSubscriber: EventSubscriber = {
  afterTransactionCommit(args: TransactionEventArgs): void {
    if (args.transaction && ringingTransactions.has(args.transaction as object)) {
      for (const listener of commitListeners) listener();
    }
  },
};

/**
 * Redis pub/sub as the doorbell (REDIS_URL): every instance publishes after committing events and
 * subscribes to the others'. Like LISTEN, a ring carries nothing; after a reconnect the dispatcher
 * is woken to catch up from its position, and the safety poll covers a ring lost in between.
 */
export class RedisDoorbell implements Doorbell {
  private subscriber: Redis | null = null;
  private publisher: Redis | null = null;
  private readonly publish = () => {
    this.publisher?.publish(EVENTS_CHANNEL, '').catch((error) => this.log.warn({ err: error }, 'ringing the Redis doorbell failed'));
  };

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  async start(ring: () => void): Promise<void> {
    const options = { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 100, 5000) };
    this.subscriber = new Redis(this.url, options);
    this.publisher = new Redis(this.url, options);
    for (const client of [this.subscriber, this.publisher]) {
      client.on('error', (error) => this.log.warn({ err: error }, 'Redis doorbell connection error'));
    }
    this.subscriber.on('message', () => ring());
    // Also after every reconnect: whatever rang while disconnected is read now.
    this.subscriber.on('ready', () => ring());
    await Promise.all([this.subscriber.connect(), this.publisher.connect()]);
    await this.subscriber.subscribe(EVENTS_CHANNEL);
    commitListeners.add(this.publish);
  }

  async stop(): Promise<void> {
    commitListeners.delete(this.publish);
    await Promise.all([this.subscriber?.quit().catch(() => undefined), this.publisher?.quit().catch(() => undefined)]);
    this.subscriber = null;
    this.publisher = null;
  }
}
