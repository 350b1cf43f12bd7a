import 'reflect-metadata';
import { loadConfig } from '../config';
import { connectDatabase } from '../db/database';
import { seedTickets, SEED_PASSWORD } from '../demo/bulk-seed';
import { createLogger } from '../logger';

/**
 * `npm run seed -- --tickets N [--chunk M] [--sla]`: bulk-loads N synthetic tickets (and the groups, agents,
 * organizations and requesters they need) into DATABASE_URL, or the embedded database in DATA_DIR,
 * after migrating it; with --sla, their SLA clocks too. For benchmarks: set-based SQL, no events. See src/demo/bulk-seed.ts.
 */
const USAGE = 'usage: npm run seed -- --tickets N [--chunk M] [--sla]   (N, M: whole numbers; M defaults to 100000; --sla: SLA clocks too)';

function parseArgs(argv: string[]): { tickets: number; chunk: number; sla: boolean } {
  const values: Record<string, number> = { tickets: NaN, chunk: 100_000 };
  let sla = false;
  for (let index = 0; index < argv.length; index += 1) {
    if (argv[index] === '--sla') {
      sla = true;
      continue;
    }
    const name = argv[index].replace(/^--/, '');
    const raw = argv[index + 1];
    if (!argv[index].startsWith('--') || !(name in values) || raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1) {
      throw new Error(USAGE);
    }
    values[name] = Number(raw);
    index += 1;
  }
  if (!Number.isSafeInteger(values.tickets)) throw new Error(USAGE);
  return { tickets: values.tickets, chunk: values.chunk, sla };
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await connectDatabase(config, log);
  try {
    const url = database.orm.config.get('clientUrl')!;
    const result = await seedTickets(url, { tickets: args.tickets, chunkSize: args.chunk, sla: args.sla, progress: (line) => console.log(line) });
    console.log(
      `seeded ${result.tickets} tickets, ${result.comments} comments and ${result.clocks} SLA clocks in ${(result.ms / 1000).toFixed(1)} s ` +
        `(${Math.round(result.tickets / (result.ms / 1000))} tickets/s); agents such as ${result.groups[0].agentEmails[0]} log in with "${SEED_PASSWORD}"`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
