import { findSnapshotsById, type Snapshot } from '../../db/snapshots';
import { alignMany, alignOne, defineLoader } from '../../graphql/loaders';
import { Group, GroupMembership, Organization, User } from './users.entities';

// People, groups and organizations are shown beside every ticket: read as snapshots (see findSnapshots).
export const userById = defineLoader<string, Snapshot<User> | null>('userById', async ({ em, read }, ids) =>
  alignOne(ids, await findSnapshotsById(em, User, ids, read), (user) => user.id),
);

export const groupById = defineLoader<string, Snapshot<Group> | null>('groupById', async ({ em, read }, ids) =>
  alignOne(ids, await findSnapshotsById(em, Group, ids, read), (group) => group.id),
);

export const organizationById = defineLoader<string, Snapshot<Organization> | null>('organizationById', async ({ em, read }, ids) =>
  alignOne(ids, await findSnapshotsById(em, Organization, ids, read), (organization) => organization.id),
);

/** The groups of each user, by name. One query with its join, whatever the number of users. */
export const groupsByUserId = defineLoader<string, Group[]>('groupsByUserId', async ({ em }, userIds) => {
  const memberships = await em.find(
    GroupMembership,
    { user: { $in: [...userIds] } },
    { populate: ['group'], orderBy: { group: { name: 'ASC' } } },
  );
  return alignMany(userIds, memberships, (membership) => membership.user.id).map((list) =>
    list.map((membership) => membership.group.getEntity()),
  );
});

/** The members of each group, by name. */
export const membersByGroupId = defineLoader<string, User[]>('membersByGroupId', async ({ em }, groupIds) => {
  const memberships = await em.find(
    GroupMembership,
    { group: { $in: [...groupIds] } },
    { populate: ['user'], orderBy: { user: { name: 'ASC', id: 'ASC' } } },
  );
  return alignMany(groupIds, memberships, (membership) => membership.group.id).map((list) =>
    list.map((membership) => membership.user.getEntity()),
  );
});
