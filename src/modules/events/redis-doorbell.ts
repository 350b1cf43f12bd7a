import type { MikroORM } from '@mikro-orm/core';
import Redis from 'ioredis';
import type { Logger } from '../../logger';
import type { Doorbell } from './dispatcher';
import { onEventsCommitted, type CommittedEvents } from './committed';
import { EVENTS_CHANNEL } from './event-log';

/**
 * Redis pub/sub as the doorbell (REDIS_URL): every instance publishes after committing events and
 * subscribes to the others'. Like LISTEN, a ring carries no event, only the last seq committed;
 * after a reconnect the dispatcher
 * is woken to catch up from its position, and the safety poll covers a ring lost in between.
 */
export class RedisDoorbell implements Doorbell {
  private subscriber: Redis | null = null;
  private publisher: Redis | null = null;
  private stopHearing: (() => void) | null = null;
  /** After a commit of this instance: the ring carries the commit's last seq (a hint, never the events). */
  private readonly publish = (committed: CommittedEvents) => {
    this.publisher?.publish(EVENTS_CHANNEL, String(committed.lastSeq)).catch((error) => this.log.warn({ err: error }, 'ringing the Redis doorbell failed'));
  };

  constructor(
    private readonly url: string,
    private readonly orm: MikroORM,
    private readonly log: Logger,
  ) {}

  async start(ring: (lastSeq?: number) => void): Promise<void> {
    const options = { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 100, 5000) };
    this.subscriber = new Redis(this.url, options);
    this.publisher = new Redis(this.url, options);
    for (const client of [this.subscriber, this.publisher]) {
      client.on('error', (error) => this.log.warn({ err: error }, 'Redis doorbell connection error'));
    }
    this.subscriber.on('message', (_channel: string, message: string) => ring(Number(message) || undefined));
    // Also after every reconnect: whatever rang while disconnected is read now.
    this.subscriber.on('ready', () => ring());
    await Promise.all([this.subscriber.connect(), this.publisher.connect()]);
    await this.subscriber.subscribe(EVENTS_CHANNEL);
    this.stopHearing = onEventsCommitted(this.orm, this.publish);
  }

  async stop(): Promise<void> {
    this.stopHearing?.();
    await Promise.all([this.subscriber?.quit().catch(() => undefined), this.publisher?.quit().catch(() => undefined)]);
    this.subscriber = null;
    this.publisher = null;
  }
}
