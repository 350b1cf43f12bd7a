import { alignMany, alignOne, defineLoader } from '../../graphql/loaders';
import type { Asset } from '../assets/assets.entities';
import { Ticket, TicketAsset, TicketLink } from './tickets.entities';
import { ticketsPolicy } from './tickets.policy';

export const ticketById = defineLoader<string, Ticket | null>('ticketById', async ({ em }, ids) =>
  alignOne(ids, await em.find(Ticket, { id: { $in: [...ids] } }), (ticket) => ticket.id),
);

/** Comments each ticket shows the viewer: internal notes count for staff only. One grouped query. */
export const commentCountByTicketId = defineLoader<string, number>('commentCountByTicketId', async ({ em, viewer }, ids) => {
  const rows: { ticket_id: string; count: string }[] = await em.execute(
    `select ticket_id, count(*) as count from ticket_comments
      where ticket_id = any(?::uuid[]) ${ticketsPolicy.canSeeInternal(viewer) ? '' : 'and not internal'}
      group by ticket_id`,
    [`{${ids.join(',')}}`],
  );
  return alignOne(ids, rows, (row) => row.ticket_id).map((row) => Number(row?.count ?? 0));
});

export const assetsByTicketId = defineLoader<string, Asset[]>('assetsByTicketId', async ({ em }, ids) => {
  const links = await em.find(TicketAsset, { ticket: { $in: [...ids] } }, { populate: ['asset'], orderBy: { asset: { tag: 'ASC' } } });
  return alignMany(ids, links, (link) => link.ticket.id).map((list) => list.map((link) => link.asset.getEntity()));
});

/** Links touching each ticket, from either end. */
export const linksByTicketId = defineLoader<string, TicketLink[]>('linksByTicketId', async ({ em }, ids) => {
  const links = await em.find(TicketLink, { $or: [{ from: { $in: [...ids] } }, { to: { $in: [...ids] } }] }, { orderBy: { createdAt: 'ASC', id: 'ASC' } });
  return ids.map((id) => links.filter((link) => link.from.id === id || link.to.id === id));
});
