import 'reflect-metadata';
import path from 'node:path';
import { loadConfig } from '../config';
import { connectDatabase } from '../db/database';
import { createLogger } from '../logger';

/**
 * `npm run migrate`: applies pending migrations (to DATABASE_URL, or the embedded database).
 * `npm run migration:create [-- name]`: then writes a migration for what the entities changed.
 */
const SOURCE_MIGRATIONS = path.resolve(__dirname, '..', '..', '..', 'migrations');

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await connectDatabase(config, log);
  try {
    if (process.argv[2] === 'create') {
      const created = await database.orm.getMigrator().createMigration(SOURCE_MIGRATIONS, false, false, process.argv[3]);
      console.log(created.fileName ? `created migrations/${created.fileName}` : 'entities and database agree: no migration needed');
    } else {
      const pending = await database.orm.getMigrator().getPendingMigrations();
      console.log(pending.length ? `still pending: ${pending.map((m) => m.name).join(', ')}` : 'database is up to date');
    }
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
