import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { Context } from '../../graphql/context';
import { parseId, parseIds } from '../../graphql/global-id';
import { ConnectionArgs, toConnection } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-errors';
import { GroupsService } from './groups.service';
import { membersByGroupId } from './users.loaders';
import { usersPolicy } from './users.policy';
import { CreateGroupInput, CreateGroupPayload, GroupConnection, GroupNode, UpdateGroupInput, UpdateGroupPayload, UserNode } from './users.types';

@Authorized()
@Resolver(() => GroupNode)
export class GroupsResolver {
  @Query(() => GroupConnection, { description: 'Support groups, by name.' })
  async groups(@Args() args: ConnectionArgs, @Ctx() ctx: Context) {
    return toConnection(GroupConnection, await new GroupsService(ctx).list(args), GroupNode.from);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateGroupPayload)
  createGroup(@Arg('input') input: CreateGroupInput, @Ctx() ctx: Context): Promise<CreateGroupPayload> {
    return toPayload(CreateGroupPayload, 'group', async () =>
      GroupNode.from(await new GroupsService(ctx).createGroup({ ...input, memberIds: input.memberIds && parseIds(input.memberIds, 'User', 'memberIds') })),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UpdateGroupPayload)
  updateGroup(@Arg('input') input: UpdateGroupInput, @Ctx() ctx: Context): Promise<UpdateGroupPayload> {
    return toPayload(UpdateGroupPayload, 'group', async () =>
      GroupNode.from(
        await new GroupsService(ctx).updateGroup({
          ...input,
          id: parseId(input.id, 'Group', 'id'),
          memberIds: input.memberIds && parseIds(input.memberIds, 'User', 'memberIds'),
        }),
      ),
    );
  }

  @FieldResolver(() => [UserNode], { description: 'Agents and admins of the group, by name.' })
  async members(@Root() group: GroupNode, @Ctx() ctx: Context): Promise<UserNode[]> {
    const members = await ctx.loaders.get(membersByGroupId).load(group.databaseId);
    return members.filter((user) => usersPolicy.canSeeUser(ctx.viewer, user)).map(UserNode.from);
  }
}
