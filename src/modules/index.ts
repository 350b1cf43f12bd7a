import { assetsModule } from './assets';
import { eventsModule } from './events';
import type { DomainModule } from './module';
import { ticketsModule } from './tickets';
import { usersModule } from './users';

/** Every domain of deskgraph; the server, the ORM and `node(id)` are assembled from this list. */
export const MODULES: DomainModule[] = [usersModule, eventsModule, assetsModule, ticketsModule];

export const ENTITIES = MODULES.flatMap((module) => module.entities);
