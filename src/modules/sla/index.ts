import { ticketReactors } from '../tickets/tickets.history';
import type { DomainModule } from '../module';
import { BusinessCalendar, SlaClock, SlaPolicy } from './sla.entities';
import { reactSla } from './sla.reactor';
import { SlaScheduler } from './sla.scheduler';
import { SlaEventResolver, SlaResolver, TicketSlaPolicyResolver, TicketSlaResolver } from './sla.resolver';

// After queues and routing (registered by the queues module): a routed ticket's group counts for its policy.
ticketReactors.push(reactSla);

export const slaModule: DomainModule = {
  name: 'sla',
  entities: [BusinessCalendar, SlaPolicy, SlaClock],
  resolvers: [SlaResolver, SlaEventResolver, TicketSlaResolver, TicketSlaPolicyResolver],
  nodes: {},
  background: (app) => {
    const scheduler = new SlaScheduler(app.orm, app.events, app.log);
    scheduler.start();
    return scheduler;
  },
};
