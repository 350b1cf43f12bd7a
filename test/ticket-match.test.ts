import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Ticket } from '../src/modules/tickets/tickets.entities';
import { criteriaToQuery, type TicketCriteria } from '../src/modules/tickets/tickets.filter';
import { ticketState } from '../src/modules/tickets/tickets.history';
import { matchesCriteria } from '../src/modules/tickets/tickets.match';
import { someOf, ticketEnumFields, ticketEnumFilters } from './support/arbitraries';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let ids: { requesters: string[]; agents: string[]; groups: string[]; organizations: string[] };
const CATEGORIES = ['hardware', 'network', 'access'];
const TAGS = ['vpn', 'printer', 'wifi', 'urgent'];
const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  server = await startTestServer();
  const factory = new Factory(server);
  const organizations = [await factory.organization(), await factory.organization()];
  const agents = [await factory.agent(), await factory.agent()];
  const groups = [await factory.group(undefined, 1, [agents[0].user.id]), await factory.group(undefined, 2, [agents[1].user.id])];
  const requesters = [
    await factory.user({ organizationId: organizations[0].organization.id }),
    await factory.user({ organizationId: organizations[1].organization.id }),
    await factory.user(),
  ];
  ids = {
    requesters: requesters.map((person) => person.user.id),
    agents: agents.map((person) => person.user.id),
    groups: groups.map((group) => group.group.id),
    organizations: organizations.map((organization) => organization.organization.id),
  };

  // Random tickets straight into the table: what matters here is variety, not how they were made.
  const ticket = fc.record({
    ...ticketEnumFields,
    requester: fc.integer({ min: 0, max: 2 }),
    assignee: fc.option(fc.integer({ min: 0, max: 1 })),
    group: fc.option(fc.integer({ min: 0, max: 1 })),
    category: fc.option(fc.constantFrom(...CATEGORIES)),
    tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
    createdDay: fc.integer({ min: 0, max: 30 }),
    updatedDays: fc.integer({ min: 0, max: 10 }),
  });
  const em = server.orm.em.fork();
  for (const row of fc.sample(ticket, { numRuns: 120, seed: 42 })) {
    const requesterId = ids.requesters[row.requester];
    const createdAt = new Date(EPOCH + row.createdDay * DAY);
    await em.execute(
      `insert into tickets (id, created_at, updated_at, type, title, status, impact, urgency, priority, channel, category, tags,
                            requester_id, assignee_id, group_id, organization_id, created_by_id)
       values (?, ?, ?, ?, 'generated', ?, 'MEDIUM', 'MEDIUM', ?, ?, ?, ?, ?, ?, ?, (select organization_id from users where id = ?), ?)`,
      [
        randomUUID(),
        createdAt,
        new Date(createdAt.getTime() + row.updatedDays * DAY),
        row.type,
        row.status,
        row.priority,
        row.channel,
        row.category,
        `{${row.tags.join(',')}}`,
        requesterId,
        row.assignee === null ? null : ids.agents[row.assignee],
        row.group === null ? null : ids.groups[row.group],
        requesterId,
        requesterId,
      ],
    );
  }
});
afterAll(() => server?.stop());

describe('one filter, two evaluators', () => {
  it('SQL and the in-memory matcher agree on every generated filter and ticket', async () => {
    const unknown = randomUUID();
    const day = fc.integer({ min: -2, max: 45 }).map((offset) => new Date(EPOCH + offset * DAY));
    const criteria: fc.Arbitrary<TicketCriteria> = fc.record(
      {
        ...ticketEnumFilters,
        groupIds: fc.constant(null).chain(() => someOf([...ids.groups, unknown])),
        assigneeIds: fc.constant(null).chain(() => someOf([...ids.agents, unknown])),
        requesterIds: fc.constant(null).chain(() => someOf([...ids.requesters, unknown])),
        organizationIds: fc.constant(null).chain(() => someOf([...ids.organizations, unknown])),
        unassigned: fc.option(fc.boolean(), { nil: undefined }),
        tags: someOf([...TAGS, 'VPN', 'nothing']),
        categories: someOf([...CATEGORIES, 'other']),
        createdAfter: fc.option(day, { nil: undefined }),
        createdBefore: fc.option(day, { nil: undefined }),
        updatedAfter: fc.option(day, { nil: undefined }),
      },
      { requiredKeys: [] },
    );

    const em = server.orm.em.fork();
    const tickets = await em.find(Ticket, {});
    const states = tickets.map(ticketState);
    await fc.assert(
      fc.asyncProperty(criteria, async (filter) => {
        const fromSql = (await em.fork().find(Ticket, criteriaToQuery(em, filter), { fields: ['id'] })).map((ticket) => ticket.id).sort();
        const inMemory = states.filter((state) => matchesCriteria(filter, state) === true).map((state) => state.id).sort();
        expect(inMemory).toEqual(fromSql);
      }),
      { numRuns: 300, seed: Number(process.env.MATCH_SEED ?? 7) },
    );
  });

  it('leaves text to SQL', () => {
    const [state] = [{ id: 'x', tags: [] } as unknown as Parameters<typeof matchesCriteria>[1]];
    expect(matchesCriteria({ text: 'printer' }, { ...state, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() })).toBe('sql');
  });
});
