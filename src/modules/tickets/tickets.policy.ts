import type { FilterQuery } from '@mikro-orm/core';
import { isStaff, Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import { TicketStatus } from './tickets.enums';

/** What a visibility decision needs to know of a ticket (a Ticket entity has it). */
export interface TicketOwnership {
  requester: { id: string };
  organization: { id: string } | null;
}

/**
 * Who may see and do what with tickets: every ticket path (lists, counts, search, node, nested
 * fields, mutations) asks here.
 *
 * Staff see every ticket and every internal note. A requester sees the tickets they asked for, and
 * their organization's when it shares tickets, never internal notes. Agents and admins work tickets;
 * analysts only read.
 */
export const ticketsPolicy = {
  /** The tickets a viewer may see, as a query condition. */
  scope(viewer: Viewer): FilterQuery<{ requester: unknown; organization: unknown }> {
    if (isStaff(viewer.role)) return {};
    const own = { requester: viewer.id };
    return viewer.organizationSharesTickets && viewer.organizationId
      ? { $or: [own, { organization: viewer.organizationId }] }
      : own;
  },

  canSee(viewer: Viewer | null, ticket: TicketOwnership): boolean {
    if (!viewer) return false;
    if (isStaff(viewer.role) || ticket.requester.id === viewer.id) return true;
    return viewer.organizationSharesTickets && viewer.organizationId !== null && ticket.organization?.id === viewer.organizationId;
  },

  canSeeInternal(viewer: Viewer | null): boolean {
    return viewer !== null && isStaff(viewer.role);
  },

  /** Agents and admins work tickets: assign, triage, write internal notes, link. */
  canWork(viewer: Viewer | null): boolean {
    return viewer?.role === Role.AGENT || viewer?.role === Role.ADMIN;
  },

  /** Opening a ticket for someone else (a phone call, an e-mail) is the desk's job. */
  canActForOthers(viewer: Viewer): boolean {
    return this.canWork(viewer);
  },

  /**
   * Status moves a requester may make on a ticket they see: cancel it, accept (close) or reopen a
   * resolution. Which moves exist at all is the workflow's business (ALLOWED_TRANSITIONS).
   */
  canMoveStatus(viewer: Viewer, from: TicketStatus, to: TicketStatus): boolean {
    if (this.canWork(viewer)) return true;
    if (viewer.role !== Role.REQUESTER) return false;
    return to === TicketStatus.CANCELLED || (from === TicketStatus.RESOLVED && (to === TicketStatus.CLOSED || to === TicketStatus.OPEN));
  },

  /** Analysts read; everyone else who sees a ticket may reply on it. */
  canComment(viewer: Viewer): boolean {
    return viewer.role !== Role.ANALYST;
  },

  /** Only the person who asked rates the service. */
  canRate(viewer: Viewer, ticket: TicketOwnership): boolean {
    return ticket.requester.id === viewer.id;
  },
};
