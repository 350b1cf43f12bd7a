import { registerEnumType } from 'type-graphql';

export enum TicketType {
  INCIDENT = 'INCIDENT',
  SERVICE_REQUEST = 'SERVICE_REQUEST',
  QUESTION = 'QUESTION',
  PROBLEM = 'PROBLEM',
  CHANGE = 'CHANGE',
}

export enum TicketStatus {
  NEW = 'NEW',
  OPEN = 'OPEN',
  PENDING = 'PENDING',
  ON_HOLD = 'ON_HOLD',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}

export enum Impact {
  HIGH = 'HIGH',
  MEDIUM = 'MEDIUM',
  LOW = 'LOW',
}

export enum Urgency {
  HIGH = 'HIGH',
  MEDIUM = 'MEDIUM',
  LOW = 'LOW',
}

export enum Priority {
  P1 = 'P1',
  P2 = 'P2',
  P3 = 'P3',
  P4 = 'P4',
}

export enum Channel {
  PORTAL = 'PORTAL',
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  CHAT = 'CHAT',
  API = 'API',
  MONITORING = 'MONITORING',
}

export enum TicketLinkKind {
  DUPLICATES = 'DUPLICATES',
  CAUSED_BY = 'CAUSED_BY',
  RELATES_TO = 'RELATES_TO',
  PARENT_OF = 'PARENT_OF',
}

export enum LinkDirection {
  OUTGOING = 'OUTGOING',
  INCOMING = 'INCOMING',
}

registerEnumType(TicketType, { name: 'TicketType' });
registerEnumType(TicketStatus, {
  name: 'TicketStatus',
  valuesConfig: {
    PENDING: { description: 'Waiting on the requester.' },
    ON_HOLD: { description: 'Waiting on a third party.' },
  },
});
registerEnumType(Impact, { name: 'Impact', description: 'How much of the business is hit.' });
registerEnumType(Urgency, { name: 'Urgency', description: 'How fast the business needs it.' });
registerEnumType(Priority, { name: 'Priority', description: 'P1 is the most urgent. Derived from impact × urgency unless overridden.' });
registerEnumType(Channel, { name: 'Channel' });
registerEnumType(TicketLinkKind, {
  name: 'TicketLinkKind',
  valuesConfig: {
    DUPLICATES: { description: 'from is a duplicate of to.' },
    CAUSED_BY: { description: 'from (an incident) is caused by to (a problem).' },
    RELATES_TO: { description: 'Related, with no dependency.' },
    PARENT_OF: { description: 'from is the parent of to.' },
  },
});
registerEnumType(LinkDirection, { name: 'LinkDirection', description: 'OUTGOING: this ticket is the link’s `from`.' });

/** The ITIL matrix: HIGH/HIGH=P1; HIGH/MEDIUM, MEDIUM/HIGH=P2; HIGH/LOW, MEDIUM/MEDIUM, LOW/HIGH=P3; the rest P4. */
export function priorityOf(impact: Impact, urgency: Urgency): Priority {
  const score = { HIGH: 2, MEDIUM: 1, LOW: 0 };
  const total = score[impact] + score[urgency];
  return total === 4 ? Priority.P1 : total === 3 ? Priority.P2 : total === 2 ? Priority.P3 : Priority.P4;
}

const KEY_PREFIX: Record<TicketType, string> = {
  INCIDENT: 'INC',
  SERVICE_REQUEST: 'REQ',
  QUESTION: 'QST',
  PROBLEM: 'PRB',
  CHANGE: 'CHG',
};

/** The human key of a ticket: INC-42, REQ-43 … */
export function ticketKey(type: TicketType, number: number): string {
  return `${KEY_PREFIX[type]}-${number}`;
}

/** The status workflow: every move not listed here is INVALID_TRANSITION. */
export const ALLOWED_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  NEW: [TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.RESOLVED, TicketStatus.CANCELLED],
  OPEN: [TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.RESOLVED, TicketStatus.CANCELLED],
  PENDING: [TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CANCELLED],
  ON_HOLD: [TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CANCELLED],
  RESOLVED: [TicketStatus.CLOSED, TicketStatus.OPEN],
  CLOSED: [],
  CANCELLED: [],
};

/** Statuses in which the desk still owes work. */
export const OPEN_STATUSES: readonly TicketStatus[] = [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD];
