import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const postgres = globalThis.deskgraphTestPostgres;
  if (!postgres) return;
  await postgres.server?.stop();
  fs.rmSync(postgres.dataDir, { recursive: true, force: true });
}
