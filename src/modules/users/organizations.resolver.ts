import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { Context } from '../../graphql/context';
import { parseId } from '../../graphql/global-id';
import { ConnectionArgs, toConnection } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-errors';
import { OrganizationsService } from './organizations.service';
import {
  CreateOrganizationInput,
  CreateOrganizationPayload,
  OrganizationConnection,
  OrganizationFilter,
  OrganizationNode,
  UpdateOrganizationInput,
  UpdateOrganizationPayload,
} from './users.types';

@Authorized()
@Resolver(() => OrganizationNode)
export class OrganizationsResolver {
  @Query(() => OrganizationConnection, { description: 'Organizations the viewer may see (a requester: their own), by name.' })
  async organizations(
    @Args() args: ConnectionArgs,
    @Arg('filter', () => OrganizationFilter, { nullable: true }) filter: OrganizationFilter | null,
    @Ctx() ctx: Context,
  ) {
    return toConnection(OrganizationConnection, await new OrganizationsService(ctx).list(ctx.viewer!, filter?.text, args), OrganizationNode.from);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateOrganizationPayload)
  createOrganization(@Arg('input') input: CreateOrganizationInput, @Ctx() ctx: Context): Promise<CreateOrganizationPayload> {
    return toPayload(CreateOrganizationPayload, 'organization', async () =>
      OrganizationNode.from(await new OrganizationsService(ctx).createOrganization(input)),
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UpdateOrganizationPayload)
  updateOrganization(@Arg('input') input: UpdateOrganizationInput, @Ctx() ctx: Context): Promise<UpdateOrganizationPayload> {
    return toPayload(UpdateOrganizationPayload, 'organization', async () =>
      OrganizationNode.from(await new OrganizationsService(ctx).updateOrganization({ ...input, id: parseId(input.id, 'Organization', 'id') })),
    );
  }
}
