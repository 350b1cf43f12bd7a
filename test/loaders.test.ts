import { DirectoryDocument } from './generated/graphql';
import type { GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';
import { countStatements } from './support/sql-counter';

let server: TestServer;
let admin: GraphQLClient;

beforeAll(async () => {
  server = await startTestServer();
  const factory = new Factory(server);
  admin = (await factory.admin({ name: 'A' })).client;
  const groups = await Promise.all([1, 2, 3].map((tier) => factory.group(`Tier ${tier}`, tier)));
  const organizations = await Promise.all(['North', 'South'].map((name) => factory.organization(name)));
  for (let i = 0; i < 60; i += 1) {
    if (i % 2) await factory.agent({ name: `Agent ${i}`, groupIds: [groups[i % 3].group.id, groups[(i + 1) % 3].group.id] });
    else await factory.user({ name: `Requester ${i}`, organizationId: organizations[i % 2].organization.id });
  }
});
afterAll(() => server?.stop());

describe('DataLoaders', () => {
  it('serve a page with nested people, groups and organizations in the same few statements at any size', async () => {
    // Both pages hold agents in groups and requesters in organizations; only their sizes differ.
    const small = await countStatements(server.orm, () => admin.data(DirectoryDocument, { first: 35 }));
    const large = await countStatements(server.orm, async () => {
      const { users } = await admin.data(DirectoryDocument, { first: 100 });
      expect(users.nodes).toHaveLength(61);
      expect(users.nodes.some((user) => user.groups.some((group) => group.members.length > 1))).toBe(true);
    });
    expect(large.count).toBe(small.count);
    // viewer lookup, page, organizations, groups per user, members per group, their organizations
    expect(large.count).toBeLessThanOrEqual(7);
  });
});
