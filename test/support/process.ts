import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-postgres';

/**
 * Helpers for tests of the real process (`node dist/src/main.js`), as an operator would run it:
 * spawned in its own process group, with an embedded PostgreSQL in a temporary DATA_DIR.
 */

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const MAIN = path.join(REPO_ROOT, 'dist', 'src', 'main.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  /** Also the id of its process group (spawned detached). */
  pid: number;
  port: number;
  baseUrl: string;
  graphqlUrl: string;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited and its output is closed. */
  exited: Promise<Exit>;
  hasExited(): boolean;
}

const spawned = new Set<ServerProcess>();


/**
 * The environment a server is started with: ours, minus whatever would make it skip the embedded
 * database or the generated secret, plus `env`.
 */
function serverEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'JWT_SECRET', 'DEMO_DATA', 'BOOTSTRAP_ADMIN_EMAIL', 'BOOTSTRAP_ADMIN_PASSWORD', 'HOST']) delete base[name];
  return { ...base, ...env };
}

/** Spawns `node dist/src/main.js` detached (own process group). `env` may override PORT. */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: serverEnv({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', ...env }),
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${MAIN}`);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let done = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    child,
    pid: child.pid,
    port,
    baseUrl,
    graphqlUrl: `${baseUrl}/graphql`,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    hasExited: () => done,
  };
  spawned.add(server);
  void exited.then(() => spawned.delete(server));
  return server;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /readyz until 200; fails early, with the server's output, if the process exits. */
export async function waitUntilReady(server: ServerProcess, timeoutMs = 150000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const { code, signal } = await server.exited;
      throw new Error(`server exited (code ${code}, signal ${signal}) before it was ready:\n${server.stderr()}${server.stdout()}`);
    }
    try {
      const response = await fetch(`${server.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      last = `HTTP ${response.status} ${await response.text()}`;
      if (response.status === 200) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`server not ready after ${timeoutMs} ms (last: ${last}):\n${server.stderr()}${server.stdout()}`);
}

/** Resolves with the exit, or rejects when the process is still running after `timeoutMs`. */
export async function exitWithin(server: ServerProcess, timeoutMs: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`process ${server.pid} still running after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Running, as opposed to gone or exited but not yet reaped by its (new) parent. */
export function isAlive(pid: number): boolean {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Live processes using `dataDir`: its path on their command line (the postmaster, `initdb`) or their
 * working directory inside it (every PostgreSQL backend chdirs into its data directory).
 */
export function processesUsing(dataDir: string): { pid: number; cmdline: string }[] {
  const dir = fs.realpathSync(dataDir);
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    let cwd = '';
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue; // gone meanwhile
    }
    try {
      cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      // a zombie, or gone meanwhile
    }
    if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) found.push({ pid: Number(entry), cmdline });
  }
  return found;
}

export async function waitFor(condition: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(stepMs);
  }
  return condition();
}

/** The pid in `<dataDir>/postgres/postmaster.pid`, when that file exists. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Leaves nothing running: SIGKILLs every server process group still alive, then shuts down any
 * PostgreSQL left on one of `dataDirs` (SIGINT to its postmaster, SIGKILL when it will not stop).
 */
export async function killAll(dataDirs: string[]): Promise<void> {
  for (const server of spawned) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exitWithin(server, 5000).catch(() => undefined);
  }
  for (const dataDir of dataDirs) {
    if (!fs.existsSync(dataDir)) continue;
    const pid = postmasterPid(dataDir);
    if (pid !== undefined && processesUsing(dataDir).some((p) => p.pid === pid)) {
      process.kill(pid, 'SIGINT');
      if (!(await waitFor(() => !isAlive(pid), 10000))) process.kill(pid, 'SIGKILL');
    }
    // Backends of a postmaster that was killed outright exit once they notice; make sure they have.
    if (!(await waitFor(() => processesUsing(dataDir).length === 0, 5000))) {
      for (const { pid: stray } of processesUsing(dataDir)) {
        try {
          process.kill(stray, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}
