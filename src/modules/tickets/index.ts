import type { DomainModule } from '../module';
import { Ticket, TicketAsset, TicketComment, TicketHistory, TicketLink } from './tickets.entities';
import { CommentsResolver, ticketNodeFetchers, TicketHistoryResolver, TicketLinkResolver, TicketsResolver } from './tickets.resolver';

export const ticketsModule: DomainModule = {
  name: 'tickets',
  entities: [Ticket, TicketAsset, TicketComment, TicketHistory, TicketLink],
  resolvers: [TicketsResolver, CommentsResolver, TicketHistoryResolver, TicketLinkResolver],
  nodes: ticketNodeFetchers,
};
