import { ticketReactors } from '../tickets/tickets.history';
import type { DomainModule } from '../module';
import { Queue, QueueGroup, RoutingRule } from './queues.entities';
import { reactToTicketChange } from './queues.reactor';
import { QueueEventsResolver, QueuesResolver, RoutingResolver } from './queues.resolver';
import { QueuesService } from './queues.service';
import { routeNewTicket } from './routing.service';
import { QueueNode } from './queues.types';

// Queue events first, then routing: a routed ticket enters its unassigned queues, then moves on.
ticketReactors.push(reactToTicketChange, routeNewTicket);

export const queuesModule: DomainModule = {
  name: 'queues',
  entities: [Queue, QueueGroup, RoutingRule],
  resolvers: [QueuesResolver, QueueEventsResolver, RoutingResolver],
  nodes: {
    Queue: async (ctx, id) => {
      const queue = await new QueuesService(ctx).visibleQueue(ctx.viewer, id);
      return queue && QueueNode.from(queue);
    },
  },
};
