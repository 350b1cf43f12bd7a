import type { DomainModule } from '../module';
import { GroupsResolver } from './groups.resolver';
import { OrganizationsResolver } from './organizations.resolver';
import { SessionResolver } from './session.resolver';
import { Group, GroupMembership, LoginThrottle, Organization, User } from './users.entities';
import { groupById, organizationById, userById } from './users.loaders';
import { usersPolicy } from './users.policy';
import { UsersResolver } from './users.resolver';
import { GroupNode, OrganizationNode, UserNode } from './users.types';

export const usersModule: DomainModule = {
  name: 'users',
  entities: [User, Group, GroupMembership, Organization, LoginThrottle],
  resolvers: [SessionResolver, UsersResolver, GroupsResolver, OrganizationsResolver],
  nodes: {
    User: async (ctx, id) => {
      const user = await ctx.loaders.get(userById).load(id);
      return user && usersPolicy.canSeeUser(ctx.viewer, user) ? UserNode.from(user) : null;
    },
    Group: async (ctx, id) => {
      const group = await ctx.loaders.get(groupById).load(id);
      return group && usersPolicy.canSeeGroups(ctx.viewer) ? GroupNode.from(group) : null;
    },
    Organization: async (ctx, id) => {
      const organization = await ctx.loaders.get(organizationById).load(id);
      return organization && usersPolicy.canSeeOrganization(ctx.viewer, organization) ? OrganizationNode.from(organization) : null;
    },
  },
};
