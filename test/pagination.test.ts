import { NodeDocument, NodesDocument, UsersDocument, type UsersQueryVariables } from './generated/graphql';
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
  admin = (await factory.admin({ name: 'A admin' })).client;
  // 25 more people: B00 … B24, so 26 in all, sorted by name.
  for (let i = 0; i < 25; i += 1) await factory.user({ name: `B${String(i).padStart(2, '0')}` });
});
afterAll(() => server?.stop());

const names = (page: { users: { nodes: { name: string }[] } }) => page.users.nodes.map((user) => user.name);

describe('connections', () => {
  it('defaults to 20 and walks forward with after', async () => {
    const first = await admin.data(UsersDocument, {});
    expect(first.users.nodes).toHaveLength(20);
    expect(first.users.totalCount).toBe(26);
    expect(first.users.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.users.edges[19].cursor).toBe(first.users.pageInfo.endCursor);

    const second = await admin.data(UsersDocument, { first: 20, after: first.users.pageInfo.endCursor });
    expect(names(second)).toEqual(['B19', 'B20', 'B21', 'B22', 'B23', 'B24']);
    expect(second.users.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('walks backward with last and before', async () => {
    const tail = await admin.data(UsersDocument, { last: 3 });
    expect(names(tail)).toEqual(['B22', 'B23', 'B24']);
    expect(tail.users.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = await admin.data(UsersDocument, { last: 2, before: tail.users.pageInfo.startCursor });
    expect(names(before)).toEqual(['B20', 'B21']);
    expect(before.users.pageInfo.hasNextPage).toBe(true);
  });

  it('stays correct when rows are inserted between pages', async () => {
    const page = await admin.data(UsersDocument, { first: 5 });
    expect(names(page)).toEqual(['A admin', 'B00', 'B01', 'B02', 'B03']);
    // A row sorting before the cursor and one after it arrive between the two requests.
    const early = await factory.user({ name: 'A0 early' });
    const late = await factory.user({ name: 'B035 late' });
    const next = await admin.data(UsersDocument, { first: 3, after: page.users.pageInfo.endCursor });
    expect(names(next)).toEqual(['B035 late', 'B04', 'B05']);
    await server.orm.em.fork().nativeDelete('User', { id: { $in: [early.user.id, late.user.id] } });
  });

  it('gives an empty page for first: 0 and past the end', async () => {
    const empty = await admin.data(UsersDocument, { first: 0 });
    expect(empty.users.nodes).toEqual([]);
    expect(empty.users.pageInfo).toMatchObject({ startCursor: null, endCursor: null });
    const last = await admin.data(UsersDocument, { first: 100 });
    const past = await admin.data(UsersDocument, { after: last.users.pageInfo.endCursor });
    expect(past.users.nodes).toEqual([]);
    expect(past.users.pageInfo.hasNextPage).toBe(false);
    const none = await admin.data(UsersDocument, { filter: { text: 'nobody-matches-this' } });
    expect(none.users).toMatchObject({ totalCount: 0, nodes: [], edges: [] });
  });

  it('caps first and last at 100 with BAD_USER_INPUT', async () => {
    const outOfRange: UsersQueryVariables[] = [{ first: 101 }, { last: 101 }, { first: -1 }, { first: 1, last: 1 }];
    for (const variables of outOfRange) {
      expect(errorCodes(await admin.request(UsersDocument, variables))).toEqual(['BAD_USER_INPUT']);
    }
    expect((await admin.data(UsersDocument, { first: 100 })).users.nodes).toHaveLength(26);
  });

  it('refuses a cursor that is not one of this list', async () => {
    for (const after of ['garbage', Buffer.from('{"o":"other","v":[1]}').toString('base64url')]) {
      expect(errorCodes(await admin.request(UsersDocument, { after }))).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('node(id)', () => {
  it('resolves users, groups and organizations by global id', async () => {
    const group = await factory.group('Node group', 2);
    const organization = await factory.organization('Node org');
    const person = await factory.agent({ name: 'Node person' });
    expect((await admin.data(NodeDocument, { id: group.id })).node).toEqual({ __typename: 'Group', id: group.id, name: 'Node group', tier: 2 });
    expect((await admin.data(NodeDocument, { id: organization.id })).node).toMatchObject({ __typename: 'Organization', name: 'Node org' });
    expect((await admin.data(NodeDocument, { id: person.id })).node).toMatchObject({ __typename: 'User', name: 'Node person', role: 'AGENT' });
    const { nodes } = await admin.data(NodesDocument, { ids: [group.id, 'nonsense', person.id] });
    expect(nodes.map((node) => node?.__typename ?? null)).toEqual(['Group', null, 'User']);
  });

  it('returns null for unknown, malformed and wrong-typed ids', async () => {
    for (const id of ['', 'nonsense', Buffer.from('User:not-a-uuid').toString('base64url'), Buffer.from('Ticket:00000000-0000-4000-8000-000000000000').toString('base64url'), Buffer.from('User:00000000-0000-4000-8000-000000000000').toString('base64url')]) {
      expect((await admin.data(NodeDocument, { id })).node).toBeNull();
    }
  });

  it('hides other requesters and foreign organizations from a requester, and everything from anonymous callers', async () => {
    const own = await factory.organization('Own org');
    const other = await factory.organization('Other org');
    const requester = await factory.user({ organizationId: own.organization.id });
    const neighbour = await factory.user({ organizationId: own.organization.id });
    const agent = await factory.agent();
    const see = async (client: GraphQLClient, id: string) => (await client.data(NodeDocument, { id })).node !== null;
    expect(await see(requester.client, requester.id)).toBe(true);
    expect(await see(requester.client, agent.id)).toBe(true);
    expect(await see(requester.client, neighbour.id)).toBe(false);
    expect(await see(requester.client, own.id)).toBe(true);
    expect(await see(requester.client, other.id)).toBe(false);
    expect(await see(factory.anonymous, agent.id)).toBe(false);
  });
});
