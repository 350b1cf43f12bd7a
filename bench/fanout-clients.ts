/**
 * The clients of the `fanout` benchmark, run as their own process by bench/fanout.ts (not a
 * benchmark itself), so that their work is not counted in the server's CPU and memory.
 *
 * - mode `graphql`: N graphql-ws clients (one socket each, `ws` as the WebSocket), each subscribed
 *   to ticketEvents(ticketId); an event is identified by the seq in its cursor.
 * - mode `ws`: N plain `ws` clients of the floor server; each message is parsed the same way
 *   (JSON.parse, then the cursor), as graphql-ws parses every message it receives.
 *
 * Each receipt is timed with wallClock() in the callback that hands the event over (graphql-ws's
 * `next`, or ws's `message`), before anything else is done with it. The orchestrator is told when
 * every client has an event (`all`), and gets all receipt times at the end (`collect`).
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { cursorSeq, wallClock, type FromClients, type ToClients } from './fanout-protocol';

const MAX_ERRORS_KEPT = 20;

const reply = (message: FromClients) => process.send!(message);

let total = 0;
/** Clients connected and subscribed: an event is complete when this many have it. */
let expected = 0;
let closing = false;
const receipts = new Map<number, Float64Array>();
const counts = new Map<number, number>();
let duplicates = 0;
let errorCount = 0;
const errors: string[] = [];
let sample: string | null = null;
const closers: (() => Promise<void>)[] = [];

function noteError(index: number, what: string): void {
  if (closing) return;
  errorCount += 1;
  if (errors.length < MAX_ERRORS_KEPT) errors.push(`client ${index}: ${what}`);
}

function record(index: number, key: number, at: number): void {
  if (!Number.isSafeInteger(key)) return noteError(index, 'an event without a readable cursor');
  let times = receipts.get(key);
  if (!times) {
    times = new Float64Array(total).fill(NaN);
    receipts.set(key, times);
  }
  if (!Number.isNaN(times[index])) {
    duplicates += 1;
    return;
  }
  times[index] = at;
  const count = (counts.get(key) ?? 0) + 1;
  counts.set(key, count);
  if (count === expected) reply({ type: 'all', key });
}

/** The first raw `next` message of client 0, as it came over the wire (its size is the floor's payload size). */
class SampledWebSocket extends WebSocket {
  constructor(address: string, protocols?: string | string[]) {
    super(address, protocols);
    this.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      if (sample === null && text.includes('"next"')) sample = text;
    });
  }
}

interface ConnectCommand {
  url: string;
  tokens?: string[];
  ticketId?: string;
  query?: string;
}

function openGraphql(index: number, command: ConnectCommand): Promise<string | null> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (error: string | null) => {
      if (settled) return;
      settled = true;
      resolve(error);
    };
    const client: Client = createClient({
      url: command.url,
      webSocketImpl: index === 0 ? SampledWebSocket : WebSocket,
      connectionParams: { authorization: `Bearer ${command.tokens?.[index % command.tokens.length]}` },
      lazy: true,
      retryAttempts: 0,
      keepAlive: 0,
      connectionAckWaitTimeout: 60_000,
      on: {
        connected: () => settle(null),
        closed: (event) => {
          const { code, reason } = event as { code?: number; reason?: string };
          settle(`closed (${code} ${reason ?? ''})`);
          if (!closing) noteError(index, `socket closed (${code} ${reason ?? ''})`);
        },
        error: (error) => settle(`error: ${String((error as Error)?.message ?? error)}`),
      },
    });
    client.subscribe<{ ticketEvents: { cursor: string } }>(
      { query: command.query!, variables: { ticketId: command.ticketId } },
      {
        next: (result) => {
          const at = wallClock();
          if (result.errors?.length) return noteError(index, `errors in an event: ${JSON.stringify(result.errors)}`);
          record(index, cursorSeq(result.data?.ticketEvents.cursor ?? ''), at);
        },
        error: (error) => noteError(index, `subscription failed: ${JSON.stringify(error)}`),
        complete: () => noteError(index, 'subscription completed'),
      },
    );
    closers.push(() => client.dispose() as Promise<void>);
  });
}

function openWs(index: number, url: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    let open = false;
    socket.on('open', () => {
      open = true;
      resolve(null);
    });
    socket.on('message', (data: WebSocket.RawData) => {
      const at = wallClock();
      const message = JSON.parse(data.toString()) as { payload?: { data?: { ticketEvents?: { cursor?: string } } } };
      record(index, cursorSeq(message.payload?.data?.ticketEvents?.cursor ?? ''), at);
    });
    socket.on('error', (error) => {
      if (!open) resolve(`error: ${error.message}`);
      else noteError(index, `socket error: ${error.message}`);
    });
    socket.on('close', (code) => {
      if (!open) resolve(`closed (${code})`);
      else noteError(index, `socket closed (${code})`);
    });
    closers.push(
      () =>
        new Promise<void>((done) => {
          if (socket.readyState === WebSocket.CLOSED) return done();
          socket.once('close', () => done());
          socket.close(1000);
        }),
    );
  });
}

async function connect(command: Extract<ToClients, { type: 'connect' }>): Promise<void> {
  const started = wallClock();
  total = command.count;
  let connected = 0;
  const failures: string[] = [];
  // A pool of `concurrency` openers, so the server's accept queue and auth step are not flooded at once.
  let next = 0;
  const worker = async () => {
    while (next < command.count) {
      const index = next++;
      const error = command.mode === 'graphql' ? await openGraphql(index, command) : await openWs(index, command.url);
      if (error) failures.push(`client ${index}: ${error}`);
      else connected += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.count) }, worker));
  expected = connected;
  reply({ type: 'connected', connected, failed: failures.length, ms: wallClock() - started, errors: failures.slice(0, MAX_ERRORS_KEPT) });
}

async function close(): Promise<void> {
  closing = true;
  await Promise.race([Promise.allSettled(closers.map((closer) => closer())), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  reply({ type: 'closed' });
  process.disconnect();
  setTimeout(() => process.exit(0), 100).unref();
}

function main(): void {
  process.on('message', (message: ToClients) => {
    if (message.type === 'connect') {
      void connect(message);
    } else if (message.type === 'progress') {
      reply({ type: 'progress', key: message.key, received: counts.get(message.key) ?? 0 });
    } else if (message.type === 'collect') {
      reply({ type: 'receipts', events: [...receipts.entries()], sample, errorCount, errors, duplicates });
    } else if (message.type === 'close') {
      void close();
    }
  });
  // The orchestrator going away ends the clients.
  process.on('disconnect', () => {
    if (!closing) process.exit(0);
  });
}

if (require.main === module) main();
