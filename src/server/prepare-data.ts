import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import { loadDemoData } from '../demo/demo-data';
import type { Logger } from '../logger';
import { bootstrapAdmin } from '../modules/users/session.service';
import { User } from '../modules/users/users.entities';

/**
 * Data a server may add at start: the demo set into an empty database (by default only with the
 * embedded database, so a newcomer can log in at once), then the configured first admin.
 */
export async function prepareData(orm: MikroORM, config: Config, embedded: boolean, log: Logger): Promise<void> {
  const em = orm.em.fork();
  if ((config.demoData ?? embedded) && (await em.count(User)) === 0) {
    await loadDemoData(em);
    log.info('demo data loaded (see the README for its accounts)');
  }
  if (config.bootstrapAdmin && (await bootstrapAdmin(em, config.bootstrapAdmin))) {
    log.info({ email: config.bootstrapAdmin.email }, 'bootstrap admin created');
  }
}
