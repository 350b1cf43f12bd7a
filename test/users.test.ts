import {
  CreateGroupDocument,
  CreateOrganizationDocument,
  CreateUserDocument,
  GroupsDocument,
  OrganizationsDocument,
  Role,
  UpdateGroupDocument,
  UpdateOrganizationDocument,
  UpdateUserDocument,
  UsersDocument,
  ViewerDocument,
} from './generated/graphql';
import type { GraphQLClient } from './support/client';
import { errorCodes } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let factory: Factory;
let admin: GraphQLClient;

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  admin = (await factory.admin({ name: 'Root Admin' })).client;
});
afterAll(() => server?.stop());

const countUsers = async () => (await admin.data(UsersDocument, {})).users.totalCount;

describe('createUser', () => {
  it('creates an agent in groups and an organization', async () => {
    const group = await factory.group('Desk');
    const organization = await factory.organization('Initech');
    const { createUser } = await admin.data(CreateUserDocument, {
      input: { email: 'Jane.Doe@Example.com', name: ' Jane Doe ', role: Role.Agent, password: 'long enough pw', groupIds: [group.id], organizationId: organization.id, timezone: 'Europe/Paris' },
    });
    expect(createUser.userErrors).toEqual([]);
    expect(createUser.user).toMatchObject({
      email: 'jane.doe@example.com',
      name: 'Jane Doe',
      role: 'AGENT',
      active: true,
      timezone: 'Europe/Paris',
      locale: 'en',
      version: 1,
      organization: { name: 'Initech' },
      groups: [{ name: 'Desk' }],
    });
  });

  it('reports every invalid field at once and writes nothing', async () => {
    const before = await countUsers();
    const { createUser } = await admin.data(CreateUserDocument, {
      input: { email: 'short@example.com', name: '  ', role: Role.Agent, password: 'short', timezone: 'Mars/Olympus', locale: 'not a locale' },
    });
    expect(createUser.user).toBeNull();
    expect(createUser.userErrors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: ['input', 'name'], code: 'INVALID_INPUT' }),
        expect.objectContaining({ field: ['input', 'password'], code: 'INVALID_INPUT', message: 'password must be at least 10 characters.' }),
        expect.objectContaining({ field: ['input', 'timezone'], code: 'INVALID_INPUT' }),
        expect.objectContaining({ field: ['input', 'locale'], code: 'INVALID_INPUT' }),
      ]),
    );
    expect(await countUsers()).toBe(before);
  });

  it('refuses a malformed e-mail at the schema (EmailAddress scalar)', async () => {
    const response = await admin.request(CreateUserDocument, { input: { email: 'not-an-email', name: 'X', role: Role.Agent } });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a taken e-mail whatever its case', async () => {
    await factory.user({ email: 'taken@example.com' });
    const { createUser } = await admin.data(CreateUserDocument, { input: { email: 'TAKEN@example.com', name: 'Again', role: Role.Requester } });
    expect(createUser.userErrors).toEqual([{ field: ['input', 'email'], code: 'ALREADY_EXISTS', message: 'Someone already has the e-mail taken@example.com.' }]);
  });

  it('names the unknown group id in the error, and writes nothing', async () => {
    const group = await factory.group();
    const before = await countUsers();
    const unknownGroup = Buffer.from('Group:00000000-0000-4000-8000-000000000000').toString('base64url');
    const { createUser } = await admin.data(CreateUserDocument, { input: { email: 'g@example.com', name: 'G', role: Role.Agent, groupIds: [group.id, unknownGroup] } });
    expect(createUser.userErrors).toEqual([expect.objectContaining({ field: ['input', 'groupIds', '1'], code: 'NOT_FOUND' })]);
    // An id of another type names no group either.
    const { createUser: wrongType } = await admin.data(CreateUserDocument, { input: { email: 'g@example.com', name: 'G', role: Role.Agent, organizationId: group.id } });
    expect(wrongType.userErrors).toEqual([expect.objectContaining({ field: ['input', 'organizationId'], code: 'NOT_FOUND' })]);
    expect(await countUsers()).toBe(before);
  });

  it('keeps requesters out of support groups', async () => {
    const group = await factory.group();
    const { createUser } = await admin.data(CreateUserDocument, { input: { email: 'r@example.com', name: 'R', role: Role.Requester, groupIds: [group.id] } });
    expect(createUser.userErrors).toEqual([expect.objectContaining({ field: ['input', 'groupIds'], code: 'INVALID_INPUT' })]);
  });
});

describe('updateUser', () => {
  it('changes fields, bumps the version and replaces groups', async () => {
    const [first, second] = [await factory.group(), await factory.group()];
    const agent = await factory.agent({ groupIds: [first.group.id] });
    const { updateUser } = await admin.data(UpdateUserDocument, { input: { id: agent.id, expectedVersion: 1, name: 'Renamed', groupIds: [second.id], locale: 'fr-CA' } });
    expect(updateUser.userErrors).toEqual([]);
    expect(updateUser.user).toMatchObject({ name: 'Renamed', version: 2, locale: 'fr-CA', groups: [{ id: second.id }] });
  });

  it('refuses a stale expectedVersion and keeps the row as it was', async () => {
    const agent = await factory.agent({ name: 'Before' });
    await admin.data(UpdateUserDocument, { input: { id: agent.id, name: 'Once' } });
    const { updateUser } = await admin.data(UpdateUserDocument, { input: { id: agent.id, expectedVersion: 1, name: 'Twice' } });
    expect(updateUser).toEqual({ user: null, userErrors: [expect.objectContaining({ field: ['input', 'expectedVersion'], code: 'STALE_VERSION' })] });
    expect((await agent.client.data(ViewerDocument)).viewer).toMatchObject({ name: 'Once', version: 2 });
  });

  it('never leaves the desk without an active admin', async () => {
    const lone = await startTestServer();
    try {
      const onlyAdmin = await new Factory(lone).admin();
      const { updateUser } = await onlyAdmin.client.data(UpdateUserDocument, { input: { id: onlyAdmin.id, role: Role.Agent } });
      expect(updateUser.userErrors).toEqual([expect.objectContaining({ field: ['input', 'role'], code: 'NOT_ALLOWED' })]);
      const { updateUser: deactivate } = await onlyAdmin.client.data(UpdateUserDocument, { input: { id: onlyAdmin.id, active: false } });
      expect(deactivate.userErrors).toEqual([expect.objectContaining({ field: ['input', 'active'], code: 'NOT_ALLOWED' })]);
    } finally {
      await lone.stop();
    }
  });

  it('clears the organization with null and leaves it alone when absent', async () => {
    const organization = await factory.organization();
    const person = await factory.user({ organizationId: organization.organization.id });
    const { updateUser: kept } = await admin.data(UpdateUserDocument, { input: { id: person.id, name: 'Still there' } });
    expect(kept.user?.organization?.id).toBe(organization.id);
    const { updateUser: cleared } = await admin.data(UpdateUserDocument, { input: { id: person.id, organizationId: null } });
    expect(cleared.user?.organization).toBeNull();
  });

  it('says NOT_FOUND for an unknown user id', async () => {
    const { updateUser } = await admin.data(UpdateUserDocument, { input: { id: 'bm9wZQ', name: 'x' } });
    expect(updateUser.userErrors).toEqual([expect.objectContaining({ field: ['input', 'id'], code: 'NOT_FOUND' })]);
  });
});

describe('users filter', () => {
  it('filters by role, group, organization and accent-free text', async () => {
    const group = await factory.group('Filter team');
    const organization = await factory.organization('Filter org');
    await factory.agent({ name: 'Hélène Filtre', groupIds: [group.group.id] });
    await factory.user({ name: 'Zoé Requester', organizationId: organization.organization.id });
    const byText = await admin.data(UsersDocument, { filter: { text: 'helene filtre' } });
    expect(byText.users.nodes.map((user) => user.name)).toEqual(['Hélène Filtre']);
    const byGroup = await admin.data(UsersDocument, { filter: { groupId: group.id } });
    expect(byGroup.users.nodes.map((user) => user.name)).toEqual(['Hélène Filtre']);
    const byOrganization = await admin.data(UsersDocument, { filter: { organizationId: organization.id, role: Role.Requester } });
    expect(byOrganization.users.nodes.map((user) => user.name)).toEqual(['Zoé Requester']);
    const byRole = await admin.data(UsersDocument, { filter: { role: Role.Agent, text: 'zoé' } });
    expect(byRole.users.totalCount).toBe(0);
    const literalPercent = await admin.data(UsersDocument, { filter: { text: '%' } });
    expect(literalPercent.users.totalCount).toBe(0);
  });
});

describe('groups', () => {
  it('creates a group with members and lists it', async () => {
    const agent = await factory.agent({ name: 'Member One' });
    const { createGroup } = await admin.data(CreateGroupDocument, { input: { name: 'Level 2', tier: 2, description: 'Second line', memberIds: [agent.id] } });
    expect(createGroup).toMatchObject({ userErrors: [], group: { name: 'Level 2', tier: 2, description: 'Second line', version: 1, members: [{ name: 'Member One' }] } });
    const { groups } = await agent.client.data(GroupsDocument, { first: 100 });
    expect(groups.nodes.map((group) => group.name)).toContain('Level 2');
  });

  it('refuses a taken name, a tier out of 1..3, and a requester as member', async () => {
    await factory.group('Unique name');
    const requester = await factory.user();
    const { createGroup } = await admin.data(CreateGroupDocument, { input: { name: 'Unique name', tier: 4 } });
    expect(createGroup.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'tier'], 'INVALID_INPUT']]);
    const { createGroup: taken } = await admin.data(CreateGroupDocument, { input: { name: 'Unique name' } });
    expect(taken.userErrors).toEqual([expect.objectContaining({ field: ['input', 'name'], code: 'ALREADY_EXISTS' })]);
    const { createGroup: withRequester } = await admin.data(CreateGroupDocument, { input: { name: 'Another', memberIds: [requester.id] } });
    expect(withRequester.userErrors).toEqual([expect.objectContaining({ field: ['input', 'memberIds', '0'], code: 'INVALID_INPUT' })]);
    const { groups } = await admin.data(GroupsDocument, { first: 100 });
    expect(groups.nodes.map((group) => group.name)).not.toContain('Another');
  });

  it('updates members and detects a stale version', async () => {
    const [one, two] = [await factory.agent({ name: 'A one' }), await factory.agent({ name: 'B two' })];
    const { group, id } = await factory.group('Rotating', 1, [one.user.id]);
    const { updateGroup } = await admin.data(UpdateGroupDocument, { input: { id, expectedVersion: group.version, memberIds: [two.id, one.id], description: null } });
    expect(updateGroup.group).toMatchObject({ version: 2, members: [{ name: 'A one' }, { name: 'B two' }] });
    const { updateGroup: stale } = await admin.data(UpdateGroupDocument, { input: { id, expectedVersion: 1, name: 'Late' } });
    expect(stale.userErrors.map((error) => error.code)).toEqual(['STALE_VERSION']);
  });
});

describe('concurrent edits that name no version', () => {
  const SIX = ['one', 'two', 'three', 'four', 'five', 'six'];
  const versions = (list: { version: number }[]) => list.map((item) => item.version).sort();

  it('apply to a user, a group and an organization one after the other, refusing none', async () => {
    const agent = await factory.agent();
    const { id: groupId } = await factory.group('Edited at once');
    const { createOrganization } = await admin.data(CreateOrganizationDocument, { input: { name: 'Edited at once' } });
    const organizationId = createOrganization.organization!.id;
    const [users, groups, organizations] = await Promise.all([
      Promise.all(SIX.map((name) => admin.data(UpdateUserDocument, { input: { id: agent.id, name: `Agent ${name}` } }))),
      Promise.all(SIX.map((name) => admin.data(UpdateGroupDocument, { input: { id: groupId, description: name } }))),
      Promise.all(SIX.map((name) => admin.data(UpdateOrganizationDocument, { input: { id: organizationId, name: `Org ${name}` } }))),
    ]);
    expect([...users.flatMap((r) => r.updateUser.userErrors), ...groups.flatMap((r) => r.updateGroup.userErrors), ...organizations.flatMap((r) => r.updateOrganization.userErrors)]).toEqual([]);
    expect(versions(users.map((r) => r.updateUser.user!))).toEqual([2, 3, 4, 5, 6, 7]);
    expect(versions(groups.map((r) => r.updateGroup.group!))).toEqual([2, 3, 4, 5, 6, 7]);
    expect(versions(organizations.map((r) => r.updateOrganization.organization!))).toEqual([2, 3, 4, 5, 6, 7]);
  });
});

describe('organizations', () => {
  it('creates, updates and lists organizations; requesters see only their own', async () => {
    const { createOrganization } = await admin.data(CreateOrganizationDocument, { input: { name: 'Umbrella', domain: 'Umbrella.Example', shareTickets: true } });
    expect(createOrganization).toMatchObject({ userErrors: [], organization: { name: 'Umbrella', domain: 'umbrella.example', shareTickets: true, version: 1 } });
    const id = createOrganization.organization!.id;
    const { updateOrganization } = await admin.data(UpdateOrganizationDocument, { input: { id, expectedVersion: 1, shareTickets: false } });
    expect(updateOrganization.organization).toMatchObject({ shareTickets: false, version: 2 });

    await factory.organization('Someone else');
    const member = await factory.user({ organizationId: Buffer.from(id, 'base64url').toString().split(':')[1] });
    const { organizations } = await member.client.data(OrganizationsDocument, {});
    expect(organizations.nodes.map((organization) => organization.name)).toEqual(['Umbrella']);
    const staffView = await admin.data(OrganizationsDocument, { filter: { text: 'umbrel' } });
    expect(staffView.organizations.totalCount).toBe(1);
  });

  it('refuses a bad domain and duplicates', async () => {
    await factory.organization('Dupe');
    const { createOrganization } = await admin.data(CreateOrganizationDocument, { input: { name: 'Dupe', domain: 'not a domain' } });
    expect(createOrganization.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'domain'], 'INVALID_INPUT']]);
    const { createOrganization: duplicate } = await admin.data(CreateOrganizationDocument, { input: { name: 'Dupe' } });
    expect(duplicate.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'name'], 'ALREADY_EXISTS']]);
  });
});
