import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role, STAFF_ROLES } from '../../auth/roles';
import type { Context } from '../../graphql/context';
import { filterId, parseId, parseIds } from '../../graphql/global-id';
import { ConnectionArgs, toConnection } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-errors';
import { groupsByUserId, organizationById } from './users.loaders';
import { usersPolicy } from './users.policy';
import { UsersService } from './users.service';
import {
  CreateUserInput,
  CreateUserPayload,
  GroupNode,
  OrganizationNode,
  UpdateUserInput,
  UpdateUserPayload,
  UserConnection,
  UserFilter,
  UserNode,
} from './users.types';

@Authorized()
@Resolver(() => UserNode)
export class UsersResolver {
  @Authorized(...STAFF_ROLES)
  @Query(() => UserConnection, { description: 'People, by name.' })
  async users(
    @Args() args: ConnectionArgs,
    @Arg('filter', () => UserFilter, { nullable: true }) filter: UserFilter | null,
    @Ctx() ctx: Context,
  ) {
    const page = await new UsersService(ctx).list(
      ctx.viewer!,
      {
        ...filter,
        groupId: filter?.groupId ? filterId(filter.groupId, 'Group') : null,
        organizationId: filter?.organizationId ? filterId(filter.organizationId, 'Organization') : null,
      },
      args,
    );
    return toConnection(UserConnection, page, UserNode.from);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateUserPayload)
  createUser(@Arg('input') input: CreateUserInput, @Ctx() ctx: Context): Promise<CreateUserPayload> {
    return toPayload(CreateUserPayload, 'user', async () => {
      const user = await new UsersService(ctx).createUser({
        ...input,
        groupIds: input.groupIds && parseIds(input.groupIds, 'Group', 'groupIds'),
        organizationId: input.organizationId ? parseId(input.organizationId, 'Organization', 'organizationId') : undefined,
      });
      return UserNode.from(user);
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UpdateUserPayload)
  updateUser(@Arg('input') input: UpdateUserInput, @Ctx() ctx: Context): Promise<UpdateUserPayload> {
    return toPayload(UpdateUserPayload, 'user', async () => {
      const user = await new UsersService(ctx).updateUser({
        ...input,
        id: parseId(input.id, 'User', 'id'),
        groupIds: input.groupIds && parseIds(input.groupIds, 'Group', 'groupIds'),
        organizationId: input.organizationId ? parseId(input.organizationId, 'Organization', 'organizationId') : input.organizationId,
      });
      return UserNode.from(user);
    });
  }

  @FieldResolver(() => OrganizationNode, { nullable: true })
  async organization(@Root() user: UserNode, @Ctx() ctx: Context): Promise<OrganizationNode | null> {
    if (!user.organizationId) return null;
    const organization = await ctx.loaders.get(organizationById).load(user.organizationId);
    return organization && usersPolicy.canSeeOrganization(ctx.viewer, organization) ? OrganizationNode.from(organization) : null;
  }

  @FieldResolver(() => [GroupNode], { description: 'Support groups the user works in, by name.' })
  async groups(@Root() user: UserNode, @Ctx() ctx: Context): Promise<GroupNode[]> {
    const groups = await ctx.loaders.get(groupsByUserId).load(user.databaseId);
    return groups.map(GroupNode.from);
  }
}
