import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer';
import { containsText } from '../../db/text-match';
import type { ServiceContext } from '../../graphql/context';
import { type ConnectionArgs, paginate } from '../../graphql/relay';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkDomain, checkText, checkVersion } from '../../validation';
import { Organization } from './users.entities';
import { usersPolicy } from './users.policy';
import { rowToChange } from '../../db/row-to-change';

export interface CreateOrganizationCommand {
  name: string;
  domain?: string | null;
  shareTickets?: boolean;
}

export interface UpdateOrganizationCommand extends Partial<CreateOrganizationCommand> {
  id: string;
  expectedVersion?: number | null;
}

/** Customer organizations, whose people are requesters. */
export class OrganizationsService {
  constructor(private readonly ctx: ServiceContext) {}

  list(viewer: Viewer, text: string | undefined, args: ConnectionArgs) {
    const where: FilterQuery<Organization>[] = [usersPolicy.organizationScope(viewer)];
    if (text?.trim()) where.push(containsText(this.ctx.em, Organization, ['name', 'domain'], text));
    return paginate(this.ctx.em, Organization, { $and: where }, [{ field: 'name', direction: 'ASC' }, { field: 'id', direction: 'ASC' }], args);
  }

  async createOrganization(command: CreateOrganizationCommand): Promise<Organization> {
    return this.ctx.em.transactional(async (em) => {
      const domain = command.domain?.trim().toLowerCase() || null;
      this.check(command.name, domain);
      await this.checkFree(em, command.name.trim(), domain);
      return em.create(Organization, { name: command.name.trim(), domain, shareTickets: command.shareTickets ?? false });
    });
  }

  async updateOrganization(command: UpdateOrganizationCommand): Promise<Organization> {
    return this.ctx.em.transactional(async (em) => {
      const organization = await rowToChange(em, Organization, command.id, 'No organization has this id.');
      const domain = command.domain === undefined ? undefined : command.domain?.trim().toLowerCase() || null;
      this.check(command.name, domain, organization.version, command.expectedVersion);
      await this.checkFree(
        em,
        command.name !== undefined && command.name.trim() !== organization.name ? command.name.trim() : undefined,
        domain !== undefined && domain !== organization.domain ? domain : undefined,
      );
      if (command.name !== undefined) organization.name = command.name.trim();
      if (domain !== undefined) organization.domain = domain;
      if (command.shareTickets !== undefined && command.shareTickets !== null) organization.shareTickets = command.shareTickets;
      return organization;
    });
  }

  private check(name: string | undefined, domain: string | null | undefined, version?: number, expectedVersion?: number | null): void {
    const problems = new Problems();
    if (version !== undefined) checkVersion(problems, version, expectedVersion);
    checkText(problems, name, 'name', 200);
    checkDomain(problems, domain, 'domain');
    problems.throwIfAny();
  }

  private async checkFree(em: EntityManager, name: string | undefined, domain: string | null | undefined): Promise<void> {
    const problems = new Problems();
    if (name !== undefined && (await em.count(Organization, { name }))) {
      problems.add(UserErrorCode.ALREADY_EXISTS, `An organization is already named ${name}.`, 'name');
    }
    if (domain && (await em.count(Organization, { domain }))) {
      problems.add(UserErrorCode.ALREADY_EXISTS, `Another organization has the domain ${domain}.`, 'domain');
    }
    problems.throwIfAny();
  }
}
