import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { migrate, openDatabase } from './orm';

export interface Database {
  orm: MikroORM;
  /** True when this process started its own PostgreSQL (no DATABASE_URL). */
  embedded: boolean;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'deskgraph';

/** Connects to DATABASE_URL, or starts the embedded server, then applies pending migrations. */
export async function connectDatabase(config: Config, log: Logger): Promise<Database> {
  let server: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    server = await startEmbeddedPostgres(config.dataDir, log);
    await ensureDatabase(server.adminUrl, EMBEDDED_DATABASE);
    url = server.urlFor(EMBEDDED_DATABASE);
  }
  try {
    const orm = await openDatabase(url, config.databasePoolSize, log);
    const applied = await migrate(orm);
    if (applied.length) log.info({ migrations: applied }, 'migrations applied');
    return {
      orm,
      embedded: server !== undefined,
      close: async () => {
        await orm.close();
        await server?.stop();
      },
    };
  } catch (error) {
    await server?.stop();
    throw error;
  }
}

/** JWT_SECRET, or one generated on first start and kept in DATA_DIR so tokens survive restarts. */
export function jwtSecret(config: Config): string {
  if (config.jwtSecret) return config.jwtSecret;
  const file = path.join(config.dataDir, 'jwt-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
