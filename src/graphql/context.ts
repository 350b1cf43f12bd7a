import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { EventDispatcher } from '../modules/events/dispatcher';
import type { Viewer } from '../auth/viewer';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { TokenService } from '../auth/tokens';
import type { Loaders } from './loaders';

/** What a service needs: the unit of work and who acts. Services are testable with just this. */
export interface ServiceContext {
  em: EntityManager;
  viewer: Viewer | null;
}

/** Long-lived collaborators, shared by every request of one server. */
export interface AppServices {
  config: Config;
  tokens: TokenService;
  log: Logger;
  orm: MikroORM;
  events: EventDispatcher;
}

/** One GraphQL operation: its own forked EntityManager and its own DataLoaders. */
export interface Context extends ServiceContext {
  requestId: string;
  ip: string;
  loaders: Loaders;
  app: AppServices;
  log: Logger;
}
