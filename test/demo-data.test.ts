import { DEMO_PASSWORD, DEMO_TICKETS } from '../src/demo/demo-data';
import { LoginDocument, TicketsDocument, TicketStatus, TicketType, ViewerDocument, type TicketFilter } from './generated/graphql';
import { GraphQLClient } from './support/client';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let admin: GraphQLClient;

async function logIn(email: string): Promise<GraphQLClient> {
  const { login } = await new GraphQLClient(server.url).data(LoginDocument, { input: { email, password: DEMO_PASSWORD } });
  expect(login.userErrors).toEqual([]);
  return new GraphQLClient(server.url, login.token!);
}

const count = async (client: GraphQLClient, filter: TicketFilter = {}) => (await client.data(TicketsDocument, { filter, first: 1 })).tickets.totalCount;

// The demo desk is loaded through the services (about 1,600 commands): it takes a while on a small machine.
beforeAll(async () => {
  server = await startTestServer({ env: { DEMO_DATA: '1' } });
  admin = await logIn('admin@deskgraph.local');
}, 240000);
afterAll(() => server?.stop());

describe('the demo desk', () => {
  it('lets the demo admin log in with the documented password', async () => {
    const { viewer } = await admin.data(ViewerDocument);
    expect(viewer).toMatchObject({ email: 'admin@deskgraph.local', role: 'ADMIN', groups: [{ name: 'Service Desk' }] });
  });

  it('has a few hundred tickets of every status and every type', async () => {
    expect(await count(admin)).toBe(DEMO_TICKETS);
    const byStatus = await Promise.all(Object.values(TicketStatus).map(async (status) => [status, await count(admin, { status: [status] })] as const));
    const byType = await Promise.all(Object.values(TicketType).map(async (type) => [type, await count(admin, { type: [type] })] as const));
    expect(byStatus.filter(([, n]) => n === 0)).toEqual([]);
    expect(byType.filter(([, n]) => n === 0)).toEqual([]);
  });

  it('shows a requester of Acme (which shares tickets) their organization’s tickets and nothing else', async () => {
    const alice = await logIn('alice@acme.example');
    const { viewer } = await alice.data(ViewerDocument);
    const acme = viewer!.organization!.id;
    const visible = await count(alice);
    const own = await count(alice, { requesterIds: [viewer!.id] });
    expect(own).toBeGreaterThan(0);
    expect(visible).toBeGreaterThan(own); // colleagues' tickets too
    expect(visible).toBe(await count(admin, { organizationIds: [acme] }));
    expect(visible).toBeLessThan(await count(admin));
    // Filters cannot widen what she sees.
    const { viewer: chloe } = await (await logIn('chloe@globex.example')).data(ViewerDocument);
    expect(await count(alice, { organizationIds: [chloe!.organization!.id] })).toBe(0);
    expect(await count(alice, { requesterIds: [chloe!.id] })).toBe(0);
  });

  it('shows a requester of Globex (which does not share) only their own tickets', async () => {
    const chloe = await logIn('chloe@globex.example');
    const { viewer } = await chloe.data(ViewerDocument);
    const visible = await count(chloe);
    expect(visible).toBeGreaterThan(0);
    expect(visible).toBe(await count(admin, { requesterIds: [viewer!.id] }));
  });

  it('finds French word forms with full-text search', async () => {
    const { tickets } = await admin.data(TicketsDocument, { filter: { text: 'imprimantes' }, first: 5 });
    expect(tickets.totalCount).toBeGreaterThan(0);
    expect(tickets.nodes.some((ticket) => /imprimante/i.test(ticket.title))).toBe(true);
    expect(await count(admin, { text: 'VPN' })).toBeGreaterThan(0);
  });
});
