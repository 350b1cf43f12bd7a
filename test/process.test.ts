import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoginDocument, ViewerDocument } from './generated/graphql';
import { GraphQLClient } from './support/client';
import {
  exitWithin,
  isAlive,
  killAll,
  postmasterPid,
  processesUsing,
  REPO_ROOT,
  spawnServer,
  waitFor,
  waitUntilReady,
  type ServerProcess,
} from './support/process';

/**
 * The real process, as `npm start` runs it: no DATABASE_URL, so an embedded PostgreSQL in DATA_DIR.
 * The tests share one DATA_DIR and run in order: first start, restart, restart after kill -9.
 */

const DEMO_ADMIN = { email: 'admin@deskgraph.local', password: 'deskgraph-demo' };

// DATA_DIR is the mkdtemp directory itself: PostgreSQL runs as its own user and must be able to
// reach it, and the server makes only DATA_DIR traversable, not a private parent.
let dataDir: string;
let scratch: string;

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskgraph-process-'));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'deskgraph-process-scratch-'));
}, 120000);

afterAll(async () => {
  await killAll(dataDir ? [dataDir] : []);
  for (const dir of [dataDir, scratch]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 180000);

async function loginAsDemoAdmin(server: ServerProcess) {
  const { login } = await new GraphQLClient(server.graphqlUrl).data(LoginDocument, { input: DEMO_ADMIN });
  expect(login.userErrors).toEqual([]);
  expect(login.token).toEqual(expect.any(String));
  return { token: login.token!, userId: login.user!.id };
}

/** SIGTERM, exit code 0 within 10 s, and no PostgreSQL left on the data directory. */
async function stopGracefully(server: ServerProcess): Promise<void> {
  process.kill(server.pid, 'SIGTERM');
  const exit = await exitWithin(server, 10000);
  expect({ ...exit, stderr: server.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
  // The postmaster (and every backend) is gone once the server has exited; allow for the reaping of a zombie.
  await waitFor(() => processesUsing(dataDir).length === 0, 1000);
  expect(processesUsing(dataDir)).toEqual([]);
  expect(postmasterPid(dataDir)).toBeUndefined(); // PostgreSQL removes it on a clean shutdown
}

let demoAdmin: { token: string; userId: string };

test('a fresh DATA_DIR: embedded PostgreSQL, demo admin can log in, SIGTERM stops everything with 0', async () => {
  const server = await spawnServer(dataDir);
  await waitUntilReady(server);
  expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  expect(processesUsing(dataDir).map((p) => p.cmdline)).toContainEqual(expect.stringMatching(/postgres -D \S+ -p \d+/));

  demoAdmin = await loginAsDemoAdmin(server);
  await stopGracefully(server);
}, 180000);

test('a restart on the same DATA_DIR keeps the data and the token secret', async () => {
  expect(demoAdmin).toBeDefined();
  const server = await spawnServer(dataDir);
  await waitUntilReady(server);

  const { viewer } = await new GraphQLClient(server.graphqlUrl, demoAdmin.token).data(ViewerDocument);
  expect(viewer?.id).toBe(demoAdmin.userId);
  expect((await loginAsDemoAdmin(server)).userId).toBe(demoAdmin.userId);
  await stopGracefully(server);
}, 180000);

test('after kill -9 of the process group, the next start stops the orphaned PostgreSQL and serves', async () => {
  const killed = await spawnServer(dataDir);
  await waitUntilReady(killed);
  process.kill(-killed.pid, 'SIGKILL');
  expect(await exitWithin(killed, 5000)).toEqual({ code: null, signal: 'SIGKILL' });
  // PostgreSQL, in its own process group, survives: that is the case under test.
  const orphan = postmasterPid(dataDir);
  expect(orphan).toBeDefined();
  expect(isAlive(orphan!)).toBe(true);

  const server = await spawnServer(dataDir);
  await waitUntilReady(server);
  expect(isAlive(orphan!)).toBe(false);
  expect(postmasterPid(dataDir)).not.toBe(orphan);
  expect((await loginAsDemoAdmin(server)).userId).toBe(demoAdmin.userId);
  await stopGracefully(server);
}, 180000);

test('after PostgreSQL was killed too, the stale postmaster.pid does not stop the next start', async () => {
  const killed = await spawnServer(dataDir);
  await waitUntilReady(killed);
  const postmaster = postmasterPid(dataDir)!;
  process.kill(-killed.pid, 'SIGKILL');
  process.kill(postmaster, 'SIGKILL');
  await exitWithin(killed, 5000);
  // Its backends exit once they notice the postmaster is gone; then only the pid file remains.
  expect(await waitFor(() => processesUsing(dataDir).length === 0, 10000)).toBe(true);
  expect(postmasterPid(dataDir)).toBe(postmaster);

  const server = await spawnServer(dataDir);
  await waitUntilReady(server);
  expect((await loginAsDemoAdmin(server)).userId).toBe(demoAdmin.userId);
  await stopGracefully(server);
}, 180000);

test('PORT=abc: one line on stderr naming PORT, exit code 2, nothing started', async () => {
  const untouched = path.join(scratch, 'never-created');
  const server = await spawnServer(untouched, { PORT: 'abc' });
  const exit = await exitWithin(server, 10000);
  expect(exit).toEqual({ code: 2, signal: null });
  expect(server.stderr()).toMatch(/^deskgraph: PORT must be [^\n]*\n$/);
  expect(server.stdout()).toBe('');
  expect(fs.existsSync(untouched)).toBe(false);
}, 180000);
