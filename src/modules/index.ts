import { analyticsModule } from './analytics';
import { assetsModule } from './assets';
import { eventsModule } from './events';
import { knowledgeModule } from './knowledge';
import type { DomainModule } from './module';
import { queuesModule } from './queues';
import { slaModule } from './sla';
import { ticketsModule } from './tickets';
import { usersModule } from './users';

/** Every domain of deskgraph; the server, the ORM and `node(id)` are assembled from this list. */
export const MODULES: DomainModule[] = [usersModule, eventsModule, assetsModule, ticketsModule, queuesModule, slaModule, knowledgeModule, analyticsModule];

export const ENTITIES = MODULES.flatMap((module) => module.entities);
