import { alignMany, defineLoader } from '../../graphql/loaders';
import { SlaClock } from './sla.entities';

export const clocksByTicketId = defineLoader<string, SlaClock[]>('clocksByTicketId', async ({ em }, ids) =>
  alignMany(ids, await em.find(SlaClock, { ticket: { $in: [...ids] } }, { populate: ['policy', 'policy.calendar'], orderBy: { metric: 'ASC' } }), (clock) => clock.ticket.id),
);
