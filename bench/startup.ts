/**
 * Startup time of `node dist/src/main.js` on the embedded database, from spawn to the first 200 from
 * GET /readyz, for a fresh DATA_DIR (initdb, migrations, demo data) and an existing one; beside it,
 * as the baseline measured in the same run, the bare embedded PostgreSQL start (startEmbeddedPostgres)
 * on a fresh and an existing data directory.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { createLogger } from '../src/logger';
import { freePort, httpStatus, median, ms, positiveInteger, Scratch, sleep, table, UsageError, withCleanUp } from './lib';

export const description = 'spawn of node dist/src/main.js to the first 200 from /readyz, fresh and existing DATA_DIR, vs. bare embedded PostgreSQL start';

const MAIN = path.resolve(__dirname, '..', 'src', 'main.js');
const READY_TIMEOUT_MS = 90000;
const POLL_MS = 10;

/** The server's environment: ours without what would bypass the embedded database or the generated secret. */
function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'JWT_SECRET', 'DEMO_DATA', 'BOOTSTRAP_ADMIN_EMAIL', 'BOOTSTRAP_ADMIN_PASSWORD', 'HOST']) delete env[name];
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

/** Spawns the server on `dataDir`, returns ms from spawn to the first /readyz 200, then stops it (SIGTERM, untimed). */
async function timeServerStart(scratch: Scratch, dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: serverEnv({ DATA_DIR: dataDir, PORT: String(port) }),
  });
  const pid = child.pid!;
  scratch.track(pid);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let exit: number | string | null | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => resolve(void (exit = code ?? signal))));

  let elapsed: number | undefined;
  while (exit === undefined && performance.now() - started < READY_TIMEOUT_MS) {
    if ((await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200) {
      elapsed = performance.now() - started;
      break;
    }
    await sleep(POLL_MS);
  }
  if (exit === undefined) process.kill(pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 15000))),
  ]);
  clearTimeout(timer);
  if (!stopped) process.kill(-pid, 'SIGKILL');
  scratch.untrack(pid);
  if (elapsed === undefined) {
    throw new Error(`server on ${dataDir} ${exit === undefined ? `not ready after ${READY_TIMEOUT_MS} ms` : `exited (${exit})`}:\n${stderr}`);
  }
  if (exit !== 0) throw new Error(`server on ${dataDir} did not stop cleanly after SIGTERM (exit ${exit}):\n${stderr}`);
  return elapsed;
}

/** ms from spawn to exit of the server with a bad PORT: node start-up plus loading every module. */
async function timeModuleLoad(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], { stdio: 'ignore', env: serverEnv({ PORT: 'abc' }) });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 2) throw new Error(`expected exit code 2 for PORT=abc, got ${code}`);
  return performance.now() - started;
}

const log = createLogger('warn');

/** ms for startEmbeddedPostgres (initdb when needed, start, first connection), in this process; then stops it. */
async function timeBarePostgres(dataDir: string): Promise<number> {
  const started = performance.now();
  const postgres = await startEmbeddedPostgres(dataDir, log);
  const elapsed = performance.now() - started;
  await postgres.stop();
  return elapsed;
}

interface Samples {
  serverFresh: number[];
  serverExisting: number[];
  bareFresh: number[];
  bareExisting: number[];
  moduleLoad: number[];
}

async function measure(scratch: Scratch, runs: number): Promise<Samples> {
  const samples: Samples = { serverFresh: [], serverExisting: [], bareFresh: [], bareExisting: [], moduleLoad: [] };
  // The existing directories are made by one untimed start each, which also warms the file cache.
  const serverDir = scratch.dataDir('server');
  const bareDir = scratch.dataDir('bare');
  await timeServerStart(scratch, serverDir);
  await timeBarePostgres(bareDir);

  // Interleaved, so that drift in the machine's load spreads over all cases alike.
  for (let run = 1; run <= runs; run += 1) {
    const freshBare = scratch.dataDir('bare-fresh');
    samples.bareFresh.push(await timeBarePostgres(freshBare));
    await scratch.remove(freshBare);

    const freshServer = scratch.dataDir('server-fresh');
    samples.serverFresh.push(await timeServerStart(scratch, freshServer));
    await scratch.remove(freshServer);

    samples.bareExisting.push(await timeBarePostgres(bareDir));
    samples.serverExisting.push(await timeServerStart(scratch, serverDir));
    samples.moduleLoad.push(await timeModuleLoad());
    process.stderr.write(`  run ${run}/${runs} done\n`);
  }
  return samples;
}

function report(samples: Samples, runs: number): string {
  const row = (name: string, server: number[], bare: number[]) => [
    name,
    ms(median(server)),
    ms(Math.max(...server)),
    ms(median(bare)),
    ms(Math.max(...bare)),
    `${(median(server) / median(bare)).toFixed(2)}x`,
  ];
  const list = (values: number[]) => values.map((value) => Math.round(value)).join(', ');
  return [
    `startup: ${runs} runs per case; node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`,
    '',
    table([
      ['', 'server', '', 'bare PostgreSQL', '', 'ratio'],
      ['DATA_DIR', 'median', 'max', 'median', 'max', 'server/bare'],
      row('fresh', samples.serverFresh, samples.bareFresh),
      row('existing', samples.serverExisting, samples.bareExisting),
    ]),
    '',
    `node + loading dist/src (PORT=abc, exits at config): median ${ms(median(samples.moduleLoad))}, max ${ms(Math.max(...samples.moduleLoad))}`,
    '',
    'all runs (ms):',
    `  server fresh      ${list(samples.serverFresh)}`,
    `  server existing   ${list(samples.serverExisting)}`,
    `  bare fresh        ${list(samples.bareFresh)}`,
    `  bare existing     ${list(samples.bareExisting)}`,
    `  node + modules    ${list(samples.moduleLoad)}`,
    '',
  ].join('\n');
}

export async function run(args: string[]): Promise<void> {
  if (args.length) throw new UsageError(`startup takes no arguments (runs: BENCH_RUNS), got ${args.join(' ')}`);
  const runs = positiveInteger('BENCH_RUNS', 5);
  const scratch = new Scratch();
  process.stderr.write(`startup: ${runs} runs per case (BENCH_RUNS)...\n`);
  await withCleanUp(
    () => scratch.cleanUp(),
    async () => process.stdout.write(report(await measure(scratch, runs), runs)),
  );
}
