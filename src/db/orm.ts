import path from 'node:path';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import { ENTITIES } from '../modules';
import { eventCommitSubscriber } from '../modules/events/committed';

/** migrations/ at the repository root, or dist/migrations once compiled: the same path from here. */
const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');
const RUNNING_TYPESCRIPT = __filename.endsWith('.ts');

export function ormOptions(databaseUrl: string, poolSize: number, log?: Logger): Options {
  return {
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    subscribers: [eventCommitSubscriber],
    // Request work must use a forked EntityManager; touching the global one is a bug, so it throws.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    preferTs: RUNNING_TYPESCRIPT,
    pool: { min: 0, max: poolSize },
    // Schema changes happen only through migrations.
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: true },
    debug: log?.isLevelEnabled('trace') ? ['query', 'query-params'] : false,
    logger: (message) => log?.trace(message),
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      glob: '!(*.d).{js,ts}',
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      // New migrations are diffed against the migrated database itself, so no snapshot file is kept.
      snapshot: false,
      emit: 'ts',
    },
  };
}

export async function openDatabase(databaseUrl: string, poolSize: number, log?: Logger): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, poolSize, log));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}
