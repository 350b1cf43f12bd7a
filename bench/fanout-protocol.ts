/**
 * What the processes of the `fanout` benchmark say to each other over their IPC channels
 * (bench/fanout.ts, the orchestrator; bench/fanout-clients.ts; bench/fanout-floor.ts;
 * bench/fanout-server-hook.ts, preloaded into the real server). Not a benchmark itself.
 */
import { performance } from 'node:perf_hooks';

/**
 * The one clock of the benchmark: CLOCK_REALTIME in ms with sub-ms resolution. Every process of the
 * run is on this machine and reads the same system clock (Date.now() is the same clock truncated to
 * whole ms); PostgreSQL's commit timestamps (gettimeofday, µs) are on it too.
 */
export const wallClock = (): number => performance.timeOrigin + performance.now();

/** The seq behind a ticketEvents cursor (base64url of `ev1:<seq>`; see src/modules/events/event-log.ts). */
export function cursorSeq(cursor: string): number {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  return decoded.startsWith('ev1:') ? Number(decoded.slice(4)) : NaN;
}

export const encodeSeq = (seq: number): string => Buffer.from(`ev1:${seq}`).toString('base64url');

/** process.memoryUsage() after a full garbage collection. */
export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/**
 * Memory after two full collections a second apart (the process must run with --expose-gc), read a
 * second after the last: V8 hands the pages it freed back to the system from a background thread, so
 * RSS read right after gc() still counts them.
 */
export async function settledMemory(): Promise<MemoryFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let round = 0; round < 2; round += 1) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external };
}

/** orchestrator → clients process */
export type ToClients =
  | {
      type: 'connect';
      /** graphql: graphql-ws clients subscribed to ticketEvents; ws: plain `ws` clients of the floor server. */
      mode: 'graphql' | 'ws';
      url: string;
      count: number;
      /** At most this many connections being opened at once. */
      concurrency: number;
      /** Client i connects with tokens[i % tokens.length]: one per distinct viewer. */
      tokens?: string[];
      ticketId?: string;
      query?: string;
    }
  | { type: 'progress'; key: number }
  | { type: 'collect' }
  | { type: 'close' };

/** clients process → orchestrator */
export type FromClients =
  | { type: 'connected'; connected: number; failed: number; ms: number; errors: string[] }
  /** Every connected client has received the event with this key (seq). */
  | { type: 'all'; key: number }
  | { type: 'progress'; key: number; received: number }
  | {
      type: 'receipts';
      /** Per key, each client's receipt time (wallClock), NaN when it never came. */
      events: [number, Float64Array][];
      /** One raw `next` message as it came over the wire. */
      sample: string | null;
      errorCount: number;
      errors: string[];
      duplicates: number;
    }
  | { type: 'closed' };

/** orchestrator → floor server */
export type ToFloor =
  | { type: 'load'; payloads: [number, string][] }
  | { type: 'broadcast'; key: number }
  | { type: 'memory' };

/** floor server → orchestrator */
export type FromFloor =
  | { type: 'listening'; port: number }
  | { type: 'loaded' }
  /** `at`: wallClock when the broadcast started (the floor's "commit"); `ms`: how long the send loop took. */
  | { type: 'sent'; key: number; at: number; ms: number; clients: number }
  | ({ type: 'memory' } & MemoryFigures);

/** orchestrator → real server (through bench/fanout-server-hook.ts) */
export type ToServer = { type: 'eventLog'; enabled: boolean } | { type: 'memory' };

/** real server → orchestrator */
export type FromServer = { type: 'hooked' } | { type: 'eventLog'; enabled: boolean } | ({ type: 'memory' } & MemoryFigures);
