import { registerEnumType } from 'type-graphql';

export enum Assignment {
  NONE = 'NONE',
  ROUND_ROBIN = 'ROUND_ROBIN',
  LEAST_LOADED = 'LEAST_LOADED',
}
registerEnumType(Assignment, {
  name: 'Assignment',
  description: 'How a routed ticket gets an assignee inside its group.',
  valuesConfig: {
    NONE: { description: 'The ticket waits in the group unassigned.' },
    ROUND_ROBIN: { description: 'Active members in turn, fair over time and across instances.' },
    LEAST_LOADED: { description: 'The active member with the fewest open tickets.' },
  },
});

export enum QueueEventKind {
  TICKET_ADDED = 'TICKET_ADDED',
  TICKET_UPDATED = 'TICKET_UPDATED',
  TICKET_REMOVED = 'TICKET_REMOVED',
}
registerEnumType(QueueEventKind, { name: 'QueueEventKind' });
