import type { FilterQuery } from '@mikro-orm/core';
import { isStaff, Role, STAFF_ROLES } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Organization, User } from './users.entities';

/**
 * Who may see which people and organizations. Every path that exposes them (lists, node lookups,
 * nested fields) asks here.
 *
 * Staff see everyone. A requester sees themself and the staff (whose names appear on their tickets),
 * never other requesters; and only their own organization.
 */
export const usersPolicy = {
  userScope(viewer: Viewer): FilterQuery<User> {
    if (isStaff(viewer.role)) return {};
    return { $or: [{ id: viewer.id }, { role: { $in: [...STAFF_ROLES] } }] };
  },

  canSeeUser(viewer: Viewer | null, user: Pick<User, 'id' | 'role'>): boolean {
    if (!viewer) return false;
    return isStaff(viewer.role) || user.id === viewer.id || isStaff(user.role);
  },

  canSeeOrganization(viewer: Viewer | null, organization: Pick<Organization, 'id'>): boolean {
    if (!viewer) return false;
    return isStaff(viewer.role) || viewer.organizationId === organization.id;
  },

  organizationScope(viewer: Viewer): FilterQuery<Organization> {
    if (isStaff(viewer.role)) return {};
    return { id: viewer.organizationId ?? { $in: [] } };
  },

  /** Groups are the desk's teams: any signed-in person may see their names. */
  canSeeGroups(viewer: Viewer | null): boolean {
    return viewer !== null;
  },

  /** Only agents and admins work tickets, so only they can belong to support groups. */
  canJoinGroups(role: Role): boolean {
    return role === Role.AGENT || role === Role.ADMIN;
  },
};
