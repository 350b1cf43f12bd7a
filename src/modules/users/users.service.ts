import { ref, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../auth/passwords';
import { Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import { containsText } from '../../db/text-match';
import type { ServiceContext } from '../../graphql/context';
import { type ConnectionArgs, paginate } from '../../graphql/relay';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkEmail, checkText, checkTimezone, checkVersion, normalizeEmail } from '../../validation';
import { Group, GroupMembership, Organization, User } from './users.entities';
import { usersPolicy } from './users.policy';
import { rowToChange } from '../../db/row-to-change';

export interface UserFilterInput {
  role?: Role | null;
  groupId?: string | null;
  organizationId?: string | null;
  active?: boolean | null;
  text?: string | null;
}

export interface CreateUserCommand {
  email: string;
  name: string;
  role: Role;
  password?: string;
  groupIds?: string[];
  organizationId?: string;
  timezone?: string;
  locale?: string;
}

export interface UpdateUserCommand {
  id: string;
  expectedVersion?: number | null;
  name?: string;
  role?: Role;
  active?: boolean;
  groupIds?: string[];
  organizationId?: string | null;
  timezone?: string;
  locale?: string;
  password?: string;
}

const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

function checkPassword(problems: Problems, password: string | undefined): void {
  if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) {
    problems.add(UserErrorCode.INVALID_INPUT, `password must be at least ${MIN_PASSWORD_LENGTH} characters.`, 'password');
  }
}

function checkLocale(problems: Problems, locale: string | undefined): void {
  if (locale !== undefined && !LOCALE.test(locale)) {
    problems.add(UserErrorCode.INVALID_INPUT, 'locale must be a language tag such as fr or en-GB.', 'locale');
  }
}

/** The people of the desk: requesters and staff, their organization and their groups. */
export class UsersService {
  constructor(private readonly ctx: ServiceContext) {}

  list(viewer: Viewer, filter: UserFilterInput, args: ConnectionArgs) {
    const where: FilterQuery<User>[] = [usersPolicy.userScope(viewer)];
    if (filter.role) where.push({ role: filter.role });
    if (filter.active !== undefined && filter.active !== null) where.push({ active: filter.active });
    if (filter.organizationId) where.push({ organization: filter.organizationId });
    if (filter.groupId) where.push({ id: { $in: this.ctx.em.createQueryBuilder(GroupMembership, 'm').select('m.user_id').where({ group: filter.groupId }).getKnexQuery() } } as unknown as FilterQuery<User>);
    if (filter.text?.trim()) where.push(containsText(this.ctx.em, User, ['name', 'email'], filter.text));
    return paginate(this.ctx.em, User, { $and: where }, [{ field: 'name', direction: 'ASC' }, { field: 'id', direction: 'ASC' }], args);
  }

  async createUser(command: CreateUserCommand): Promise<User> {
    return this.ctx.em.transactional(async (em) => {
      const email = normalizeEmail(command.email);
      const problems = new Problems();
      checkEmail(problems, email, 'email');
      checkText(problems, command.name, 'name');
      checkPassword(problems, command.password);
      checkTimezone(problems, command.timezone, 'timezone');
      checkLocale(problems, command.locale);
      problems.throwIfAny();
      if (await em.count(User, { email })) fail(UserErrorCode.ALREADY_EXISTS, `Someone already has the e-mail ${email}.`, 'email');

      const user = em.create(User, {
        email,
        name: command.name.trim(),
        role: command.role,
        timezone: command.timezone ?? 'UTC',
        locale: command.locale ?? 'en',
        passwordHash: command.password ? await hashPassword(command.password) : null,
        organization: command.organizationId ? await this.organization(em, command.organizationId, 'organizationId') : null,
      });
      if (command.groupIds?.length) await this.setGroups(em, user, command.groupIds);
      return user;
    });
  }

  async updateUser(command: UpdateUserCommand): Promise<User> {
    return this.ctx.em.transactional(async (em) => {
      const user = await rowToChange(em, User, command.id, 'No user has this id.');
      const problems = new Problems();
      checkVersion(problems, user.version, command.expectedVersion);
      checkText(problems, command.name, 'name');
      checkPassword(problems, command.password);
      checkTimezone(problems, command.timezone, 'timezone');
      checkLocale(problems, command.locale);
      problems.throwIfAny();

      const losesAdmin = user.role === Role.ADMIN && user.active && ((command.role && command.role !== Role.ADMIN) || command.active === false);
      if (losesAdmin && (await em.count(User, { role: Role.ADMIN, active: true })) <= 1) {
        fail(UserErrorCode.NOT_ALLOWED, 'This is the last active admin: make another admin first.', command.active === false ? 'active' : 'role');
      }

      if (command.name !== undefined) user.name = command.name.trim();
      if (command.role !== undefined) user.role = command.role;
      if (command.active !== undefined) user.active = command.active;
      if (command.timezone !== undefined) user.timezone = command.timezone;
      if (command.locale !== undefined) user.locale = command.locale;
      if (command.password !== undefined) user.passwordHash = await hashPassword(command.password);
      if (command.organizationId !== undefined) {
        user.organization = command.organizationId ? ref(await this.organization(em, command.organizationId, 'organizationId')) : null;
      }
      if (command.groupIds !== undefined) await this.setGroups(em, user, command.groupIds);
      else if (command.role !== undefined && !usersPolicy.canJoinGroups(user.role)) await this.setGroups(em, user, []);
      // A change to memberships alone must still bump the version, so clients see the user changed.
      user.updatedAt = new Date();
      return user;
    });
  }

  private async organization(em: EntityManager, id: string, field: string): Promise<Organization> {
    const organization = await em.findOne(Organization, id);
    if (!organization) fail(UserErrorCode.NOT_FOUND, 'No organization has this id.', field);
    return organization;
  }

  /** Replaces the user's groups; only agents and admins can be in support groups. */
  private async setGroups(em: EntityManager, user: User, groupIds: string[]): Promise<void> {
    const wanted = [...new Set(groupIds)];
    if (wanted.length && !usersPolicy.canJoinGroups(user.role)) {
      fail(UserErrorCode.INVALID_INPUT, `A ${user.role.toLowerCase()} cannot be in support groups.`, 'groupIds');
    }
    const groups = await em.find(Group, { id: { $in: wanted } });
    const missing = wanted.findIndex((id) => !groups.some((group) => group.id === id));
    if (missing >= 0) fail(UserErrorCode.NOT_FOUND, 'No group has this id.', ['groupIds', String(groupIds.indexOf(wanted[missing]))]);
    await em.nativeDelete(GroupMembership, { user: user.id, group: { $nin: wanted } });
    const existing = await em.find(GroupMembership, { user: user.id });
    for (const group of groups) {
      if (!existing.some((membership) => membership.group.id === group.id)) {
        em.create(GroupMembership, { user, group });
      }
    }
  }
}
