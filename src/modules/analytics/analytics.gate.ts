import type { AnalyticsLimits } from '../../config';
import { rateLimited } from '../../errors';

/**
 * At most `slots` statistics at once; the others wait their turn, first come first served, for at
 * most `waitMs`, then RATE_LIMITED. Each running question holds a pooled database connection for up
 * to the statement timeout: without this, a burst of them would take every connection the desk's
 * own requests need.
 */
export class AnalyticsGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly slots: number,
    private readonly waitMs: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      // A waiting question takes the slot over; otherwise it is free again.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  private enter(): Promise<void> {
    if (this.running < this.slots) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(admit), 1);
        reject(rateLimited(Math.max(1, Math.ceil(this.waitMs / 1000)), 'Too many statistics are being computed right now; try again shortly.'));
      }, this.waitMs);
      this.waiting.push(admit);
    });
  }
}

// One gate per server: its configuration object is created once per server (several run in one
// process in tests and benchmarks), so the limits' identity names the server.
const gates = new WeakMap<AnalyticsLimits, AnalyticsGate>();

export function analyticsGate(limits: AnalyticsLimits): AnalyticsGate {
  let gate = gates.get(limits);
  if (!gate) gates.set(limits, (gate = new AnalyticsGate(limits.maxConcurrent, limits.queueTimeoutMs)));
  return gate;
}
