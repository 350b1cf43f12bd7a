import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';

/**
 * Queues are the staff's work lists. Admins and analysts see them all; an agent sees the queues of
 * their groups, and those without groups; requesters have none.
 */
export const queuesPolicy = {
  canSeeQueue(viewer: Viewer | null, queueGroupIds: string[]): boolean {
    if (!viewer) return false;
    if (viewer.role === Role.ADMIN || viewer.role === Role.ANALYST) return true;
    if (viewer.role !== Role.AGENT) return false;
    return queueGroupIds.length === 0 || queueGroupIds.some((groupId) => viewer.groupIds.includes(groupId));
  },
};
