/**
 * Fan-out of ticket events: BENCH_CLIENTS graphql-ws clients (their own process) subscribed to one
 * busy ticket's ticketEvents while BENCH_UPDATES updateTicket mutations arrive at BENCH_RATE per
 * second. Reports commit → client receipt (p50/p99/max), the server's memory per idle subscribed
 * connection and its CPU during the updates, beside the floor measured in the same run: a bare `ws`
 * server (bench/fanout-floor.ts) broadcasting a pre-serialised payload of the same size to the same
 * number of clients at the same rate. Then updateTicket throughput with and without the event log.
 *
 * Processes: this one (the orchestrator) runs the embedded PostgreSQL and drives everything; the
 * server (`node dist/src/main.js`, with bench/fanout-server-hook.ts preloaded), the clients
 * (bench/fanout-clients.ts) and the floor each run in their own process, so that /proc tells their
 * CPU and memory apart. See bench/README.md for what exactly is measured.
 */
import { spawn, type ChildProcess, type Serializable } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded-postgres';
import { TokenService } from '../src/auth/tokens';
import { createLogger } from '../src/logger';
import {
  encodeSeq,
  wallClock,
  type FromClients,
  type FromFloor,
  type FromServer,
  type MemoryFigures,
  type ToClients,
  type ToFloor,
  type ToServer,
} from './fanout-protocol';
import { cpuSeconds, freePort, httpStatus, median, positiveInteger, Scratch, sleep, table, UsageError, withCleanUp } from './lib';

export const description =
  'graphql-ws clients on one busy ticket: commit→receipt p50/p99/max, server memory per connection and CPU, vs. a bare ws broadcast; updateTicket throughput with and without the event log';

const MAIN = path.resolve(__dirname, '..', 'src', 'main.js');
const HOOK = path.resolve(__dirname, 'fanout-server-hook.js');
const CLIENTS = path.resolve(__dirname, 'fanout-clients.js');
const FLOOR = path.resolve(__dirname, 'fanout-floor.js');

const ADMIN_EMAIL = 'bench-admin@deskgraph.local';
const AGENT_EMAIL = 'bench-agent@deskgraph.local';
const DATABASE = 'deskgraph';
/** Updates on the busy ticket before clients connect: the mutation path is warm when memory is first read. */
const WARM_UP_UPDATES = 20;
/** Events delivered to every client before the idle memory reading and the timed updates. */
const WARM_UP_EVENTS = 3;
/** Idle time before each memory reading. */
const SETTLE_MS = 5000;
/** How long after the last update every event may take to reach every client. */
const DELIVERY_TIMEOUT_MS = 600_000;
const READY_TIMEOUT_MS = 90_000;

const SUBSCRIPTION = `subscription Fanout($ticketId: ID!) {
  ticketEvents(ticketId: $ticketId) { cursor kind occurredAt changes { field from to } ticket { id status version } }
}`;
const UPDATE = `mutation Update($input: UpdateTicketInput!) {
  updateTicket(input: $input) { ticket { id version } userErrors { code message } }
}`;

interface Settings {
  clients: number;
  /** Distinct agents the clients are spread over (identical subscriptions of one viewer share executions). */
  viewers: number;
  updates: number;
  rate: number;
  connectConcurrency: number;
  throughputUpdates: number;
  throughputConcurrency: number[];
}

function settings(): Settings {
  const raw = process.env.BENCH_THROUGHPUT_CONCURRENCY?.trim() || '1,8';
  const throughputConcurrency = raw.split(',').map((part) => part.trim());
  if (!throughputConcurrency.every((part) => /^\d+$/.test(part) && Number(part) >= 1)) {
    throw new UsageError(`BENCH_THROUGHPUT_CONCURRENCY must list whole numbers of at least 1, such as 1,8; got "${raw}"`);
  }
  return {
    clients: positiveInteger('BENCH_CLIENTS', 5000),
    viewers: positiveInteger('BENCH_VIEWERS', 1),
    updates: positiveInteger('BENCH_UPDATES', 100),
    rate: positiveInteger('BENCH_RATE', 2),
    connectConcurrency: positiveInteger('BENCH_CONNECT_CONCURRENCY', 100),
    throughputUpdates: positiveInteger('BENCH_THROUGHPUT_UPDATES', 2000),
    throughputConcurrency: throughputConcurrency.map(Number),
  };
}

const progress = (line: string) => process.stderr.write(`  ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Processes: /proc readings, file-descriptor limits, IPC peers.

/** The soft limit on open files of this process (children inherit it). */
function openFilesLimit(): number {
  const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((entry) => entry.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

/**
 * Spawns `node <args>` in its own process group, with an IPC channel. When the process will hold
 * more descriptors than our limit allows, it is started through bash with a raised `ulimit -n`
 * (`exec` keeps the pid).
 */
function spawnNode(args: string[], env: NodeJS.ProcessEnv, descriptors: number, serialization: 'json' | 'advanced' = 'json'): ChildProcess {
  const options = { detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[], env, serialization };
  if (openFilesLimit() >= descriptors) return spawn(process.execPath, args, options);
  return spawn('bash', ['-c', `ulimit -n ${descriptors} && exec "$0" "$@"`, process.execPath, ...args], options);
}

/** `promise`, or `fallback()` after `ms`; the timer is cleared either way (a pending one would keep the process alive). */
async function within<T>(promise: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

type Typed = { type: string };

/** A child process we talk to over IPC: `next(type)` waits for its next message of that type. */
class Peer<In extends Typed, Out extends Typed> {
  readonly pid: number;
  private readonly waiting = new Set<{ type: string; resolve: (message: In) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private readonly listeners: ((message: In) => void)[] = [];
  private output = '';
  private exitResult: number | string | null | undefined;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    private readonly scratch: Scratch,
  ) {
    this.pid = child.pid!;
    scratch.track(this.pid);
    const keep = (chunk: string) => {
      this.output = (this.output + chunk).slice(-20_000);
    };
    child.stdout?.setEncoding('utf8').on('data', keep);
    child.stderr?.setEncoding('utf8').on('data', keep);
    child.on('message', (message: In) => {
      for (const waiter of [...this.waiting]) {
        if (waiter.type !== message.type) continue;
        this.waiting.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(message);
        break;
      }
      for (const listener of this.listeners) listener(message);
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitResult = code ?? signal;
        for (const waiter of this.waiting) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`${this.name} exited (${this.exitResult}) while we waited for "${waiter.type}"${this.tail()}`));
        }
        this.waiting.clear();
        resolve();
      }),
    );
  }

  get alive(): boolean {
    return this.exitResult === undefined;
  }

  /** What the process printed (stdout and stderr, the last 20,000 characters). */
  get printed(): string {
    return this.output;
  }

  private tail(): string {
    return this.output.trim() ? `; it printed:\n${this.output.trim().split('\n').slice(-15).join('\n')}` : '';
  }

  onMessage(listener: (message: In) => void): void {
    this.listeners.push(listener);
  }

  send(message: Out): void {
    this.child.send(message as unknown as Serializable);
  }

  next<T extends In['type']>(type: T, timeoutMs: number): Promise<Extract<In, { type: T }>> {
    if (!this.alive) return Promise.reject(new Error(`${this.name} has exited (${this.exitResult})${this.tail()}`));
    return new Promise((resolve, reject) => {
      const waiter = {
        type,
        resolve: resolve as (message: In) => void,
        reject,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          reject(new Error(`${this.name} did not answer "${type}" within ${timeoutMs} ms${this.tail()}`));
        }, timeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  request<T extends In['type']>(message: Out, type: T, timeoutMs: number): Promise<Extract<In, { type: T }>> {
    const answer = this.next(type, timeoutMs);
    this.send(message);
    return answer;
  }

  /** SIGTERM (or `signal`), then SIGKILL to its group if it is still there after `timeoutMs`. Resolves with its exit code or signal. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | string | null | undefined> {
    if (this.alive) {
      try {
        process.kill(this.pid, signal);
      } catch {
        // already gone
      }
      const stopped = await within(this.exited.then(() => true), timeoutMs, () => false);
      if (!stopped) {
        try {
          process.kill(-this.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await this.exited;
      }
    }
    this.scratch.untrack(this.pid);
    return this.exitResult;
  }

  /** Waits for the process to exit on its own (after being told to), killing it after `timeoutMs`. */
  async ended(timeoutMs = 15_000): Promise<void> {
    const ended = await within(this.exited.then(() => true), timeoutMs, () => false);
    if (!ended) await this.stop('SIGKILL');
    this.scratch.untrack(this.pid);
  }
}

type ServerPeer = Peer<FromServer, ToServer>;
type ClientsPeer = Peer<FromClients, ToClients>;
type FloorPeer = Peer<FromFloor, ToFloor>;

// ---------------------------------------------------------------------------------------------
// The real server, and GraphQL over HTTP to it.

interface Server {
  peer: ServerPeer;
  url: string;
  wsUrl: string;
}

interface Secrets {
  jwtSecret: string;
  adminPassword: string;
  agentPassword: string;
}

function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(DATABASE_|JWT_|DEMO_|BOOTSTRAP_|QUERY_|WS_|LOGIN_|EVENT_|CORS_|REDIS_)/.test(name) || ['HOST', 'PORT', 'DATA_DIR'].includes(name)) delete env[name];
  }
  return { ...env, ...extra };
}

async function startServer(scratch: Scratch, databaseUrl: string, secrets: Secrets, dataDir: string, clients: number): Promise<Server> {
  const port = await freePort();
  const env = serverEnv({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    JWT_SECRET: secrets.jwtSecret,
    DEMO_DATA: '0',
    BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    BOOTSTRAP_ADMIN_PASSWORD: secrets.adminPassword,
  });
  const peer: ServerPeer = new Peer('server', spawnNode(['--expose-gc', '-r', HOOK, MAIN], env, clients + 1024), scratch);
  const hooked = peer.next('hooked', READY_TIMEOUT_MS);
  const started = Date.now();
  while (peer.alive && Date.now() - started < READY_TIMEOUT_MS) {
    if ((await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200) {
      await hooked;
      return { peer, url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
    }
    await sleep(20);
  }
  await peer.stop('SIGKILL');
  throw new Error(`the server did not become ready:\n${peer.printed}`);
}

/** Stops the server; a failed graceful stop is reported, not fatal (the figures were measured). */
async function stopServer(server: Server, notes: string[]): Promise<void> {
  const exit = await server.peer.stop('SIGTERM');
  if (exit !== 0) notes.push(`the server did not stop cleanly after SIGTERM (exit ${exit})`);
  const printed = server.peer.printed.trim();
  if (printed) {
    const lines = printed.split('\n');
    notes.push(`the server printed ${lines.length} line(s) at LOG_LEVEL=warn; the first: ${lines[0].slice(0, 300)}`);
  }
}

// Idle sockets are dropped after 2 s, before the server's keep-alive timeout (5 s) could close one
// under a request we are about to send on it (ECONNRESET).
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 2000 });

function post(url: string, body: string, token?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function gql<T>(server: Server, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const { status, text } = await post(server.url, JSON.stringify({ query, variables }), token);
  const body = JSON.parse(text) as { data?: T; errors?: unknown[] };
  if (status !== 200 || body.errors?.length || !body.data) throw new Error(`GraphQL request failed (${status}): ${text.slice(0, 500)}`);
  return body.data;
}

/** A mutation payload with userErrors: fails on any. */
function checked<P extends { userErrors: { code: string; message: string }[] }>(what: string, payload: P): P {
  if (payload.userErrors.length) throw new Error(`${what}: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

async function login(server: Server, email: string, password: string): Promise<string> {
  const { login } = await gql<{ login: { token: string | null; userErrors: { code: string; message: string }[] } }>(
    server,
    'mutation($input: LoginInput!) { login(input: $input) { token userErrors { code message } } }',
    { input: { email, password } },
  );
  return checked('login', login).token!;
}

async function createTicket(server: Server, token: string, title: string): Promise<string> {
  const { createTicket } = await gql<{ createTicket: { ticket: { id: string } | null; userErrors: { code: string; message: string }[] } }>(
    server,
    'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } userErrors { code message } } }',
    { input: { type: 'INCIDENT', title } },
    token,
  );
  return checked('createTicket', createTicket).ticket!.id;
}

/** The database id behind a global id (base64url of `Type:uuid`, see src/graphql/global-id.ts). */
function databaseId(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];
}

/** The admin and agent tokens; the agent is created on first use of the database. */
async function sessions(server: Server, secrets: Secrets, createAgent: boolean): Promise<{ admin: string; agent: string }> {
  const admin = await login(server, ADMIN_EMAIL, secrets.adminPassword);
  if (createAgent) {
    const { createUser } = await gql<{ createUser: { userErrors: { code: string; message: string }[] } }>(
      server,
      'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code message } } }',
      { input: { email: AGENT_EMAIL, name: 'Bench Agent', role: 'AGENT', password: secrets.agentPassword } },
      admin,
    );
    checked('createUser', createUser);
  }
  return { admin, agent: await login(server, AGENT_EMAIL, secrets.agentPassword) };
}

/**
 * Tokens of `count` distinct agents: the bench agent, then agents inserted directly (no password, so
 * no login: their tokens are signed with the server's secret, as login would).
 */
async function viewerTokens(db: PgClient, secrets: Secrets, count: number, agentToken: string): Promise<string[]> {
  if (count === 1) return [agentToken];
  const { rows } = await db.query<{ id: string }>(
    `insert into users (id, created_at, updated_at, version, email, name, role)
     select gen_random_uuid(), now(), now(), 1, 'bench-viewer-' || i || '@deskgraph.local', 'Bench Viewer ' || i, 'AGENT'
       from generate_series(1, $1::int) i
     on conflict (email) do update set active = true
     returning id`,
    [count - 1],
  );
  const signer = new TokenService(secrets.jwtSecret, 24 * 3600);
  return [agentToken, ...rows.map((row) => signer.issue(row.id))];
}

interface UpdateTiming {
  sentAt: number;
  respondedAt: number;
  error?: string;
}

async function updateTicket(server: Server, token: string, ticketId: string, title: string): Promise<UpdateTiming> {
  const body = JSON.stringify({ query: UPDATE, variables: { input: { id: ticketId, title } } });
  const sentAt = wallClock();
  const { status, text } = await post(server.url, body, token);
  const respondedAt = wallClock();
  let error: string | undefined;
  try {
    const parsed = JSON.parse(text) as { data?: { updateTicket: { userErrors: unknown[] } }; errors?: unknown[] };
    if (status !== 200 || parsed.errors?.length || !parsed.data) error = `HTTP ${status}: ${text.slice(0, 300)}`;
    else if (parsed.data.updateTicket.userErrors.length) error = JSON.stringify(parsed.data.updateTicket.userErrors);
  } catch {
    error = `HTTP ${status}: ${text.slice(0, 300)}`;
  }
  return { sentAt, respondedAt, error };
}

// ---------------------------------------------------------------------------------------------
// Figures.

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

interface Distribution {
  count: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
}

function distribution(values: number[] | Float64Array, missing: number): Distribution {
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, missing, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] };
}

const fmtMs = (value: number) => (value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`);
const fmtMB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const fmtKB = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

interface Receipts {
  /** key → each client's receipt time, NaN when it never came. */
  times: Map<number, Float64Array>;
  sample: string | null;
  errorCount: number;
  errors: string[];
  duplicates: number;
}

/** Receipt − start for every client of every key in `starts`. */
function latencies(receipts: Receipts, starts: Map<number, number>): Distribution {
  const values: number[] = [];
  let missing = 0;
  for (const [key, start] of starts) {
    const times = receipts.times.get(key);
    if (!times) throw new Error(`no client received the event with key ${key}`);
    for (const at of times) {
      if (Number.isNaN(at)) missing += 1;
      else values.push(at - start);
    }
  }
  return distribution(values, missing);
}

interface PhaseResult {
  connected: number;
  connectMs: number;
  memoryBefore: MemoryFigures;
  memoryAfter: MemoryFigures;
  cpuSeconds: number;
  clientsCpuSeconds: number;
  /** From the first update (or broadcast) to the last receipt. */
  windowMs: number;
  latency: Distribution;
  payloadBytes: number;
  /** Updates (broadcasts) started behind schedule because the previous one had not finished, and the worst delay. */
  late: number;
  maxLateMs: number;
}

interface DeskgraphResult extends PhaseResult {
  fromResponse: Distribution;
  fromSend: Distribution;
  roundTrip: Distribution;
  sendToCommit: Distribution;
  sample: string;
  /** Commits per second from the first timed commit to the last. */
  commitRate: number;
}

// ---------------------------------------------------------------------------------------------
// The clients process.

interface ClientsRun {
  peer: ClientsPeer;
  /** Keys every connected client has received. */
  complete: Set<number>;
  waitAll(key: number, timeoutMs: number): Promise<boolean>;
}

function startClients(scratch: Scratch, count: number): ClientsRun {
  const peer: ClientsPeer = new Peer('clients', spawnNode([CLIENTS], { ...process.env }, count + 1024, 'advanced'), scratch);
  const complete = new Set<number>();
  const waiters = new Map<number, (() => void)[]>();
  peer.onMessage((message) => {
    if (message.type !== 'all') return;
    complete.add(message.key);
    for (const waiter of waiters.get(message.key) ?? []) waiter();
    waiters.delete(message.key);
  });
  const waitAll = async (key: number, timeoutMs: number) => {
    if (complete.has(key)) return true;
    return within(
      new Promise<boolean>((resolve) => waiters.set(key, [...(waiters.get(key) ?? []), () => resolve(true)])),
      timeoutMs,
      () => complete.has(key),
    );
  };
  return { peer, complete, waitAll };
}

async function connectClients(run: ClientsRun, command: Extract<ToClients, { type: 'connect' }>): Promise<Extract<FromClients, { type: 'connected' }>> {
  const connected = await run.peer.request(command, 'connected', 15 * 60_000);
  if (connected.failed) throw new Error(`${connected.failed} of ${command.count} clients could not connect; first errors:\n  ${connected.errors.join('\n  ')}`);
  return connected;
}

async function collect(run: ClientsRun): Promise<Receipts> {
  const answer = await run.peer.request({ type: 'collect' }, 'receipts', 120_000);
  if (answer.errorCount) throw new Error(`the clients saw ${answer.errorCount} error(s); first:\n  ${answer.errors.join('\n  ')}`);
  return { times: new Map(answer.events), sample: answer.sample, errorCount: answer.errorCount, errors: answer.errors, duplicates: answer.duplicates };
}

async function closeClients(run: ClientsRun): Promise<void> {
  if (!run.peer.alive) return;
  await run.peer.request({ type: 'close' }, 'closed', 60_000).catch(() => undefined);
  await run.peer.ended();
}

/**
 * Runs `action(i)` at start + i / rate seconds, but never before `action(i - 1)` has finished: one at
 * a time, on schedule while each takes less than the interval, late (and counted so) otherwise.
 * Returns each action's result and how late it started (ms).
 */
async function paced<T>(count: number, rate: number, action: (index: number) => Promise<T>): Promise<{ results: T[]; lateness: number[] }> {
  const interval = 1000 / rate;
  const start = wallClock() + 50;
  const results: T[] = [];
  const lateness: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const wait = start + index * interval - wallClock();
    if (wait > 0) await sleep(wait);
    lateness.push(Math.max(0, -wait));
    results.push(await action(index));
  }
  return { results, lateness };
}

// ---------------------------------------------------------------------------------------------
// Phase 1: deskgraph.

async function fanoutDeskgraph(scratch: Scratch, databaseUrl: string, secrets: Secrets, dataDir: string, config: Settings, notes: string[]): Promise<DeskgraphResult> {
  progress('deskgraph: starting the server');
  const server = await startServer(scratch, databaseUrl, secrets, dataDir, config.clients);
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  let clients: ClientsRun | undefined;
  try {
    const tokens = await sessions(server, secrets, true);
    const ticketId = await createTicket(server, tokens.admin, 'Busy ticket');
    const ticketUuid = databaseId(ticketId);
    const lastSeq = async (): Promise<number> => {
      const { rows } = await db.query<{ seq: string }>('select coalesce(max(seq), 0) as seq from events where ticket_id = $1', [ticketUuid]);
      return Number(rows[0].seq);
    };
    const update = async (title: string) => {
      const timing = await updateTicket(server, tokens.admin, ticketId, title);
      if (timing.error) throw new Error(`updateTicket failed: ${timing.error}`);
      return timing;
    };

    for (let index = 0; index < WARM_UP_UPDATES; index += 1) await update(`warm-up ${index}`);
    await sleep(SETTLE_MS);
    const memoryBefore = await server.peer.request({ type: 'memory' }, 'memory', 30_000);

    progress(`deskgraph: connecting ${config.clients} graphql-ws clients`);
    clients = startClients(scratch, config.clients);
    const connected = await connectClients(clients, {
      type: 'connect',
      mode: 'graphql',
      url: server.wsUrl,
      count: config.clients,
      concurrency: config.connectConcurrency,
      tokens: await viewerTokens(db, secrets, config.viewers, tokens.agent),
      ticketId,
      query: SUBSCRIPTION,
    });
    progress(`deskgraph: ${connected.connected} connected in ${Math.round(connected.ms)} ms; waiting until every subscription receives events`);
    // graphql-ws does not acknowledge a subscription: updates are sent until one reaches every
    // client (all subscriptions are then registered), then WARM_UP_EVENTS more.
    let delivered = 0;
    for (let attempt = 1; delivered < WARM_UP_EVENTS; attempt += 1) {
      if (attempt > 30 + WARM_UP_EVENTS) throw new Error('after 30 updates, some subscriptions still received nothing');
      await update(`probe ${attempt}`);
      const key = await lastSeq();
      if (await clients.waitAll(key, 60_000)) delivered += 1;
      else delivered = 0;
    }
    await sleep(SETTLE_MS);
    const memoryAfter = await server.peer.request({ type: 'memory' }, 'memory', 30_000);

    progress(`deskgraph: ${config.updates} updates at ${config.rate}/s`);
    const firstSeq = (await lastSeq()) + 1;
    const cpuBefore = cpuSeconds(server.peer.pid);
    const clientsCpuBefore = cpuSeconds(clients.peer.pid);
    // One update at a time: overlapping updates of one ticket would fail their version check
    // (STALE_VERSION, as documented for racing updates); when the server is too slow for the rate,
    // the updates fall behind schedule instead, and the achieved rate is reported.
    const { results: timings, lateness } = await paced(config.updates, config.rate, (index) => updateTicket(server, tokens.admin, ticketId, `fanout ${index}`));
    const failed = timings.filter((timing) => timing.error);
    if (failed.length) throw new Error(`${failed.length} of ${config.updates} updates failed; first: ${failed[0].error}`);

    // Commit times: PostgreSQL's own (track_commit_timestamp) of the transaction that wrote each event.
    const { rows } = await db.query<{ seq: string; committed: number; title: string }>(
      `select seq, extract(epoch from pg_xact_commit_timestamp(xmin)) * 1000 as committed, data #>> '{changes,0,to}' as title
         from events where ticket_id = $1 and seq >= $2 order by seq`,
      [ticketUuid, firstSeq],
    );
    if (rows.length !== config.updates) throw new Error(`expected ${config.updates} events, found ${rows.length}`);
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    for (const row of rows) {
      if (!(await clients.waitAll(Number(row.seq), deadline - Date.now()))) {
        throw new Error(`event ${row.seq} did not reach every client within ${DELIVERY_TIMEOUT_MS} ms of the last update`);
      }
    }
    const cpuAfter = cpuSeconds(server.peer.pid);
    const clientsCpuAfter = cpuSeconds(clients.peer.pid);
    const receipts = await collect(clients);
    if (receipts.duplicates) notes.push(`deskgraph: ${receipts.duplicates} duplicate deliveries`);

    const commits = new Map<number, number>();
    const responses = new Map<number, number>();
    const sends = new Map<number, number>();
    const roundTrips: number[] = [];
    const sendToCommit: number[] = [];
    for (const row of rows) {
      const seq = Number(row.seq);
      const index = Number(/^fanout (\d+)$/.exec(row.title)?.[1]);
      const timing = timings[index];
      if (!timing) throw new Error(`event ${seq} is not one of the timed updates (title ${row.title})`);
      commits.set(seq, Number(row.committed));
      responses.set(seq, timing.respondedAt);
      sends.set(seq, timing.sentAt);
      roundTrips.push(timing.respondedAt - timing.sentAt);
      sendToCommit.push(Number(row.committed) - timing.sentAt);
    }
    const commitTimes = [...commits.values()];
    let lastReceipt = 0;
    for (const seq of commits.keys()) for (const at of receipts.times.get(seq) ?? []) if (at > lastReceipt) lastReceipt = at;
    if (!receipts.sample) throw new Error('no raw message was sampled');
    return {
      connected: connected.connected,
      connectMs: connected.ms,
      memoryBefore,
      memoryAfter,
      cpuSeconds: cpuAfter - cpuBefore,
      clientsCpuSeconds: clientsCpuAfter - clientsCpuBefore,
      windowMs: lastReceipt - timings[0].sentAt,
      latency: latencies(receipts, commits),
      fromResponse: latencies(receipts, responses),
      fromSend: latencies(receipts, sends),
      roundTrip: distribution(roundTrips, 0),
      sendToCommit: distribution(sendToCommit, 0),
      payloadBytes: Buffer.byteLength(receipts.sample),
      sample: receipts.sample,
      late: lateness.filter((ms) => ms > 1).length,
      maxLateMs: Math.max(...lateness),
      commitRate: ((commitTimes.length - 1) / (Math.max(...commitTimes) - Math.min(...commitTimes))) * 1000,
    };
  } finally {
    if (clients) await closeClients(clients);
    await db.end().catch(() => undefined);
    await stopServer(server, notes);
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 2: the floor.

/** The sampled message with another cursor, padded with spaces (valid JSON) to the sample's exact size. */
function floorPayload(sample: string, key: number): string {
  const message = JSON.parse(sample) as { payload: { data: { ticketEvents: { cursor: string } } } };
  message.payload.data.ticketEvents.cursor = encodeSeq(key);
  const text = JSON.stringify(message);
  return text + ' '.repeat(Math.max(0, Buffer.byteLength(sample) - Buffer.byteLength(text)));
}

async function fanoutFloor(scratch: Scratch, sample: string, config: Settings): Promise<PhaseResult> {
  progress('floor: starting the bare ws server');
  const floor: FloorPeer = new Peer('floor', spawnNode(['--expose-gc', FLOOR], { ...process.env }, config.clients + 1024), scratch);
  let clients: ClientsRun | undefined;
  try {
    const { port } = await floor.next('listening', 30_000);
    // Keys 1..: cursors no longer than the real ones, so padding gives every payload the sample's size.
    const keys = Array.from({ length: 30 + WARM_UP_EVENTS + config.updates }, (_, index) => index + 1);
    const payloads = keys.map((key): [number, string] => [key, floorPayload(sample, key)]);
    await floor.request({ type: 'load', payloads }, 'loaded', 30_000);
    await sleep(SETTLE_MS);
    const memoryBefore = await floor.request({ type: 'memory' }, 'memory', 30_000);

    progress(`floor: connecting ${config.clients} ws clients`);
    clients = startClients(scratch, config.clients);
    const connected = await connectClients(clients, {
      type: 'connect',
      mode: 'ws',
      url: `ws://127.0.0.1:${port}/`,
      count: config.clients,
      concurrency: config.connectConcurrency,
    });
    let nextKey = 1;
    for (let delivered = 0; delivered < WARM_UP_EVENTS; ) {
      if (nextKey > 30 + WARM_UP_EVENTS) throw new Error('floor: broadcasts do not reach every client');
      const key = nextKey++;
      await floor.request({ type: 'broadcast', key }, 'sent', 30_000);
      if (await clients.waitAll(key, 60_000)) delivered += 1;
      else delivered = 0;
    }
    await sleep(SETTLE_MS);
    const memoryAfter = await floor.request({ type: 'memory' }, 'memory', 30_000);

    progress(`floor: ${config.updates} broadcasts at ${config.rate}/s`);
    const cpuBefore = cpuSeconds(floor.pid);
    const clientsCpuBefore = cpuSeconds(clients.peer.pid);
    const timedKeys = keys.slice(30 + WARM_UP_EVENTS);
    // Paced like the updates: a broadcast starts once the previous one's send loop has ended.
    const { results: broadcasts, lateness } = await paced(timedKeys.length, config.rate, (index) =>
      floor.request({ type: 'broadcast', key: timedKeys[index] }, 'sent', 60_000),
    );
    const sent = new Map(broadcasts.map((broadcast) => [broadcast.key, broadcast.at]));
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    for (const key of timedKeys) {
      if (!(await clients.waitAll(key, deadline - Date.now()))) throw new Error(`floor: broadcast ${key} did not reach every client`);
    }
    const cpuAfter = cpuSeconds(floor.pid);
    const clientsCpuAfter = cpuSeconds(clients.peer.pid);
    const receipts = await collect(clients);
    let lastReceipt = 0;
    for (const key of timedKeys) for (const at of receipts.times.get(key) ?? []) if (at > lastReceipt) lastReceipt = at;
    return {
      connected: connected.connected,
      connectMs: connected.ms,
      memoryBefore,
      memoryAfter,
      cpuSeconds: cpuAfter - cpuBefore,
      clientsCpuSeconds: clientsCpuAfter - clientsCpuBefore,
      windowMs: lastReceipt - sent.get(timedKeys[0])!,
      latency: latencies(receipts, sent),
      payloadBytes: Buffer.byteLength(payloads[0][1]),
      late: lateness.filter((ms) => ms > 1).length,
      maxLateMs: Math.max(...lateness),
    };
  } finally {
    if (clients) await closeClients(clients);
    // Losing its IPC channel ends the floor.
    floor.child.disconnect();
    await floor.ended();
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 3: throughput with and without the event log.

interface Arm {
  updates: number;
  ms: number;
  cpuSeconds: number;
  rounds: number[];
}

interface ThroughputResult {
  concurrency: number;
  withLog: Arm;
  withoutLog: Arm;
}

async function throughput(scratch: Scratch, databaseUrl: string, secrets: Secrets, dataDir: string, config: Settings, notes: string[]): Promise<ThroughputResult[]> {
  progress('throughput: starting a fresh server');
  const server = await startServer(scratch, databaseUrl, secrets, dataDir, 0);
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    const tokens = await sessions(server, secrets, false);
    const maxConcurrency = Math.max(...config.throughputConcurrency);
    const tickets: string[] = [];
    for (let index = 0; index < maxConcurrency; index += 1) tickets.push(await createTicket(server, tokens.admin, `Throughput ${index}`));
    /** Ticket events, and all events (other domains may append their own in the same transactions). */
    const eventCount = async () => {
      const { rows } = await db.query<{ ticket: string; total: string }>(`select count(*) filter (where topic = 'ticket') as ticket, count(*) as total from events`);
      return { ticket: Number(rows[0].ticket), all: Number(rows[0].total) };
    };
    const setLog = async (enabled: boolean) => {
      const answer = await server.peer.request({ type: 'eventLog', enabled }, 'eventLog', 10_000);
      if (answer.enabled !== enabled) throw new Error('the server did not switch its event log');
    };
    let counter = 0;
    /** `count` updates by `concurrency` workers, each on its own ticket, one after another; ms taken. */
    const burst = async (count: number, concurrency: number): Promise<number> => {
      let left = count;
      const started = wallClock();
      await Promise.all(
        Array.from({ length: concurrency }, async (_, worker) => {
          while (left > 0) {
            left -= 1;
            const timing = await updateTicket(server, tokens.admin, tickets[worker], `throughput ${(counter += 1)}`);
            if (timing.error) throw new Error(`updateTicket failed: ${timing.error}`);
          }
        }),
      );
      return wallClock() - started;
    };

    const results: ThroughputResult[] = [];
    for (const concurrency of config.throughputConcurrency) {
      progress(`throughput: ${config.throughputUpdates} updates per arm, ${concurrency} at a time`);
      const warmUp = Math.min(200, config.throughputUpdates);
      for (const enabled of [true, false]) {
        await setLog(enabled);
        await burst(warmUp, concurrency);
      }
      // ABBA ABBA: drift in the machine's speed falls on both arms alike.
      const order = [true, false, false, true, true, false, false, true];
      const perRound = Math.ceil(config.throughputUpdates / 4);
      const arms = new Map<boolean, Arm>([
        [true, { updates: 0, ms: 0, cpuSeconds: 0, rounds: [] }],
        [false, { updates: 0, ms: 0, cpuSeconds: 0, rounds: [] }],
      ]);
      for (const enabled of order) {
        await setLog(enabled);
        const eventsBefore = await eventCount();
        const cpuBefore = cpuSeconds(server.peer.pid);
        const ms = await burst(perRound, concurrency);
        const cpu = cpuSeconds(server.peer.pid) - cpuBefore;
        const eventsAfter = await eventCount();
        const written = enabled ? eventsAfter.ticket - eventsBefore.ticket : eventsAfter.all - eventsBefore.all;
        if (written !== (enabled ? perRound : 0)) {
          throw new Error(`${perRound} updates with the event log ${enabled ? 'on' : 'off'} wrote ${written} ${enabled ? 'ticket ' : ''}events`);
        }
        const arm = arms.get(enabled)!;
        arm.updates += perRound;
        arm.ms += ms;
        arm.cpuSeconds += cpu;
        arm.rounds.push((perRound / ms) * 1000);
      }
      results.push({ concurrency, withLog: arms.get(true)!, withoutLog: arms.get(false)! });
    }
    return results;
  } finally {
    await db.end().catch(() => undefined);
    await stopServer(server, notes);
  }
}

// ---------------------------------------------------------------------------------------------

async function startPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const log = createLogger('warn');
  // Commit timestamps are what "commit → receipt" is measured from; the setting needs a restart.
  const first = await startEmbeddedPostgres(dataDir, log);
  const client = new PgClient({ connectionString: first.adminUrl });
  await client.connect();
  await client.query('alter system set track_commit_timestamp = on');
  await client.end();
  await first.stop();
  const postgres = await startEmbeddedPostgres(dataDir, log);
  await ensureDatabase(postgres.adminUrl, DATABASE);
  return postgres;
}

function report(config: Settings, deskgraph: DeskgraphResult, floor: PhaseResult, rates: ThroughputResult[], notes: string[], loads: number[]): string {
  const n = config.clients;
  const deliveries = n * config.updates;
  const row = (name: string, result: PhaseResult) => [
    name,
    fmtMs(result.latency.p50),
    fmtMs(result.latency.p99),
    fmtMs(result.latency.max),
    String(result.latency.missing),
  ];
  const perConnection = (result: PhaseResult, field: keyof MemoryFigures) => (result.memoryAfter[field] - result.memoryBefore[field]) / result.connected;
  const ratio = deskgraph.latency.p99 / floor.latency.p99;
  const memory = perConnection(deskgraph, 'rss');
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const worst = Math.max(...rates.map((rate) => 1 - rate.withLog.updates / rate.withLog.ms / (rate.withoutLog.updates / rate.withoutLog.ms)));
  const list = (values: number[]) => values.map((value) => Math.round(value)).join(', ');
  const lines = [
    `fanout: ${n} clients (one process) of ${config.viewers} distinct agent(s), one ticket, ${config.updates} updates at ${config.rate}/s; node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`,
    '',
    `commit → client receipt, ${deliveries} deliveries each`,
    table([
      ['', 'p50', 'p99', 'max', 'missing'],
      row('deskgraph (graphql-ws)', deskgraph),
      row('floor (bare ws)', floor),
    ]),
    '',
    table([
      ['server process', 'deskgraph', 'floor'],
      ['RSS before clients', fmtMB(deskgraph.memoryBefore.rss), fmtMB(floor.memoryBefore.rss)],
      [`RSS, ${n} idle subscribed`, fmtMB(deskgraph.memoryAfter.rss), fmtMB(floor.memoryAfter.rss)],
      ['RSS per connection', fmtKB(perConnection(deskgraph, 'rss')), fmtKB(perConnection(floor, 'rss'))],
      ['V8 heap used per connection', fmtKB(perConnection(deskgraph, 'heapUsed')), fmtKB(perConnection(floor, 'heapUsed'))],
      ['V8 heap reserved per connection', fmtKB(perConnection(deskgraph, 'heapTotal')), fmtKB(perConnection(floor, 'heapTotal'))],
      [`CPU during the ${config.updates} updates`, `${deskgraph.cpuSeconds.toFixed(2)} s`, `${floor.cpuSeconds.toFixed(2)} s`],
      ['  over (first update → last receipt)', `${(deskgraph.windowMs / 1000).toFixed(2)} s`, `${(floor.windowMs / 1000).toFixed(2)} s`],
      ['  i.e. of one core', `${Math.round((deskgraph.cpuSeconds / deskgraph.windowMs) * 100000)} %`, `${Math.round((floor.cpuSeconds / floor.windowMs) * 100000)} %`],
      ['clients process CPU, same window', `${deskgraph.clientsCpuSeconds.toFixed(2)} s`, `${floor.clientsCpuSeconds.toFixed(2)} s`],
      [`connecting ${n} clients`, fmtMs(deskgraph.connectMs), fmtMs(floor.connectMs)],
      ['message size', `${deskgraph.payloadBytes} B`, `${floor.payloadBytes} B`],
      [`updates started late (of ${config.updates})`, String(deskgraph.late), String(floor.late)],
      ['  worst delay', fmtMs(deskgraph.maxLateMs), fmtMs(floor.maxLateMs)],
    ]),
    '',
    'deskgraph, the same deliveries from other starting points, and the mutations:',
    `  HTTP response → receipt   p50 ${fmtMs(deskgraph.fromResponse.p50)}, p99 ${fmtMs(deskgraph.fromResponse.p99)}, max ${fmtMs(deskgraph.fromResponse.max)}`,
    `  request sent → receipt    p50 ${fmtMs(deskgraph.fromSend.p50)}, p99 ${fmtMs(deskgraph.fromSend.p99)}, max ${fmtMs(deskgraph.fromSend.max)}`,
    `  request sent → commit     p50 ${fmtMs(deskgraph.sendToCommit.p50)}, p99 ${fmtMs(deskgraph.sendToCommit.p99)}, max ${fmtMs(deskgraph.sendToCommit.max)}`,
    `  mutation round trip       p50 ${fmtMs(deskgraph.roundTrip.p50)}, p99 ${fmtMs(deskgraph.roundTrip.p99)}, max ${fmtMs(deskgraph.roundTrip.max)}`,
    `  commits: ${deskgraph.commitRate.toFixed(1)}/s from the first to the last (asked: ${config.rate}/s)`,
    '',
    `updateTicket throughput over HTTP, ${config.throughputUpdates} per arm in 4 interleaved rounds (ABBA ABBA), each worker on its own ticket`,
    table([
      ['concurrency', 'with event log', 'without', 'cost', 'server CPU/update with', 'without'],
      ...rates.map((rate) => {
        const withLog = (rate.withLog.updates / rate.withLog.ms) * 1000;
        const without = (rate.withoutLog.updates / rate.withoutLog.ms) * 1000;
        return [
          String(rate.concurrency),
          `${Math.round(withLog)}/s`,
          `${Math.round(without)}/s`,
          `${((1 - withLog / without) * 100).toFixed(1)} %`,
          `${((rate.withLog.cpuSeconds / rate.withLog.updates) * 1000).toFixed(2)} ms`,
          `${((rate.withoutLog.cpuSeconds / rate.withoutLog.updates) * 1000).toFixed(2)} ms`,
        ];
      }),
    ]),
    ...rates.map((rate) => `  rounds at concurrency ${rate.concurrency} (updates/s): with ${list(rate.withLog.rounds)}; without ${list(rate.withoutLog.rounds)}`),
    '',
    'targets:',
    `  p99 < 200 ms: ${fmtMs(deskgraph.latency.p99)}, ${verdict(deskgraph.latency.p99 < 200)}`,
    `  p99 within 2x of the floor: ${ratio.toFixed(2)}x, ${verdict(ratio <= 2)}`,
    `  < 30 KB server memory per idle subscribed connection: ${fmtKB(memory)} (RSS), ${verdict(memory < 30 * 1024)}`,
    `  event log costs < 10 % of update throughput: worst ${(worst * 100).toFixed(1)} %, ${verdict(worst < 0.1)}`,
    '',
    `median of all round rates: with ${Math.round(median(rates.flatMap((rate) => rate.withLog.rounds)))}/s, without ${Math.round(median(rates.flatMap((rate) => rate.withoutLog.rounds)))}/s`,
    `load average (1 min) of the machine: ${loads.map((load) => load.toFixed(2)).join(' at the start, ')} at the end`,
    ...notes.map((note) => `note: ${note}`),
    '',
  ];
  return lines.join('\n');
}

export async function run(args: string[]): Promise<void> {
  if (args.length) throw new UsageError(`fanout takes no arguments (see bench/README.md for its BENCH_* settings), got ${args.join(' ')}`);
  const config = settings();
  const scratch = new Scratch();
  let postgres: EmbeddedPostgres | undefined;
  const cleanUp = async () => {
    agent.destroy();
    await postgres?.stop().catch(() => undefined);
    await scratch.cleanUp();
  };
  process.stderr.write(
    `fanout: ${config.clients} clients (BENCH_CLIENTS) of ${config.viewers} agent(s) (BENCH_VIEWERS), ${config.updates} updates (BENCH_UPDATES) at ${config.rate}/s (BENCH_RATE), ` +
      `throughput ${config.throughputUpdates} per arm (BENCH_THROUGHPUT_UPDATES) at concurrency ${config.throughputConcurrency.join(', ')}...\n`,
  );
  return withCleanUp(cleanUp, async () => {
    const dataDir = scratch.dataDir('fanout');
    postgres = await startPostgres(dataDir);
    const databaseUrl = postgres.urlFor(DATABASE);
    const secrets: Secrets = {
      jwtSecret: randomBytes(48).toString('base64url'),
      adminPassword: randomBytes(18).toString('base64url'),
      agentPassword: randomBytes(18).toString('base64url'),
    };
    const notes: string[] = [];
    const loadAtStart = os.loadavg()[0];
    const deskgraph = await fanoutDeskgraph(scratch, databaseUrl, secrets, dataDir, config, notes);
    const floor = await fanoutFloor(scratch, deskgraph.sample, config);
    const rates = await throughput(scratch, databaseUrl, secrets, dataDir, config, notes);
    process.stdout.write(report(config, deskgraph, floor, rates, notes, [loadAtStart, os.loadavg()[0]]));
  });
}
