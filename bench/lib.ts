/** Helpers shared by the benchmarks (not a benchmark itself: bench/run.ts lists those). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/db/embedded-postgres';

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

/** Left-aligned first column, right-aligned others. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_cell, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('   '))
    .join('\n');
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
