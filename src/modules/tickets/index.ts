import type { DomainModule } from '../module';
import { Ticket, TicketAsset, TicketComment, TicketHistory, TicketLink } from './tickets.entities';
import { TicketEventsResolver } from './tickets.events';
import { CommentsResolver, ticketNodeFetchers, TicketHistoryResolver, TicketLinkResolver, TicketsResolver } from './tickets.resolver';

export const ticketsModule: DomainModule = {
  name: 'tickets',
  entities: [Ticket, TicketAsset, TicketComment, TicketHistory, TicketLink],
  resolvers: [TicketsResolver, CommentsResolver, TicketHistoryResolver, TicketLinkResolver, TicketEventsResolver],
  nodes: ticketNodeFetchers,
};
