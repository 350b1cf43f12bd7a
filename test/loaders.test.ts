import { CreateBusinessCalendarDocument, CreateSlaPolicyDocument, DirectoryDocument, Priority, SlaPoliciesDocument } from './generated/graphql';
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

  it('serve the SLA policies with their calendars in the same few statements whatever their number', async () => {
    let position = 1;
    const addPolicies = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const { createBusinessCalendar } = await admin.data(CreateBusinessCalendarDocument, {
          input: { name: `Calendar ${position}`, timezone: 'Europe/Paris', hours: [{ dayOfWeek: 1, start: '09:00', end: '17:00' }], holidays: [] },
        });
        const { createSlaPolicy } = await admin.data(CreateSlaPolicyDocument, {
          input: {
            name: `Policy ${position}`,
            position: (position += 1),
            calendarId: createBusinessCalendar.businessCalendar!.id,
            targets: [{ priority: Priority.P1, firstResponse: 'PT1H', resolution: 'PT4H' }],
          },
        });
        expect(createSlaPolicy.userErrors).toEqual([]);
      }
    };
    await addPolicies(2);
    const few = await countStatements(server.orm, () => admin.data(SlaPoliciesDocument));
    await addPolicies(6);
    const many = await countStatements(server.orm, async () => {
      const { slaPolicies } = await admin.data(SlaPoliciesDocument);
      expect(slaPolicies.filter((policy) => policy.calendar)).toHaveLength(8);
    });
    expect(many.count).toBe(few.count);
  });
});
