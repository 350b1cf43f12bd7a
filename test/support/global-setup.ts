import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { createLogger } from '../../src/logger';

declare global {
  // eslint-disable-next-line no-var
  var deskgraphTestPostgres: { server?: EmbeddedPostgres; dataDir: string } | undefined;
}

/**
 * One PostgreSQL for the whole run: the embedded one, or TEST_DATABASE_ADMIN_URL when given.
 * Each test file then creates its own database in it (test/support/server.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_ADMIN_URL) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskgraph-test-'));
  const server = await startEmbeddedPostgres(dataDir, createLogger('warn'));
  process.env.TEST_DATABASE_ADMIN_URL = server.adminUrl;
  globalThis.deskgraphTestPostgres = { server, dataDir };
}
