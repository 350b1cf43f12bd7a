import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { EmailAddressResolver } from 'graphql-scalars';
import { Role } from '../../auth/roles';
import { toGlobalId } from '../../graphql/global-id';
import { ConnectionType, Node } from '../../graphql/relay';
import { Payload } from '../../graphql/user-errors';
import type { Group, Organization, User } from './users.entities';
import type { Snapshot } from '../../db/snapshots';

@ObjectType('User', { implements: Node, description: 'A person: a requester or one of the desk’s staff.' })
export class UserNode extends Node {
  @Field(() => EmailAddressResolver) email!: string;
  @Field() name!: string;
  @Field(() => Role) role!: Role;
  @Field({ description: 'Inactive people cannot log in; their history stays.' }) active!: boolean;
  @Field({ description: 'IANA time zone, e.g. Europe/Paris.' }) timezone!: string;
  @Field({ description: 'BCP 47 language tag, e.g. fr or en-GB.' }) locale!: string;
  @Field(() => Int) version!: number;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  /** For field resolvers; not part of the schema. */
  databaseId!: string;
  organizationId!: string | null;

  static from(user: Snapshot<User>): UserNode {
    return Object.assign(new UserNode(), {
      id: toGlobalId('User', user.id),
      databaseId: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      active: user.active,
      timezone: user.timezone,
      locale: user.locale,
      version: user.version,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
      organizationId: user.organization?.id ?? null,
    });
  }
}

@ObjectType('Group', { implements: Node, description: 'A support team; tickets are assigned to a group, then to one of its members.' })
export class GroupNode extends Node {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Int, { description: 'Support level: 1 first line, 2 second, 3 third.' }) tier!: number;
  @Field(() => Int) version!: number;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  databaseId!: string;

  static from(group: Snapshot<Group>): GroupNode {
    return Object.assign(new GroupNode(), {
      id: toGlobalId('Group', group.id),
      databaseId: group.id,
      name: group.name,
      description: group.description,
      tier: group.tier,
      version: group.version,
      createdAt: group.createdAt,
      updatedAt: group.updatedAt,
    });
  }
}

@ObjectType('Organization', { implements: Node, description: 'A customer organization whose people are requesters.' })
export class OrganizationNode extends Node {
  @Field() name!: string;
  @Field(() => String, { nullable: true, description: 'E-mail domain of its people, e.g. acme.example.' }) domain!: string | null;
  @Field({ description: 'When true, its requesters see each other’s tickets.' }) shareTickets!: boolean;
  @Field(() => Int) version!: number;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  databaseId!: string;

  static from(organization: Snapshot<Organization>): OrganizationNode {
    return Object.assign(new OrganizationNode(), {
      id: toGlobalId('Organization', organization.id),
      databaseId: organization.id,
      name: organization.name,
      domain: organization.domain,
      shareTickets: organization.shareTickets,
      version: organization.version,
      createdAt: organization.createdAt,
      updatedAt: organization.updatedAt,
    });
  }
}

export const UserConnection = ConnectionType(UserNode, 'User');
export const GroupConnection = ConnectionType(GroupNode, 'Group');
export const OrganizationConnection = ConnectionType(OrganizationNode, 'Organization');

@InputType()
export class UserFilter {
  @Field(() => Role, { nullable: true }) role?: Role | null;
  @Field(() => ID, { nullable: true, description: 'Members of this group.' }) groupId?: string | null;
  @Field(() => ID, { nullable: true, description: 'People of this organization.' }) organizationId?: string | null;
  @Field({ nullable: true }) active?: boolean;
  @Field({ nullable: true, description: 'Part of the name or e-mail, case and accents ignored.' }) text?: string;
}

@InputType()
export class OrganizationFilter {
  @Field({ nullable: true, description: 'Part of the name or domain, case and accents ignored.' }) text?: string;
}

@InputType()
export class LoginInput {
  @Field() email!: string;
  @Field() password!: string;
}

@ObjectType()
export class LoginPayload extends Payload {
  @Field(() => String, { nullable: true, description: 'Bearer token for HTTP `Authorization` and graphql-ws `connectionParams`.' })
  token!: string | null;
  @Field(() => UserNode, { nullable: true }) user!: UserNode | null;
}

@InputType()
export class CreateUserInput {
  @Field(() => EmailAddressResolver) email!: string;
  @Field() name!: string;
  @Field(() => Role) role!: Role;
  @Field({ nullable: true, description: 'At least 10 characters. Without one the person cannot log in.' }) password?: string;
  @Field(() => [ID], { nullable: true }) groupIds?: string[];
  @Field(() => ID, { nullable: true }) organizationId?: string;
  @Field({ nullable: true }) timezone?: string;
  @Field({ nullable: true }) locale?: string;
}

@ObjectType()
export class CreateUserPayload extends Payload {
  @Field(() => UserNode, { nullable: true }) user!: UserNode | null;
}

@InputType()
export class UpdateUserInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) name?: string;
  @Field(() => Role, { nullable: true }) role?: Role;
  @Field({ nullable: true }) active?: boolean;
  @Field(() => [ID], { nullable: true, description: 'Replaces the user’s groups.' }) groupIds?: string[];
  @Field(() => ID, { nullable: true, description: 'Null removes the user from their organization.' }) organizationId?: string | null;
  @Field({ nullable: true }) timezone?: string;
  @Field({ nullable: true }) locale?: string;
  @Field({ nullable: true, description: 'Sets a new password (at least 10 characters).' }) password?: string;
}

@ObjectType()
export class UpdateUserPayload extends Payload {
  @Field(() => UserNode, { nullable: true }) user!: UserNode | null;
}

@InputType()
export class CreateGroupInput {
  @Field() name!: string;
  @Field({ nullable: true }) description?: string;
  @Field(() => Int, { nullable: true, description: '1 (default), 2 or 3.' }) tier?: number;
  @Field(() => [ID], { nullable: true, description: 'Agents and admins.' }) memberIds?: string[];
}

@ObjectType()
export class CreateGroupPayload extends Payload {
  @Field(() => GroupNode, { nullable: true }) group!: GroupNode | null;
}

@InputType()
export class UpdateGroupInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) name?: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Int, { nullable: true }) tier?: number;
  @Field(() => [ID], { nullable: true, description: 'Replaces the members.' }) memberIds?: string[];
}

@ObjectType()
export class UpdateGroupPayload extends Payload {
  @Field(() => GroupNode, { nullable: true }) group!: GroupNode | null;
}

@InputType()
export class CreateOrganizationInput {
  @Field() name!: string;
  @Field({ nullable: true }) domain?: string;
  @Field({ nullable: true, description: 'Default false.' }) shareTickets?: boolean;
}

@ObjectType()
export class CreateOrganizationPayload extends Payload {
  @Field(() => OrganizationNode, { nullable: true }) organization!: OrganizationNode | null;
}

@InputType()
export class UpdateOrganizationInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) name?: string;
  @Field(() => String, { nullable: true }) domain?: string | null;
  @Field({ nullable: true }) shareTickets?: boolean;
}

@ObjectType()
export class UpdateOrganizationPayload extends Payload {
  @Field(() => OrganizationNode, { nullable: true }) organization!: OrganizationNode | null;
}
