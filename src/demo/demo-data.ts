import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../auth/roles';
import { GroupsService } from '../modules/users/groups.service';
import { OrganizationsService } from '../modules/users/organizations.service';
import { UsersService } from '../modules/users/users.service';

/** Every demo account logs in with this password (listed in the README). */
export const DEMO_PASSWORD = 'deskgraph-demo';

export const DEMO_ACCOUNTS = [
  { email: 'admin@deskgraph.local', name: 'Ada Admin', role: Role.ADMIN, groups: ['Service Desk'] },
  { email: 'agent@deskgraph.local', name: 'Sam Agent', role: Role.AGENT, groups: ['Service Desk'] },
  { email: 'network@deskgraph.local', name: 'Noor Network', role: Role.AGENT, groups: ['Network Operations'] },
  { email: 'infra@deskgraph.local', name: 'Ines Infra', role: Role.AGENT, groups: ['Infrastructure'] },
  { email: 'analyst@deskgraph.local', name: 'Ana Analyst', role: Role.ANALYST, groups: [] },
  { email: 'alice@acme.example', name: 'Alice Martin', role: Role.REQUESTER, organization: 'Acme', groups: [] },
  { email: 'bob@acme.example', name: 'Bob Dupont', role: Role.REQUESTER, organization: 'Acme', groups: [] },
  { email: 'chloe@globex.example', name: 'Chloé Leroy', role: Role.REQUESTER, organization: 'Globex', groups: [] },
] as const;

/** A small desk to explore: three tiers of groups, two organizations, staff and requesters. */
export async function loadDemoData(em: EntityManager): Promise<void> {
  await em.transactional(async (tx) => {
    const context = { em: tx, viewer: null };
    const organizations = new OrganizationsService(context);
    const acme = await organizations.createOrganization({ name: 'Acme', domain: 'acme.example', shareTickets: true });
    const globex = await organizations.createOrganization({ name: 'Globex', domain: 'globex.example', shareTickets: false });

    const groupsService = new GroupsService(context);
    const groups = {
      'Service Desk': await groupsService.createGroup({ name: 'Service Desk', description: 'First line: every new ticket lands here.', tier: 1 }),
      'Network Operations': await groupsService.createGroup({ name: 'Network Operations', description: 'Second line: network, VPN, Wi-Fi.', tier: 2 }),
      Infrastructure: await groupsService.createGroup({ name: 'Infrastructure', description: 'Third line: servers, storage, identity.', tier: 3 }),
    };

    const users = new UsersService(context);
    for (const account of DEMO_ACCOUNTS) {
      const organization = 'organization' in account ? { Acme: acme, Globex: globex }[account.organization] : undefined;
      await users.createUser({
        email: account.email,
        name: account.name,
        role: account.role,
        password: DEMO_PASSWORD,
        organizationId: organization?.id,
        groupIds: account.groups.map((name) => groups[name].id),
        timezone: 'Europe/Paris',
        locale: account.role === Role.REQUESTER ? 'fr' : 'en',
      });
    }
  });
}
