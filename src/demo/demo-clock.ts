import type { EntityManager, EventArgs, EventSubscriber } from '@mikro-orm/postgresql';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Lets the demo loader act in the past: in an EntityManager it is installed on, every date the
 * services stamp on what they write (createdAt, history `at`, resolvedAt, ISO dates inside history
 * values …) is moved back by the clock's lag. It does so in the ORM's before-create/before-update
 * hooks, so rows are inserted with their final dates: nothing append-only is rewritten afterwards.
 *
 * A date is "stamped now" when it is at or after the start of the load; the demo's times are all
 * before it, so dates already moved are never moved twice. Dates a service derives from now (say, a
 * due time four hours ahead) keep their distance to it. Rows written with plain SQL (not entities)
 * keep the real time.
 */
export class DemoClock implements EventSubscriber {
  private lag = 0;

  private constructor(private readonly loadStartedAt: number) {}

  /**
   * A unit of work for commands played in the past: a fork of `em` that keeps its transaction, with
   * its own event manager carrying a clock. Set the clock before each command.
   */
  static fork(em: EntityManager, loadStartedAt: number): { em: EntityManager; clock: DemoClock } {
    // The services' own transactions would be savepoints here, each with a fork of the unit of work:
    // several times the cost of the command itself, for a rollback the demo never needs (any failure
    // aborts the whole load). So commands run straight in the load's transaction; callers flush.
    const fork = em.fork({ keepTransactionContext: true, disableTransactions: true, cloneEventManager: true });
    const clock = new DemoClock(loadStartedAt);
    fork.getEventManager().registerSubscriber(clock);
    return { em: fork, clock };
  }

  /** From now on, what the services stamp "now" is stamped `time` (ms since the epoch, before the load). */
  set(time: number): void {
    if (time >= this.loadStartedAt) throw new Error('the demo clock only goes back in time');
    this.lag = Date.now() - time;
  }

  /**
   * What to pass for a date a command names itself (a planned window, say) rather than stamps: the
   * hooks move every date from the load's start on, so a future one is handed over moved forward.
   */
  named(date: Date): Date {
    return date.getTime() >= this.loadStartedAt ? new Date(date.getTime() + this.lag) : date;
  }

  beforeCreate(args: EventArgs<object>): void {
    this.shift(args);
  }

  beforeUpdate(args: EventArgs<object>): void {
    this.shift(args);
  }

  private shift({ entity, meta }: EventArgs<object>): void {
    const values = entity as Record<string, unknown>;
    for (const prop of meta.props) {
      const value = values[prop.name];
      if (value instanceof Date) values[prop.name] = this.moved(value);
      else if (value != null && String(prop.type).toLowerCase().includes('json')) values[prop.name] = this.movedJson(value);
    }
  }

  private moved(date: Date): Date {
    return date.getTime() >= this.loadStartedAt ? new Date(date.getTime() - this.lag) : date;
  }

  private movedJson(value: unknown): unknown {
    if (typeof value === 'string' && ISO_DATE.test(value)) return this.moved(new Date(value)).toISOString();
    if (Array.isArray(value)) return value.map((item) => this.movedJson(item));
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.movedJson(item)]));
    }
    return value;
  }
}
