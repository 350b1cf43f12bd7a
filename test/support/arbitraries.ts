import fc from 'fast-check';
import { Channel, Priority, TicketStatus, TicketType } from '../../src/modules/tickets/tickets.enums';

/** Generated tickets' enum fields: any type, status, priority and channel. */
export const ticketEnumFields = {
  type: fc.constantFrom(...Object.values(TicketType)),
  status: fc.constantFrom(...Object.values(TicketStatus)),
  priority: fc.constantFrom(...Object.values(Priority)),
  channel: fc.constantFrom(...Object.values(Channel)),
};

/** A filter's list field: absent, or distinct values among `values` (an empty list filters nothing). */
export const someOf = <T>(values: T[]) => fc.option(fc.uniqueArray(fc.constantFrom(...values), { maxLength: values.length }), { nil: undefined });

/** A filter's enum lists, each absent or a choice of values. */
export const ticketEnumFilters = {
  status: someOf(Object.values(TicketStatus)),
  type: someOf(Object.values(TicketType)),
  priority: someOf(Object.values(Priority)),
  channel: someOf(Object.values(Channel)),
};
