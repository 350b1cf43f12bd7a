import { randomUUID } from 'node:crypto';
import { toGlobalId } from '../src/graphql/global-id';
import { Channel, Impact, TicketType, Urgency } from '../src/modules/tickets/tickets.enums';
import {
  AddCommentDocument,
  ChangeTicketStatusDocument,
  ListingTicketLookupDocument,
  ListingTicketNodeDocument,
  ListingTicketsDocument,
  UpdateOrganizationDocument,
  UpdateTicketDocument,
  type ListingTicketsQuery,
  type ListingTicketsQueryVariables,
  type TicketFilter,
  type TicketOrder,
  type TicketStatus,
} from './generated/graphql';
import { errorCodes, type GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';

type Person = Awaited<ReturnType<Factory['user']>>;
type Made = Awaited<ReturnType<Factory['ticket']>>;
type Page = ListingTicketsQuery['tickets'];

let server: TestServer;
let factory: Factory;
/** The desk: opens tickets for others, assigns, moves statuses, writes notes; sees everything. */
let desk: Person;

const HOUR = 3600 * 1000;
const iso = (base: number, hours: number) => new Date(base + hours * HOUR).toISOString();

/** Sets a ticket's timestamps behind the application's back (straight SQL, no ORM hook). */
async function setTimes(ticket: Made, createdAt: string, updatedAt = createdAt): Promise<void> {
  await server.orm.em.fork().execute('update tickets set created_at = ?, updated_at = ? where id = ?', [createdAt, updatedAt, ticket.ticket.id]);
}

async function moveTo(ticket: Made, status: TicketStatus): Promise<void> {
  const { changeTicketStatus } = await desk.client.data(ChangeTicketStatusDocument, {
    input: { id: ticket.id, status, resolution: status === 'RESOLVED' ? 'Fixed.' : undefined },
  });
  expect(changeTicketStatus.userErrors).toEqual([]);
}

async function comment(client: GraphQLClient, ticket: Made, body: string, internal = false): Promise<void> {
  const { addComment } = await client.data(AddCommentDocument, { input: { ticketId: ticket.id, body, internal } });
  expect(addComment.userErrors).toEqual([]);
}

async function list(client: GraphQLClient, variables: ListingTicketsQueryVariables): Promise<Page> {
  return (await client.data(ListingTicketsDocument, variables)).tickets;
}

/** Names of the tickets this file built, by global id; an unknown id stays itself, so a leak shows in a failure. */
const names = new Map<string, string>();
const nameOf = (id: string) => names.get(id) ?? id;
const named = (page: Page) => page.nodes.map((node) => nameOf(node.id));

// ---------------------------------------------------------------------------------------------
// The main data set: nine tickets t1 … t9 (numbers in that order) whose every filtered field is
// known. rA (organization A), rB (organization B) and rC (none) asked for them and for nothing else.
// ---------------------------------------------------------------------------------------------

const BASE = Date.parse('2024-05-01T08:00:00.000Z');

interface Spec {
  title: string;
  requester: 'rA' | 'rB' | 'rC';
  type: TicketType;
  impact: Impact;
  urgency: Urgency;
  group?: 'g1' | 'g2';
  assignee?: 'a1' | 'a2' | 'a3';
  tags: string[];
  category?: string;
  channel: Channel;
  /** Status moves from NEW, through the API. */
  path: TicketStatus[];
  /** created_at and updated_at, in hours after BASE: orders differ from the number order. */
  created: number;
  updated: number;
}

const SPECS = {
  t1: { title: 'VPN tunnel keeps dropping', requester: 'rA', type: TicketType.INCIDENT, impact: Impact.HIGH, urgency: Urgency.HIGH, group: 'g1', assignee: 'a1', tags: ['vpn', 'urgent'], category: 'network', channel: Channel.EMAIL, path: ['OPEN'], created: 5, updated: 30 },
  t2: { title: 'Laptop for a new hire', requester: 'rA', type: TicketType.SERVICE_REQUEST, impact: Impact.MEDIUM, urgency: Urgency.MEDIUM, group: 'g1', tags: ['laptop'], category: 'hardware', channel: Channel.PORTAL, path: [], created: 2, updated: 12 },
  t3: { title: 'How do I share a calendar', requester: 'rB', type: TicketType.QUESTION, impact: Impact.LOW, urgency: Urgency.LOW, group: 'g2', assignee: 'a2', tags: [], channel: Channel.PHONE, path: ['PENDING'], created: 8, updated: 9 },
  t4: { title: 'VPN concentrator overload', requester: 'rB', type: TicketType.PROBLEM, impact: Impact.HIGH, urgency: Urgency.MEDIUM, tags: ['vpn'], category: 'network', channel: Channel.MONITORING, path: ['RESOLVED'], created: 1, updated: 40 },
  t5: { title: 'Firewall rule change', requester: 'rC', type: TicketType.CHANGE, impact: Impact.MEDIUM, urgency: Urgency.HIGH, group: 'g2', assignee: 'a3', tags: ['urgent'], category: 'software', channel: Channel.API, path: ['CANCELLED'], created: 7, updated: 20 },
  t6: { title: 'Label maker offline', requester: 'rC', type: TicketType.INCIDENT, impact: Impact.LOW, urgency: Urgency.HIGH, group: 'g1', assignee: 'a3', tags: ['labels'], category: 'hardware', channel: Channel.CHAT, path: ['ON_HOLD'], created: 3, updated: 25 },
  t7: { title: 'Mail server unreachable', requester: 'rA', type: TicketType.INCIDENT, impact: Impact.HIGH, urgency: Urgency.HIGH, tags: [], channel: Channel.PORTAL, path: [], created: 6, updated: 7 },
  t8: { title: 'Spare laptop docking station', requester: 'rB', type: TicketType.SERVICE_REQUEST, impact: Impact.LOW, urgency: Urgency.MEDIUM, group: 'g2', tags: ['laptop', 'vpn'], category: 'hardware', channel: Channel.EMAIL, path: ['RESOLVED', 'CLOSED'], created: 4, updated: 50 },
  t9: { title: 'Licence question for CAD software', requester: 'rC', type: TicketType.QUESTION, impact: Impact.MEDIUM, urgency: Urgency.LOW, group: 'g1', assignee: 'a1', tags: [], category: 'software', channel: Channel.PHONE, path: ['OPEN'], created: 9, updated: 10 },
} satisfies Record<string, Spec>;
type Key = keyof typeof SPECS;
const KEYS = Object.keys(SPECS) as Key[];

const set = {} as {
  rA: Person; rB: Person; rC: Person;
  a1: Person; a2: Person; a3: Person;
  g1: Awaited<ReturnType<Factory['group']>>; g2: Awaited<ReturnType<Factory['group']>>;
  orgA: Awaited<ReturnType<Factory['organization']>>; orgB: Awaited<ReturnType<Factory['organization']>>;
  tickets: Record<Key, Made>;
};

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  desk = await factory.admin({ name: 'Desk' });

  [set.g1, set.g2] = await Promise.all([factory.group('Service desk', 1), factory.group('Network', 2)]);
  [set.orgA, set.orgB] = await Promise.all([factory.organization('Org A'), factory.organization('Org B')]);
  [set.a1, set.a2, set.a3] = await Promise.all([
    factory.agent({ name: 'Agent 1', groupIds: [set.g1.group.id] }),
    factory.agent({ name: 'Agent 2', groupIds: [set.g2.group.id] }),
    factory.agent({ name: 'Agent 3', groupIds: [set.g1.group.id, set.g2.group.id] }),
  ]);
  [set.rA, set.rB, set.rC] = await Promise.all([
    factory.user({ name: 'Requester A', organizationId: set.orgA.organization.id }),
    factory.user({ name: 'Requester B', organizationId: set.orgB.organization.id }),
    factory.user({ name: 'Requester C' }),
  ]);

  set.tickets = {} as Record<Key, Made>;
  for (const key of KEYS) {
    const spec: Spec = SPECS[key];
    set.tickets[key] = await factory.ticket(desk, {
      title: spec.title,
      requesterId: set[spec.requester].user.id,
      type: spec.type,
      impact: spec.impact,
      urgency: spec.urgency,
      groupId: spec.group && set[spec.group].group.id,
      assigneeId: spec.assignee && set[spec.assignee].user.id,
      tags: spec.tags,
      category: spec.category,
      channel: spec.channel,
    });
    names.set(set.tickets[key].id, key);
  }
  for (const key of KEYS) for (const status of SPECS[key].path) await moveTo(set.tickets[key], status);
  // Last, so that no later write moves them.
  for (const key of KEYS) await setTimes(set.tickets[key], iso(BASE, SPECS[key].created), iso(BASE, SPECS[key].updated));
});
afterAll(() => server?.stop());

/** Only the data set's tickets: its three requesters asked for nothing else. */
const datasetRequesters = () => [set.rA.id, set.rB.id, set.rC.id];

/** The data set's tickets that `filter` keeps, by number, as the desk sees them; totalCount must agree. */
async function matching(filter: TicketFilter): Promise<string[]> {
  const scoped = filter.requesterIds ? filter : { ...filter, requesterIds: datasetRequesters() };
  const page = await list(desk.client, { filter: scoped, orderBy: { field: 'NUMBER', direction: 'ASC' }, first: 100 });
  expect(page.totalCount).toBe(page.nodes.length);
  return named(page);
}

describe('the data set', () => {
  it('is what the filters below are checked against', async () => {
    const page = await list(desk.client, { filter: { requesterIds: datasetRequesters() }, orderBy: { field: 'NUMBER', direction: 'ASC' }, first: 100 });
    expect(named(page)).toEqual(KEYS);
    const byKey = new Map(page.nodes.map((node) => [nameOf(node.id), node]));
    expect(KEYS.map((key) => byKey.get(key)!.status)).toEqual(['OPEN', 'NEW', 'PENDING', 'RESOLVED', 'CANCELLED', 'ON_HOLD', 'NEW', 'CLOSED', 'OPEN']);
    expect(KEYS.map((key) => byKey.get(key)!.priority)).toEqual(['P1', 'P3', 'P4', 'P2', 'P2', 'P3', 'P1', 'P4', 'P4']);
    expect(KEYS.map((key) => byKey.get(key)!.organization?.id ?? null)).toEqual(
      KEYS.map((key) => ({ rA: set.orgA.id, rB: set.orgB.id, rC: null })[SPECS[key].requester]),
    );
    expect(byKey.get('t1')!.createdAt).toBe(iso(BASE, 5));
    expect(byKey.get('t1')!.updatedAt).toBe(iso(BASE, 30));
  });
});

describe('tickets(filter)', () => {
  it('ids: any of them; an id of another kind, of no ticket, or garbage matches nothing', async () => {
    const { t1, t2, t5 } = set.tickets;
    expect(await matching({ ids: [t5.id, t1.id] })).toEqual(['t1', 't5']);
    expect(await matching({ ids: [t2.id, 'garbage', set.g1.id] })).toEqual(['t2']);
    // A ticket's own uuid under another type names no ticket.
    expect(await matching({ ids: [toGlobalId('Group', t1.ticket.id)] })).toEqual([]);
    expect(await matching({ ids: [toGlobalId('Ticket', randomUUID())] })).toEqual([]);
    expect(await matching({ ids: ['garbage'] })).toEqual([]);
    expect(await matching({ ids: [toGlobalId('Ticket', 'not-a-uuid')] })).toEqual([]);
  });

  it('status, type and priority: any of the values', async () => {
    expect(await matching({ status: ['OPEN'] })).toEqual(['t1', 't9']);
    expect(await matching({ status: ['PENDING', 'ON_HOLD'] })).toEqual(['t3', 't6']);
    expect(await matching({ status: ['RESOLVED', 'CLOSED', 'CANCELLED'] })).toEqual(['t4', 't5', 't8']);
    expect(await matching({ type: ['INCIDENT'] })).toEqual(['t1', 't6', 't7']);
    expect(await matching({ type: ['QUESTION', 'CHANGE'] })).toEqual(['t3', 't5', 't9']);
    expect(await matching({ priority: ['P1'] })).toEqual(['t1', 't7']);
    expect(await matching({ priority: ['P2', 'P4'] })).toEqual(['t3', 't4', 't5', 't8', 't9']);
  });

  it('groupIds and assigneeIds: any of them; ids of another kind or garbage match nothing', async () => {
    const { g1, g2, a1, a2, a3 } = set;
    expect(await matching({ groupIds: [g1.id] })).toEqual(['t1', 't2', 't6', 't9']);
    expect(await matching({ groupIds: [g1.id, g2.id] })).toEqual(['t1', 't2', 't3', 't5', 't6', 't8', 't9']);
    expect(await matching({ groupIds: [a1.id] })).toEqual([]);
    expect(await matching({ groupIds: [toGlobalId('User', g1.group.id)] })).toEqual([]);
    expect(await matching({ groupIds: ['garbage'] })).toEqual([]);
    expect(await matching({ assigneeIds: [a1.id] })).toEqual(['t1', 't9']);
    expect(await matching({ assigneeIds: [a2.id, a3.id] })).toEqual(['t3', 't5', 't6']);
    expect(await matching({ assigneeIds: [g1.id] })).toEqual([]);
    expect(await matching({ assigneeIds: [toGlobalId('Group', a1.user.id)] })).toEqual([]);
    expect(await matching({ assigneeIds: ['%%%'] })).toEqual([]);
  });

  it('unassigned: true keeps tickets nobody is assigned to, false the others', async () => {
    expect(await matching({ unassigned: true })).toEqual(['t2', 't4', 't7', 't8']);
    expect(await matching({ unassigned: false })).toEqual(['t1', 't3', 't5', 't6', 't9']);
    expect(await matching({ unassigned: true, assigneeIds: [set.a1.id] })).toEqual([]);
  });

  it('requesterIds and organizationIds: any of them; ids of another kind or garbage match nothing', async () => {
    const { rA, rB, rC, orgA, orgB } = set;
    expect(await matching({ requesterIds: [rA.id] })).toEqual(['t1', 't2', 't7']);
    expect(await matching({ requesterIds: [rA.id, rC.id] })).toEqual(['t1', 't2', 't5', 't6', 't7', 't9']);
    expect(await matching({ requesterIds: [orgA.id] })).toEqual([]);
    expect(await matching({ requesterIds: [toGlobalId('Organization', rA.user.id)] })).toEqual([]);
    expect(await matching({ requesterIds: ['garbage'] })).toEqual([]);
    expect(await matching({ organizationIds: [orgA.id] })).toEqual(['t1', 't2', 't7']);
    expect(await matching({ organizationIds: [orgA.id, orgB.id] })).toEqual(['t1', 't2', 't3', 't4', 't7', 't8']);
    expect(await matching({ organizationIds: [rB.id] })).toEqual([]);
    expect(await matching({ organizationIds: [toGlobalId('User', orgB.organization.id)] })).toEqual([]);
    expect(await matching({ organizationIds: ['garbage'] })).toEqual([]);
  });

  it('tags (any of), categories and channel: any of the values', async () => {
    expect(await matching({ tags: ['vpn'] })).toEqual(['t1', 't4', 't8']);
    expect(await matching({ tags: ['urgent', 'labels'] })).toEqual(['t1', 't5', 't6']);
    expect(await matching({ tags: ['no-such-tag'] })).toEqual([]);
    expect(await matching({ categories: ['network'] })).toEqual(['t1', 't4']);
    expect(await matching({ categories: ['hardware', 'software'] })).toEqual(['t2', 't5', 't6', 't8', 't9']);
    expect(await matching({ categories: ['nothing'] })).toEqual([]);
    expect(await matching({ channel: ['EMAIL'] })).toEqual(['t1', 't8']);
    expect(await matching({ channel: ['PHONE', 'CHAT'] })).toEqual(['t3', 't6', 't9']);
  });

  it('createdAfter, createdBefore and updatedAfter', async () => {
    expect(await matching({ createdAfter: iso(BASE, 4.5) })).toEqual(['t1', 't3', 't5', 't7', 't9']);
    expect(await matching({ createdBefore: iso(BASE, 4.5) })).toEqual(['t2', 't4', 't6', 't8']);
    expect(await matching({ createdAfter: iso(BASE, 2.5), createdBefore: iso(BASE, 6.5) })).toEqual(['t1', 't6', 't7', 't8']);
    expect(await matching({ updatedAfter: iso(BASE, 22) })).toEqual(['t1', 't4', 't6', 't8']);
    expect(await matching({ updatedAfter: iso(BASE, 22), createdBefore: iso(BASE, 4.5) })).toEqual(['t4', 't6', 't8']);
    expect(await matching({ createdAfter: iso(BASE, 100) })).toEqual([]);
  });

  it('createdAfter T and createdBefore T split the tickets in two, even at a ticket created at T', async () => {
    const t = iso(BASE, 5); // t1's creation time
    const after = await matching({ createdAfter: t });
    const before = await matching({ createdBefore: t });
    expect([...after, ...before].sort()).toEqual([...KEYS].sort());
  });

  it('text, on the data set', async () => {
    expect(await matching({ text: 'vpn' })).toEqual(['t1', 't4']);
    expect(await matching({ text: 'laptops' })).toEqual(['t2', 't8']);
  });

  it('ANDs fields', async () => {
    const { a3, g1, orgB } = set;
    expect(await matching({ status: ['OPEN', 'NEW'], priority: ['P1'], unassigned: true })).toEqual(['t7']);
    expect(await matching({ tags: ['vpn'], organizationIds: [orgB.id] })).toEqual(['t4', 't8']);
    expect(await matching({ groupIds: [g1.id], assigneeIds: [a3.id], channel: ['CHAT'] })).toEqual(['t6']);
    expect(await matching({ text: 'vpn', status: ['OPEN'] })).toEqual(['t1']);
    expect(await matching({ type: ['INCIDENT'], categories: ['hardware'], tags: ['labels'], requesterIds: [set.rC.id] })).toEqual(['t6']);
    expect(await matching({ type: ['INCIDENT'], status: ['CLOSED'] })).toEqual([]);
  });

  it('answers a filter string holding a NUL character with a page or BAD_USER_INPUT, never INTERNAL_SERVER_ERROR', async () => {
    // PostgreSQL refuses U+0000 in text: the server has to turn the value away (or drop the
    // character) before it reaches the database; a client's input is not an internal failure.
    const filters: TicketFilter[] = [{ text: 'vpn\u0000' }, { tags: ['vpn\u0000'] }, { categories: ['network\u0000'] }];
    for (const filter of filters) {
      const codes = errorCodes(await desk.client.request(ListingTicketsDocument, { filter }));
      expect({ filter, codes }).toEqual({ filter, codes: codes.length ? ['BAD_USER_INPUT'] : [] });
    }
  });

  it('refuses a NUL character written as an escape in the document itself', async () => {
    const response = await desk.client.raw({ query: '{ tickets(filter: { text: "vpn\\u0000" }) { totalCount } }' });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.data?.tickets ?? null).toBeNull();
  });
});

describe('tickets(orderBy)', () => {
  const ordered = async (orderBy?: TicketOrder) =>
    named(await list(desk.client, { filter: { requesterIds: datasetRequesters() }, orderBy, first: 100 }));

  const CREATED = ['t4', 't2', 't6', 't8', 't1', 't7', 't5', 't3', 't9'];
  const UPDATED = ['t7', 't3', 't9', 't2', 't5', 't6', 't1', 't4', 't8'];
  // P1 first, and the oldest first among equals: t1 (5 h) before t7 (6 h), t4 (1 h) before t5 (7 h) …
  const PRIORITY = ['t1', 't7', 't4', 't5', 't2', 't6', 't8', 't3', 't9'];
  const NUMBER = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'];
  const reversed = (keys: string[]) => [...keys].reverse();

  it('defaults to newest first', async () => {
    expect(await ordered()).toEqual(reversed(CREATED));
  });

  it('orders by CREATED_AT, UPDATED_AT, PRIORITY and NUMBER both ways', async () => {
    expect(await ordered({ field: 'CREATED_AT', direction: 'ASC' })).toEqual(CREATED);
    expect(await ordered({ field: 'CREATED_AT', direction: 'DESC' })).toEqual(reversed(CREATED));
    expect(await ordered({ field: 'UPDATED_AT', direction: 'ASC' })).toEqual(UPDATED);
    expect(await ordered({ field: 'UPDATED_AT', direction: 'DESC' })).toEqual(reversed(UPDATED));
    expect(await ordered({ field: 'PRIORITY', direction: 'ASC' })).toEqual(PRIORITY);
    // DESC is the exact reverse: P4 first, the newest first among equals.
    expect(await ordered({ field: 'PRIORITY', direction: 'DESC' })).toEqual(reversed(PRIORITY));
    expect(await ordered({ field: 'NUMBER', direction: 'ASC' })).toEqual(NUMBER);
    expect(await ordered({ field: 'NUMBER', direction: 'DESC' })).toEqual(reversed(NUMBER));
  });

  it('takes ASC when the direction is left out', async () => {
    expect(await ordered({ field: 'PRIORITY' })).toEqual(PRIORITY);
  });

  describe('keyset pages', () => {
    const ORDERS: [TicketOrder | undefined, string[]][] = [
      [undefined, reversed(CREATED)],
      [{ field: 'CREATED_AT', direction: 'ASC' }, CREATED],
      [{ field: 'UPDATED_AT', direction: 'ASC' }, UPDATED],
      [{ field: 'UPDATED_AT', direction: 'DESC' }, reversed(UPDATED)],
      [{ field: 'PRIORITY', direction: 'ASC' }, PRIORITY],
      [{ field: 'PRIORITY', direction: 'DESC' }, reversed(PRIORITY)],
      [{ field: 'NUMBER', direction: 'ASC' }, NUMBER],
      [{ field: 'NUMBER', direction: 'DESC' }, reversed(NUMBER)],
    ];

    it.each(ORDERS)('first/after walks every page of %j with no duplicate and no gap', async (orderBy, expected) => {
      const filter = { requesterIds: datasetRequesters() };
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; ; pages += 1) {
        expect(pages).toBeLessThan(10);
        const page: Page = await list(desk.client, { filter, orderBy, first: 4, after });
        expect(page.totalCount).toBe(9);
        expect(page.edges.map((edge) => edge.node.id)).toEqual(page.nodes.map((node) => node.id));
        expect(page.pageInfo).toMatchObject({
          hasPreviousPage: after !== null,
          startCursor: page.edges[0]?.cursor ?? null,
          endCursor: page.edges.at(-1)?.cursor ?? null,
        });
        seen.push(...named(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
    });

    it.each(ORDERS)('last/before walks every page of %j backwards', async (orderBy, expected) => {
      const filter = { requesterIds: datasetRequesters() };
      let seen: string[] = [];
      let before: string | null = null;
      for (let pages = 0; ; pages += 1) {
        expect(pages).toBeLessThan(10);
        const page: Page = await list(desk.client, { filter, orderBy, last: 4, before });
        expect(page.totalCount).toBe(9);
        expect(page.pageInfo.hasNextPage).toBe(before !== null);
        seen = [...named(page), ...seen];
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      expect(seen).toEqual(expected);
    });
  });
});

describe('keyset pagination while tickets are created', () => {
  const BASE2 = Date.parse('2024-06-01T08:00:00.000Z');
  let rP: Person;
  const made: Record<string, Made> = {};
  const add = async (name: string, hours?: number) => {
    made[name] = await factory.ticket(rP, { title: `Paging ${name}` });
    names.set(made[name].id, name);
    if (hours !== undefined) await setTimes(made[name], iso(BASE2, hours));
  };
  const page = (variables: ListingTicketsQueryVariables) => list(desk.client, { filter: { requesterIds: [rP.id] }, ...variables });

  beforeAll(async () => {
    rP = await factory.user({ name: 'Pager' });
    for (let i = 0; i < 6; i += 1) await add(`p${i}`, i);
  });

  it('first/after: a ticket created before the cursor is not shown, one after it is, nothing repeats', async () => {
    const one = await page({ first: 3 });
    expect(named(one)).toEqual(['p5', 'p4', 'p3']);
    await add('n1'); // now: the newest of all, before the cursor
    await add('n2', 1.5); // between p2 and p1: after the cursor
    const two = await page({ first: 3, after: one.pageInfo.endCursor });
    expect(named(two)).toEqual(['p2', 'n2', 'p1']);
    expect(two.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(two.totalCount).toBe(8);
    const three = await page({ first: 3, after: two.pageInfo.endCursor });
    expect(named(three)).toEqual(['p0']);
    expect(three.pageInfo.hasNextPage).toBe(false);
  });

  it('last/before: the same, walking backwards', async () => {
    // Newest first now: n1 p5 p4 p3 p2 n2 p1 p0.
    const one = await page({ last: 3 });
    expect(named(one)).toEqual(['n2', 'p1', 'p0']);
    await add('n3', -1); // the oldest: after the cursor, never on an earlier page
    await add('n4', 3.5); // between p4 and p3: before the cursor
    const two = await page({ last: 3, before: one.pageInfo.startCursor });
    expect(named(two)).toEqual(['n4', 'p3', 'p2']);
    expect(two.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const three = await page({ last: 3, before: two.pageInfo.startCursor });
    expect(named(three)).toEqual(['n1', 'p5', 'p4']);
    expect(three.pageInfo.hasPreviousPage).toBe(false);
    expect(three.totalCount).toBe(10);
  });

  it('by NUMBER: tickets opened during the walk come at its end', async () => {
    const order: TicketOrder = { field: 'NUMBER', direction: 'ASC' };
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(10);
      const current: Page = await page({ orderBy: order, first: 4, after });
      seen.push(...named(current));
      if (pages === 0) await add('n5');
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(seen).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('refuses first or last over 100, and a cursor of another order, with BAD_USER_INPUT', async () => {
    expect(errorCodes(await desk.client.request(ListingTicketsDocument, { first: 101 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await desk.client.request(ListingTicketsDocument, { last: 101 }))).toEqual(['BAD_USER_INPUT']);
    expect((await page({ first: 100 })).nodes).toHaveLength(11);
    const byCreation = await page({ first: 1 });
    const response = await desk.client.request(ListingTicketsDocument, {
      orderBy: { field: 'NUMBER', direction: 'ASC' },
      after: byCreation.pageInfo.endCursor,
    });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('orders with ties and overrides', () => {
  const BASE3 = Date.parse('2024-07-01T08:00:00.000Z');

  it('breaks ties by id, so pages neither repeat nor skip tickets created at the same instant', async () => {
    const rQ = await factory.user({ name: 'Twins' });
    const twins: Made[] = [];
    for (let i = 0; i < 5; i += 1) {
      const ticket = await factory.ticket(rQ, { title: `Twin ${i}` });
      await setTimes(ticket, iso(BASE3, 0)); // all five: the same created_at and updated_at, the same priority
      names.set(ticket.id, `q${i}`);
      twins.push(ticket);
    }
    const byUuid = [...twins].sort((a, b) => (a.ticket.id < b.ticket.id ? -1 : 1)).map((ticket) => nameOf(ticket.id));
    const filter = { requesterIds: [rQ.id] };
    const orders: TicketOrder[] = [
      { field: 'CREATED_AT', direction: 'ASC' },
      { field: 'CREATED_AT', direction: 'DESC' },
      { field: 'UPDATED_AT', direction: 'DESC' },
      { field: 'PRIORITY', direction: 'ASC' },
    ];
    for (const orderBy of orders) {
      const all = named(await list(desk.client, { filter, orderBy, first: 100 }));
      expect(all).toEqual(orderBy.direction === 'ASC' ? byUuid : [...byUuid].reverse());
      const forward: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages += 1) {
        const page: Page = await list(desk.client, { filter, orderBy, first: 2, after });
        forward.push(...named(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(forward).toEqual(all);
      let backward: string[] = [];
      let before: string | null = null;
      for (let pages = 0; pages < 10; pages += 1) {
        const page: Page = await list(desk.client, { filter, orderBy, last: 2, before });
        backward = [...named(page), ...backward];
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      expect(backward).toEqual(all);
    }
  });

  it('filters and orders by the effective priority: an agent’s override, then the matrix again', async () => {
    const rO = await factory.user({ name: 'Overrides' });
    const o1 = await factory.ticket(rO, { title: 'Override one', impact: Impact.HIGH, urgency: Urgency.HIGH });
    const o2 = await factory.ticket(rO, { title: 'Override two', impact: Impact.LOW, urgency: Urgency.LOW });
    const o3 = await factory.ticket(rO, { title: 'Override three' });
    for (const [index, ticket] of [o1, o2, o3].entries()) {
      await setTimes(ticket, iso(BASE3, 10 + index));
      names.set(ticket.id, `o${index + 1}`);
    }
    const filter = { requesterIds: [rO.id] };
    const byPriority = async () => named(await list(desk.client, { filter, orderBy: { field: 'PRIORITY', direction: 'ASC' } }));
    expect(await byPriority()).toEqual(['o1', 'o3', 'o2']);

    const override = async (ticket: Made, priorityOverride: 'P1' | null) => {
      const { updateTicket } = await desk.client.data(UpdateTicketDocument, { input: { id: ticket.id, priorityOverride } });
      expect(updateTicket.userErrors).toEqual([]);
    };
    await override(o2, 'P1');
    expect(await byPriority()).toEqual(['o1', 'o2', 'o3']);
    expect(named(await list(desk.client, { filter: { ...filter, priority: ['P1'] }, orderBy: { field: 'NUMBER' } }))).toEqual(['o1', 'o2']);
    expect(named(await list(desk.client, { filter: { ...filter, priority: ['P4'] } }))).toEqual([]);
    await override(o2, null);
    expect(await byPriority()).toEqual(['o1', 'o3', 'o2']);
    expect(named(await list(desk.client, { filter: { ...filter, priority: ['P4'] } }))).toEqual(['o2']);
  });
});

describe('tickets(filter: { text })', () => {
  let rT: Person;
  const made: Record<string, Made> = {};
  const search = async (text: string, client: GraphQLClient = desk.client) =>
    named(await list(client, { filter: { text }, orderBy: { field: 'NUMBER', direction: 'ASC' }, first: 100 }));

  beforeAll(async () => {
    rT = await factory.user({ name: 'Searcher' });
    const open = async (name: string, title: string, description?: string) => {
      made[name] = await factory.ticket(rT, { title, description });
      names.set(made[name].id, name);
    };
    await open('x1', 'Imprimante en panne au troisième étage');
    await open('x2', 'Coupure du réseau au bureau de Lyon');
    await open('x3', 'Office printer jammed again');
    await open('x4', 'Cannot sign in', 'The kerberos ticket expires every morning');
    await open('x5', 'Slow dashboard');
    await open('x6', 'Disk alert');
    await comment(desk.client, made.x5, 'Looks like the zeppelin cache is cold.');
    await comment(rT.client, made.x5, 'The octopus report is slow too.');
    await comment(desk.client, made.x6, 'Rotated the quokka credentials.', true);
    await comment(desk.client, made.x6, 'We are looking into it.');
  });

  it('matches French word forms and folds accents', async () => {
    expect(await search('imprimantes')).toEqual(['x1']);
    expect(await search('imprimante')).toEqual(['x1']);
    expect(await search('reseau')).toEqual(['x2']);
    expect(await search('réseau')).toEqual(['x2']);
    expect(await search('RESEAU')).toEqual(['x2']);
    expect(await search('troisieme etage')).toEqual(['x1']);
  });

  it('matches English word forms', async () => {
    expect(await search('printers')).toEqual(['x3']);
    expect(await search('printer')).toEqual(['x3']);
    expect(await search('jamming printers')).toEqual(['x3']);
  });

  it('needs every word of the search', async () => {
    expect(await search('imprimante panne')).toEqual(['x1']);
    expect(await search('imprimante zeppelin')).toEqual([]);
  });

  it('covers the description and public comments, the desk’s and the requester’s', async () => {
    expect(await search('kerberos')).toEqual(['x4']);
    expect(await search('zeppelin')).toEqual(['x5']);
    expect(await search('octopus')).toEqual(['x5']);
    expect(await search('octopus', rT.client)).toEqual(['x5']);
  });

  it('never matches words found only in an internal note, not even for staff', async () => {
    // tickets.search_vector holds public comments only (see the migration's triggers), so the desk
    // does not find internal notes through `text` either.
    expect(await search('quokka')).toEqual([]);
    expect(await search('quokka', rT.client)).toEqual([]);
    expect((await list(desk.client, { filter: { text: 'quokka' } })).totalCount).toBe(0);
  });

  it('keeps public comments and leaves internal notes out when the title changes', async () => {
    for (const [ticket, title] of [[made.x5, 'Slow dashboard on Mondays'], [made.x6, 'Disk alert on the backup host']] as const) {
      const { updateTicket } = await desk.client.data(UpdateTicketDocument, { input: { id: ticket.id, title } });
      expect(updateTicket.userErrors).toEqual([]);
    }
    expect(await search('mondays')).toEqual(['x5']);
    expect(await search('zeppelin')).toEqual(['x5']);
    expect(await search('octopus')).toEqual(['x5']);
    expect(await search('backup')).toEqual(['x6']);
    expect(await search('quokka')).toEqual([]);
  });
});

describe('what a requester lists', () => {
  const v = {} as {
    shared: Awaited<ReturnType<Factory['organization']>>;
    closed: Awaited<ReturnType<Factory['organization']>>;
    s1: Person; s2: Person; n1: Person; n2: Person; loner: Person;
  };
  const owned: Record<'s1' | 's2' | 'n1' | 'n2' | 'loner', string[]> = { s1: [], s2: [], n1: [], n2: [], loner: [] };
  const made: Record<string, Made> = {};

  beforeAll(async () => {
    v.shared = await factory.organization('Shares tickets', true);
    v.closed = await factory.organization('Keeps them', false);
    [v.s1, v.s2, v.n1, v.n2, v.loner] = await Promise.all([
      factory.user({ name: 'S1', organizationId: v.shared.organization.id }),
      factory.user({ name: 'S2', organizationId: v.shared.organization.id }),
      factory.user({ name: 'N1', organizationId: v.closed.organization.id }),
      factory.user({ name: 'N2', organizationId: v.closed.organization.id }),
      factory.user({ name: 'Loner' }),
    ]);
    const open = async (who: keyof typeof owned, by: 'self' | 'desk', n: number) => {
      const name = `${who}-${n}`;
      made[name] = by === 'self' ? await factory.ticket(v[who], { title: `Walrus ${name}` }) : await factory.ticket(desk, { title: `Walrus ${name}`, requesterId: v[who].user.id });
      names.set(made[name].id, name);
      owned[who].push(name);
    };
    await open('s1', 'self', 1);
    await open('s1', 'desk', 2);
    await open('s2', 'self', 1);
    await open('n1', 'self', 1);
    await open('n1', 'desk', 2);
    await open('n2', 'self', 1);
    await open('loner', 'self', 1);
  });

  const sees = async (person: Person, filter?: TicketFilter) => {
    const page = await list(person.client, { filter, first: 100, orderBy: { field: 'NUMBER', direction: 'ASC' } });
    expect(page.totalCount).toBe(page.nodes.length);
    return named(page);
  };

  it('holds their own tickets, and their organization’s when it shares tickets', async () => {
    const shared = [...owned.s1, ...owned.s2];
    expect(await sees(v.s1)).toEqual(shared);
    expect(await sees(v.s2)).toEqual(shared);
    expect(await sees(v.n1)).toEqual(owned.n1);
    expect(await sees(v.n2)).toEqual(owned.n2);
    expect(await sees(v.loner)).toEqual(owned.loner);
    // The desk sees them all.
    expect(await sees(desk, { text: 'walrus' })).toEqual(Object.values(owned).flat().sort((a, b) => made[a].ticket.number - made[b].ticket.number));
  });

  it('stays within what they see under text search, filters and paging', async () => {
    expect(await sees(v.s1, { text: 'walrus' })).toEqual([...owned.s1, ...owned.s2]);
    expect(await sees(v.n1, { text: 'walrus' })).toEqual(owned.n1);
    expect(await sees(v.loner, { text: 'walrus' })).toEqual(owned.loner);
    expect(await sees(v.n1, { requesterIds: [v.n2.id] })).toEqual([]);
    expect(await sees(v.n1, { organizationIds: [v.closed.id] })).toEqual(owned.n1);
    expect(await sees(v.loner, { ids: [made['s1-1'].id, made['n1-1'].id] })).toEqual([]);
    expect(await sees(v.s1, { requesterIds: [set.rA.id, set.rB.id, set.rC.id] })).toEqual([]);
    const last = await list(v.n1.client, { last: 1 });
    expect(last.totalCount).toBe(owned.n1.length);
    expect(named(last)).toEqual([owned.n1[0]]);
  });

  it('gives null for ticket(number), ticket(id) and node(id) of a ticket they may not see', async () => {
    const visible = async (person: Person, name: string) => {
      const { ticket } = made[name];
      const byNumber = (await person.client.data(ListingTicketLookupDocument, { number: ticket.number })).ticket;
      const byId = (await person.client.data(ListingTicketLookupDocument, { id: made[name].id })).ticket;
      const node = (await person.client.data(ListingTicketNodeDocument, { id: made[name].id })).node;
      expect([byId?.id ?? null, node?.id ?? null]).toEqual([byNumber?.id ?? null, byNumber?.id ?? null]);
      return byNumber !== null;
    };
    expect(await visible(v.n1, 'n1-2')).toBe(true);
    expect(await visible(v.n1, 'n2-1')).toBe(false);
    expect(await visible(v.n1, 's1-1')).toBe(false);
    expect(await visible(v.s1, 's2-1')).toBe(true);
    expect(await visible(v.s1, 'n1-1')).toBe(false);
    expect(await visible(v.loner, 's1-1')).toBe(false);
    expect((await v.loner.client.data(ListingTicketLookupDocument, { number: set.tickets.t1.ticket.number })).ticket).toBeNull();
  });

  it('turns anonymous callers away with UNAUTHENTICATED', async () => {
    expect(errorCodes(await factory.anonymous.request(ListingTicketsDocument, {}))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await factory.anonymous.request(ListingTicketsDocument, { filter: { text: 'walrus' } }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await factory.anonymous.request(ListingTicketLookupDocument, { number: made['s1-1'].ticket.number }))).toEqual(['UNAUTHENTICATED']);
    const node = await factory.anonymous.request(ListingTicketNodeDocument, { id: made['s1-1'].id });
    expect(node.data?.node ?? null).toBeNull();
  });

  it('stops sharing as soon as the organization stops sharing tickets', async () => {
    const { updateOrganization } = await desk.client.data(UpdateOrganizationDocument, { input: { id: v.shared.id, shareTickets: false } });
    expect(updateOrganization.userErrors).toEqual([]);
    expect(await sees(v.s1)).toEqual(owned.s1);
    expect(await sees(v.s1, { text: 'walrus' })).toEqual(owned.s1);
    expect(await sees(v.s2)).toEqual(owned.s2);
    expect((await v.s1.client.data(ListingTicketLookupDocument, { number: made['s2-1'].ticket.number })).ticket).toBeNull();
    expect((await v.s1.client.data(ListingTicketNodeDocument, { id: made['s2-1'].id })).node).toBeNull();
  });
});
