import { alignMany, alignOne, defineLoader } from '../../graphql/loaders';
import { BusinessCalendar, SlaClock, SlaPolicy } from './sla.entities';

export const clocksByTicketId = defineLoader<string, SlaClock[]>('clocksByTicketId', async ({ em }, ids) =>
  alignMany(ids, await em.find(SlaClock, { ticket: { $in: [...ids] } }, { populate: ['policy', 'policy.calendar'], orderBy: { metric: 'ASC' } }), (clock) => clock.ticket.id),
);

export const slaPolicyById = defineLoader<string, SlaPolicy | null>('slaPolicyById', async ({ em }, ids) =>
  alignOne(ids, await em.find(SlaPolicy, { id: { $in: [...ids] } }), (policy) => policy.id),
);

export const calendarById = defineLoader<string, BusinessCalendar | null>('calendarById', async ({ em }, ids) =>
  alignOne(ids, await em.find(BusinessCalendar, { id: { $in: [...ids] } }), (calendar) => calendar.id),
);
