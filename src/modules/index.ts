import { assetsModule } from './assets';
import { eventsModule } from './events';
import type { DomainModule } from './module';
import { queuesModule } from './queues';
import { slaModule } from './sla';
import { ticketsModule } from './tickets';
import { usersModule } from './users';
export const MODULES: DomainModule[] = [usersModule, eventsModule, assetsModule, ticketsModule, queuesModule, slaModule];
export const ENTITIES = MODULES.flatMap((module) => module.entities);
