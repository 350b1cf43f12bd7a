import { Impact, Urgency } from '../src/modules/tickets/tickets.enums';
import { QueuePageDocument, type QueuePageQuery } from './generated/graphql';
import type { GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';
import { countStatements } from './support/sql-counter';

let server: TestServer;
let agent: GraphQLClient;
/** Comments each ticket has (public replies and internal notes: the agent sees both), by global id. */
const comments = new Map<string, number>();

const TICKETS = 60;
/** i, from a ticket's title `Queue ticket <i>`, in SQL. */
const NUMBER_IN_TITLE = `substring(title from 'Queue ticket (\\d+)')::int`;
const IMPACTS = [Impact.HIGH, Impact.MEDIUM, Impact.LOW];
const URGENCIES = [Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW];

beforeAll(async () => {
  server = await startTestServer();
  const factory = new Factory(server);
  const desk = await factory.admin({ name: 'Desk' });
  const organizations = await Promise.all(['North', 'South', 'East'].map((name) => factory.organization(name)));
  const groups = await Promise.all([1, 2].map((tier) => factory.group(`Tier ${tier}`, tier)));
  const agents = await Promise.all(
    [0, 1, 2, 3].map((i) => factory.agent({ name: `Agent ${i}`, groupIds: [groups[i % 2].group.id] })),
  );
  agent = agents[0].client;
  const requesters = await Promise.all(
    [0, 1, 2, 3, 4, 5].map((i) => factory.user({ name: `Requester ${i}`, organizationId: organizations[i % 3].organization.id })),
  );
  const assets = await Promise.all([...Array(12).keys()].map((i) => factory.asset({ name: `Laptop ${i}`, ownerId: requesters[i % 6].user.id })));

  // Every ticket has a requester with an organization, a group, an assignee of that group, two
  // assets and comments (below), spread so that the first page in either order (newest first; P1 first,
  // which are i = 0, 9, 18 …) needs several of each.
  const open = async (i: number) => {
    const group = i % 2;
    const { id } = await factory.ticket(desk, {
      title: `Queue ticket ${i}`,
      requesterId: requesters[(i + Math.floor(i / 9)) % 6].user.id,
      impact: IMPACTS[i % 3],
      urgency: URGENCIES[Math.floor(i / 3) % 3],
      groupId: groups[group].group.id,
      assigneeId: agents[group + 2 * (Math.floor(i / 2) % 2)].user.id,
      assetIds: [assets[i % 12].asset.id, assets[(i + 5) % 12].asset.id],
    });
    comments.set(id, i % 3 === 0 ? 2 : 1);
  };
  for (let batch = 0; batch < TICKETS; batch += 10) {
    await Promise.all([...Array(10).keys()].map((offset) => open(batch + offset)));
  }
  const em = server.orm.em.fork();
  // Ticket i was created i minutes after the first, whatever the order the batches ran in.
  await em.execute(`update tickets set created_at = timestamptz '2024-01-01T00:00:00Z' + (${NUMBER_IN_TITLE}) * interval '1 minute'`);
  // A public reply on every ticket and an internal note on every third (i % 3 = 0), written at
  // once in SQL: the page only needs them to exist (the API's addComment is tested elsewhere).
  await em.execute(
    `insert into ticket_comments (id, ticket_id, author_id, body, internal, created_at)
     select gen_random_uuid(), id, ?::uuid, 'Looking into it.', false, now() from tickets
     union all
     select gen_random_uuid(), id, ?::uuid, 'Internal note.', true, now() from tickets where (${NUMBER_IN_TITLE}) % 3 = 0`,
    [agents[0].user.id, agents[1].user.id],
  );
});
afterAll(() => server?.stop());

function checkPage(nodes: QueuePageQuery['tickets']['nodes'], size: number) {
  expect(nodes).toHaveLength(size);
  for (const node of nodes) {
    expect(node.requester.id).toBeTruthy();
    expect(node.assignee?.id).toBeTruthy();
    expect(node.group?.id).toBeTruthy();
    expect(node.organization?.id).toBeTruthy();
    expect(node.assets).toHaveLength(2);
    expect(node.commentCount).toBe(comments.get(node.id));
  }
  // The page spans several requesters, assignees, groups, organizations and assets.
  const distinct = (values: (string | undefined)[]) => new Set(values).size;
  expect(distinct(nodes.map((node) => node.requester.id))).toBeGreaterThan(1);
  expect(distinct(nodes.map((node) => node.assignee?.id))).toBeGreaterThan(1);
  expect(distinct(nodes.map((node) => node.group?.id))).toBeGreaterThan(1);
  expect(distinct(nodes.map((node) => node.organization?.id))).toBeGreaterThan(1);
  expect(distinct(nodes.flatMap((node) => node.assets.map((asset) => asset.tag)))).toBeGreaterThan(2);
}

describe('the QueuePage query', () => {
  it.each([
    ['newest first', undefined],
    ['by priority', { field: 'PRIORITY', direction: 'ASC' } as const],
  ])('serves 5 and 50 tickets (%s) in the same few statements', async (_, orderBy) => {
    const small = await countStatements(server.orm, async () => {
      checkPage((await agent.data(QueuePageDocument, { orderBy, first: 5 })).tickets.nodes, 5);
    });
    const large = await countStatements(server.orm, async () => {
      checkPage((await agent.data(QueuePageDocument, { orderBy, first: 50 })).tickets.nodes, 50);
    });
    expect(large.count).toBe(small.count);
    // One statement each, whatever the page size: the viewer (token → user, role, organization,
    // groups), the page of tickets, people (requesters and assignees together, userById), groups,
    // organizations, ticket assets with their assets (one joined query), comment counts (one
    // grouped query). 7 observed.
    expect(large.count).toBeLessThanOrEqual(7);
    // The five loaders' statements travel together (ReadBatch): viewer, page, relations.
    expect({ small: small.roundTrips, large: large.roundTrips }).toEqual({ small: 3, large: 3 });
  });

  it('stays at the same count with a filter', async () => {
    const filter = { status: ['NEW' as const], unassigned: false };
    const small = await countStatements(server.orm, () => agent.data(QueuePageDocument, { filter, first: 5 }));
    const large = await countStatements(server.orm, () => agent.data(QueuePageDocument, { filter, first: 50 }));
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(7);
  });
});
