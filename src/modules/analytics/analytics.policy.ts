import type { FilterQuery } from '@mikro-orm/core';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Ticket } from '../tickets/tickets.entities';
import { ticketsPolicy } from '../tickets/tickets.policy';

/** Who runs statistics (`@Authorized` on the resolver): requesters never do. */
export const ANALYTICS_ROLES = [Role.ANALYST, Role.ADMIN, Role.AGENT];

/**
 * Which tickets statistics count: analysts and admins every ticket, an agent the tickets of their
 * own groups only (none without a group). Always within the tickets' own visibility rule, so the
 * counts agree with `tickets(filter)` for the same viewer wherever both see the same tickets.
 */
export const analyticsPolicy = {
  scope(viewer: Viewer): FilterQuery<Ticket> {
    const visible = ticketsPolicy.scope(viewer) as FilterQuery<Ticket>;
    return viewer.role === Role.AGENT ? { $and: [visible, { group: { $in: viewer.groupIds } }] } : visible;
  },
};
