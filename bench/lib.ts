/** Helpers shared by the benchmarks (not a benchmark itself: bench/run.ts lists those). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { ensureDatabase, freePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded-postgres';
import { migrate, openDatabase } from '../src/db/orm';
import { seedTickets, type SeedResult } from '../src/demo/bulk-seed';
import { loadConfig, type Config } from '../src/config';
import { createLogger, type Logger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server/app';

export { freePort };

/** A wrong argument or setting: bench/run.ts prints its message alone and exits with 2. */
export class UsageError extends Error {}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A positive whole number from the environment, or `fallback`; anything else stops the benchmark. */
export function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`${name} must be a whole number of at least 1, got "${raw}"`);
  return Number(raw);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const ms = (value: number) => `${Math.round(value)} ms`;

/** Nearest-rank percentile (`p` in 0..100): with fewer than 100 values, p99 is the maximum. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function stats(values: readonly number[]): { n: number; p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/** A GraphQL POST that must succeed: its data, or an error with the start of the body. */
export async function gql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

/**
 * The benchmark's database, migrated: BENCH_DATABASE_URL when set (so that a big data set loaded once
 * serves several runs), else a new embedded PostgreSQL in a scratch directory (stopped by the caller).
 */
export async function benchDatabase(scratch: Scratch, log: Logger, name: string): Promise<{ url: string; postgres?: EmbeddedPostgres }> {
  let url = process.env.BENCH_DATABASE_URL?.trim();
  let postgres: EmbeddedPostgres | undefined;
  if (!url) {
    postgres = await startEmbeddedPostgres(scratch.dataDir(name), log);
    await ensureDatabase(postgres.adminUrl, 'deskgraph');
    url = postgres.urlFor('deskgraph');
  }
  const orm = await openDatabase(url, 1, log);
  await migrate(orm);
  await orm.close();
  return { url, postgres };
}

/** What a benchmark on a database is given: see withBenchDatabase. */
export interface BenchOnDatabase {
  databaseUrl: string;
  log: Logger;
  /** A progress line on stderr (stdout carries the report). */
  say(line: string): void;
  /** Keeps `resource` to be closed by `close` when the benchmark ends; returns it. */
  hold<R>(resource: R, close: (resource: R) => Promise<unknown>): R;
  /** The real server on this database, as `npm start` runs it (quiet, any free port), `env` on top; held. */
  startServer(env: Record<string, string>): Promise<RunningServer & { config: Config }>;
}

/**
 * Runs a benchmark on benchDatabase's database. What it opens and `hold`s (servers, clients,
 * connections) is closed when it ends, last opened first, then the database and the scratch
 * directories: also on failure and on SIGINT/SIGTERM (withCleanUp).
 */
export async function withBenchDatabase<T>(name: string, body: (bench: BenchOnDatabase) => Promise<T>): Promise<T> {
  const scratch = new Scratch();
  const log = createLogger('warn');
  const closers: (() => Promise<unknown>)[] = [];
  const hold = <R>(resource: R, close: (resource: R) => Promise<unknown>): R => {
    closers.push(() => close(resource).catch(() => undefined));
    return resource;
  };
  const cleanUp = async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await scratch.cleanUp();
  };
  return withCleanUp(cleanUp, async () => {
    const database = await benchDatabase(scratch, log, name);
    if (database.postgres) hold(database.postgres, (postgres) => postgres.stop());
    const startBenchServer = async (env: Record<string, string>) => {
      const config = loadConfig({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO_DATA: '0', DATABASE_POOL_SIZE: '10', ...env });
      const server = hold(await startServer(config, log), (running) => running.stop());
      return Object.assign(server, { config });
    };
    return body({ databaseUrl: database.url, log, say: (line) => process.stderr.write(`${line}\n`), hold, startServer: startBenchServer });
  });
}

/**
 * A plain `node:http` server (a benchmark's baseline) answering every request with `answer(body)` as
 * JSON, or 500 with the error's message.
 */
export async function serveJson(path: string, answer: (body: string) => Promise<string>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      answer(Buffer.concat(chunks).toString('utf8')).then(
        (text) => {
          response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          response.end(text);
        },
        (error: Error) => {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(error.message);
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Left-aligned first column, right-aligned others. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_cell, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('   '))
    .join('\n');
}


/** Tops the database up to `tickets` seeded tickets (none are added when it holds that many already). */
export async function seedTicketsUpTo(databaseUrl: string, tickets: number, progress: (line: string) => void): Promise<SeedResult> {
  const client = new PgClient({ connectionString: databaseUrl });
  await client.connect();
  let existing: number;
  try {
    existing = Number((await client.query<{ count: string }>('select count(*) as count from tickets')).rows[0].count);
  } finally {
    await client.end();
  }
  progress(`${existing} tickets in the database, seeding up to ${tickets}...`);
  return seedTickets(databaseUrl, { tickets: Math.max(0, tickets - existing), progress });
}

/** The status of a GET without keep-alive, or undefined when nothing answers. */
export function httpStatus(url: string, timeoutMs = 2000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function waitFor(condition: () => boolean, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(stepMs);
  }
  return condition();
}

/**
 * Temporary data directories and what may run on them. `cleanUp()` leaves nothing behind: it is
 * called at the end, on failure, and on SIGINT/SIGTERM.
 */
export class Scratch {
  private readonly dirs = new Set<string>();
  private readonly groups = new Set<number>();

  dataDir(prefix: string): string {
    // Directly in the temporary directory: PostgreSQL runs as its own user and must reach it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `deskgraph-bench-${prefix}-`));
    this.dirs.add(dir);
    return dir;
  }

  /** A process group (a detached child) to kill if it is still there at clean-up. */
  track(pgid: number): void {
    this.groups.add(pgid);
  }

  untrack(pgid: number): void {
    this.groups.delete(pgid);
  }

  /** Stops a PostgreSQL still running on `dir` (fast shutdown, then SIGKILL), then deletes `dir`. */
  async remove(dir: string): Promise<void> {
    await stopPostgresIn(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(dir);
  }

  async cleanUp(): Promise<void> {
    for (const pgid of this.groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.groups.clear();
    for (const dir of [...this.dirs]) await this.remove(dir);
  }
}

/** The postmaster recorded in `<dataDir>/postgres/postmaster.pid`, if it is alive and runs on that directory. */
function runningPostmaster(dataDir: string): number | undefined {
  try {
    const pgData = fs.realpathSync(path.join(dataDir, 'postgres'));
    const pid = Number(fs.readFileSync(path.join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!(pid > 0) || !fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(pgData)) return undefined;
    return isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function stopPostgresIn(dataDir: string): Promise<void> {
  const pid = runningPostmaster(dataDir);
  if (pid === undefined) return;
  process.kill(pid, 'SIGINT');
  if (!(await waitFor(() => !isAlive(pid), 10000))) {
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 5000);
  }
}

/**
 * Runs `body`, then `cleanUp`, also on SIGINT/SIGTERM (exit 130) and on failure: what a benchmark
 * started (servers, PostgreSQL, scratch directories) never outlives it.
 */
export async function withCleanUp<T>(cleanUp: () => Promise<void>, body: () => Promise<T>): Promise<T> {
  const interrupted = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: cleaning up\n`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await body();
  } finally {
    await cleanUp();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process's parent and CPU seconds (/proc/<pid>/stat, clock-tick resolution). */
function procStat(pid: number): { ppid: number; cpu: number; reapedChildrenCpu: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After "pid (comm) ", fields[0] is the state (field 3): ppid is field 4, utime and stime are
  // fields 14 and 15, the CPU of children it has waited for (cutime, cstime) 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { ppid: fields[1], cpu: (fields[11] + fields[12]) / CLOCK_TICKS, reapedChildrenCpu: (fields[13] + fields[14]) / CLOCK_TICKS };
}

/** User + system CPU seconds of a process so far. */
export function cpuSeconds(pid: number): number {
  return procStat(pid).cpu;
}

/**
 * CPU seconds of the PostgreSQL running on `dataDir` so far: its postmaster, the backends alive now
 * and those that have exited (counted in the postmaster's children times). NaN if it is not running.
 */
export function postgresCpuSeconds(dataDir: string): number {
  const postmaster = runningPostmaster(dataDir);
  if (postmaster === undefined) return NaN;
  const own = procStat(postmaster);
  let total = own.cpu + own.reapedChildrenCpu;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = procStat(Number(entry));
      if (stat.ppid === postmaster) total += stat.cpu;
    } catch {
      // gone meanwhile: its time is now in the postmaster's children times
    }
  }
  return total;
}
