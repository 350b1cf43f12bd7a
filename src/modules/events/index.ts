import type { DomainModule } from '../module';
import { EventLogState, EventRecord, EventSequence } from './events.entities';

/** The event log and its dispatch; the domains' subscriptions (ticketEvents …) live with their domains. */
export const eventsModule: DomainModule = {
  name: 'events',
  entities: [EventRecord, EventSequence, EventLogState],
  resolvers: [],
  nodes: {},
};
