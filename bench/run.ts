/**
 * `npm run bench -- <name>`: builds, then runs bench/<name>.ts from dist/bench.
 * Each benchmark module exports a one-line `description` and `run(args)`.
 */
import { UsageError } from './lib';
import * as fanout from './fanout';
import * as impact from './impact';
import * as knowledge from './knowledge';
import * as queuePage from './queue-page';
import * as queues from './queues';
import * as sla from './sla';
import * as startup from './startup';
import * as stats from './stats';

export interface Benchmark {
  description: string;
  run(args: string[]): Promise<void>;
}

const BENCHMARKS: Record<string, Benchmark> = { startup, fanout, 'queue-page': queuePage, knowledge, impact, sla, queues, stats };

function usage(): string {
  const width = Math.max(...Object.keys(BENCHMARKS).map((name) => name.length));
  return [
    'usage: npm run bench -- <name> [args]',
    '',
    'benchmarks:',
    ...Object.entries(BENCHMARKS).map(([name, benchmark]) => `  ${name.padEnd(width)}  ${benchmark.description}`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  if (name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return;
  }
  const benchmark = name === undefined ? undefined : Object.hasOwn(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (!benchmark) {
    process.stderr.write(`${name === undefined ? 'which benchmark?' : `unknown benchmark "${name}"`}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  await benchmark.run(args);
}

main().catch((error) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
