import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../../graphql/context';
import { type ConnectionArgs, paginate } from '../../graphql/relay';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkRange, checkText, checkVersion } from '../../validation';
import { Group, GroupMembership, User } from './users.entities';
import { usersPolicy } from './users.policy';
import { rowToChange } from '../../db/row-to-change';

export interface CreateGroupCommand {
  name: string;
  description?: string;
  tier?: number;
  memberIds?: string[];
}

export interface UpdateGroupCommand {
  id: string;
  expectedVersion?: number | null;
  name?: string;
  description?: string | null;
  tier?: number;
  memberIds?: string[];
}

/** Support groups (teams) and their members. */
export class GroupsService {
  constructor(private readonly ctx: ServiceContext) {}

  list(args: ConnectionArgs) {
    return paginate(this.ctx.em, Group, {}, [{ field: 'name', direction: 'ASC' }, { field: 'id', direction: 'ASC' }], args);
  }

  async createGroup(command: CreateGroupCommand): Promise<Group> {
    return this.ctx.em.transactional(async (em) => {
      this.check(command);
      await this.checkNameFree(em, command.name);
      const group = em.create(Group, { name: command.name.trim(), description: command.description?.trim() || null, tier: command.tier ?? 1 });
      if (command.memberIds?.length) await this.setMembers(em, group, command.memberIds);
      return group;
    });
  }

  async updateGroup(command: UpdateGroupCommand): Promise<Group> {
    return this.ctx.em.transactional(async (em) => {
      const group = await rowToChange(em, Group, command.id, 'No group has this id.');
      this.check(command, group.version);
      if (command.name !== undefined && command.name.trim() !== group.name) await this.checkNameFree(em, command.name);

      if (command.name !== undefined) group.name = command.name.trim();
      if (command.description !== undefined) group.description = command.description?.trim() || null;
      if (command.tier !== undefined) group.tier = command.tier;
      if (command.memberIds !== undefined) await this.setMembers(em, group, command.memberIds);
      group.updatedAt = new Date();
      return group;
    });
  }

  private check(command: CreateGroupCommand | UpdateGroupCommand, currentVersion?: number): void {
    const problems = new Problems();
    if (currentVersion !== undefined) checkVersion(problems, currentVersion, (command as UpdateGroupCommand).expectedVersion);
    checkText(problems, command.name, 'name', 100);
    checkText(problems, command.description || undefined, 'description', 2000);
    checkRange(problems, command.tier, 'tier', 1, 3);
    problems.throwIfAny();
  }

  private async checkNameFree(em: EntityManager, name: string): Promise<void> {
    if (await em.count(Group, { name: name.trim() })) fail(UserErrorCode.ALREADY_EXISTS, `A group is already named ${name.trim()}.`, 'name');
  }

  /** Replaces the members; each must be an agent or an admin. */
  private async setMembers(em: EntityManager, group: Group, memberIds: string[]): Promise<void> {
    const wanted = [...new Set(memberIds)];
    const users = await em.find(User, { id: { $in: wanted } });
    for (const [index, id] of memberIds.entries()) {
      const user = users.find((candidate) => candidate.id === id);
      if (!user) fail(UserErrorCode.NOT_FOUND, 'No user has this id.', ['memberIds', String(index)]);
      if (!usersPolicy.canJoinGroups(user.role)) {
        fail(UserErrorCode.INVALID_INPUT, `${user.name} is a ${user.role.toLowerCase()}: only agents and admins join support groups.`, ['memberIds', String(index)]);
      }
    }
    await em.nativeDelete(GroupMembership, { group: group.id, user: { $nin: wanted } });
    const existing = await em.find(GroupMembership, { group: group.id });
    for (const user of users) {
      if (!existing.some((membership) => membership.user.id === user.id)) em.create(GroupMembership, { group, user });
    }
  }
}
