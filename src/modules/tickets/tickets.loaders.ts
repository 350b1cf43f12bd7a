import { snapshotColumns, toSnapshot, type Snapshot } from '../../db/snapshots';
import { alignMany, alignOne, defineLoader } from '../../graphql/loaders';
import { Asset } from '../assets/assets.entities';
import { Ticket, TicketLink } from './tickets.entities';

export const ticketById = defineLoader<string, Ticket | null>('ticketById', async ({ em }, ids) =>
  alignOne(ids, await em.find(Ticket, { id: { $in: [...ids] } }), (ticket) => ticket.id),
);

/**
 * Comments per ticket, all and public ones, in one grouped query. Both counts come back so that
 * the loader does not depend on who asks (event fan-out shares loaders between viewers).
 */
export const commentCountsByTicketId = defineLoader<string, { all: number; public: number }>('commentCountsByTicketId', async ({ read }, ids) => {
  const rows = await read<{ ticket_id: string; all: string; public: string }>(
    `select ticket_id, count(*) as all, count(*) filter (where not internal) as public
       from ticket_comments where ticket_id = any(?::uuid[]) group by ticket_id`,
    [`{${ids.join(',')}}`],
  );
  return alignOne(ids, rows, (row) => row.ticket_id).map((row) => ({ all: Number(row?.all ?? 0), public: Number(row?.public ?? 0) }));
});

/** Assets per ticket by tag, in one joined query (as snapshots, like every loader a list page uses). */
export const assetsByTicketId = defineLoader<string, Snapshot<Asset>[]>('assetsByTicketId', async ({ em, read }, ids) => {
  const rows = await read<{ linked_ticket_id: string } & Record<string, unknown>>(
    `select ta.ticket_id as linked_ticket_id, ${snapshotColumns(em, Asset, 'a')} from ticket_assets ta join assets a on a.id = ta.asset_id
      where ta.ticket_id = any(?::uuid[]) order by a.tag`,
    [`{${ids.join(',')}}`],
  );
  return alignMany(ids, rows, (row) => row.linked_ticket_id).map((list) => list.map((row) => toSnapshot(em, Asset, row)));
});

/** Links touching each ticket, from either end. */
export const linksByTicketId = defineLoader<string, TicketLink[]>('linksByTicketId', async ({ em }, ids) => {
  const links = await em.find(TicketLink, { $or: [{ from: { $in: [...ids] } }, { to: { $in: [...ids] } }] }, { orderBy: { createdAt: 'ASC', id: 'ASC' } });
  return ids.map((id) => links.filter((link) => link.from.id === id || link.to.id === id));
});

/** The seq of each ticket's latest event: where a client that just read the ticket resumes from. */
export const latestEventSeqByTicketId = defineLoader<string, number>('latestEventSeqByTicketId', async ({ read }, ids) => {
  const rows = await read<{ ticket_id: string; seq: string }>(
    `select ticket_id, max(seq) as seq from events where ticket_id = any(?::uuid[]) and topic = 'ticket' group by ticket_id`,
    [`{${ids.join(',')}}`],
  );
  return alignOne(ids, rows, (row) => row.ticket_id).map((row) => Number(row?.seq ?? 0));
});
