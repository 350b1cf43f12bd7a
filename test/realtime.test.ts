import type { Client } from 'graphql-ws';
import { encodeCursor } from '../src/modules/events/event-log';
import {
  AddCommentDocument,
  ChangeTicketStatusDocument,
  CreateTicketDocument,
  TicketCursorDocument,
  TicketEventsDocument,
  TicketEventsWithCountsDocument,
  TicketStatus,
  TicketType,
  UpdateTicketDocument,
  type TicketEventsSubscription,
} from './generated/graphql';
import { GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';
import { countStatements } from './support/sql-counter';
import { subscribe, wsClient } from './support/subscriptions';

let server: TestServer;
let factory: Factory;
let agent: Awaited<ReturnType<Factory['agent']>>;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  agent = await factory.agent({ name: 'Realtime Agent' });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});
afterAll(() => server?.stop());

function socket(url: string, token: string): Client {
  const client = wsClient(url, token);
  clients.push(client);
  return client;
}

async function openTicket(client: GraphQLClient, title = 'Wi-Fi drops') {
  const { createTicket } = await client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title } });
  return createTicket.ticket!;
}

/** From the very start of the ticket's stream: deterministic, no race with the subscription's registration. */
const FROM_START = encodeCursor(0);

type Event = TicketEventsSubscription['ticketEvents'];
const kinds = (events: { ticketEvents: Event }[]) => events.map((event) => event.ticketEvents.kind);

describe('ticketEvents', () => {
  it('delivers one event per mutation, in commit order, with its changes', async () => {
    const requester = await factory.user();
    const ticket = await openTicket(requester.client);
    const received = subscribe(socket(server.wsUrl, agent.token), TicketEventsDocument, { ticketId: ticket.id, after: FROM_START });
    await received.waitFor(1);
    await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, title: 'Wi-Fi drops on floor 2', tags: ['wifi'] } });
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Open } });
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'Checking the access point' } });
    const events = await received.waitFor(4);
    expect(received.errors).toBeNull();
    expect(kinds(events)).toEqual(['CREATED', 'UPDATED', 'STATUS_CHANGED', 'COMMENTED']);
    expect(events[1].ticketEvents).toMatchObject({
      actor: { id: agent.id },
      changes: [
        { field: 'title', from: 'Wi-Fi drops', to: 'Wi-Fi drops on floor 2' },
        { field: 'tags', from: [], to: ['wifi'] },
      ],
    });
    expect(events[3].ticketEvents.comment).toMatchObject({ body: 'Checking the access point', internal: false });
    expect(events[3].ticketEvents.changes.map((change) => change.field)).toEqual(['comment', 'firstRespondedAt']);
    const cursors = events.map((event) => event.ticketEvents.cursor);
    expect(new Set(cursors).size).toBe(4);
  });

  it('gives a requester their own ticket’s events without internal notes, and refuses others’ tickets', async () => {
    const requester = await factory.user();
    const ticket = await openTicket(requester.client);
    const received = subscribe(socket(server.wsUrl, requester.token), TicketEventsDocument, { ticketId: ticket.id, after: FROM_START });
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'VIP, handle with care', internal: true } });
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'We are on it' } });
    const events = await received.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.map((event) => event.ticketEvents.comment?.body ?? event.ticketEvents.kind)).toEqual(['CREATED', 'We are on it']);

    const stranger = await factory.user();
    const refused = subscribe(socket(server.wsUrl, stranger.token), TicketEventsDocument, { ticketId: ticket.id });
    await refused.waitFor(1).catch(() => undefined);
    expect(refused.errors?.[0]?.extensions?.code ?? refused.errors?.[0]?.message).toMatch(/FORBIDDEN|cannot follow/);
  });

  it('resumes after a disconnect with exactly what was missed, then goes on live', async () => {
    const ticket = await openTicket(agent.client);
    const first = subscribe(socket(server.wsUrl, agent.token), TicketEventsDocument, { ticketId: ticket.id, after: FROM_START });
    await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, category: 'network' } });
    const seen = await first.waitFor(2);
    const cursor = seen[1].ticketEvents.cursor;
    first.stop();

    await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, category: 'wifi' } });
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Open } });
    const resumed = subscribe(socket(server.wsUrl, agent.token), TicketEventsDocument, { ticketId: ticket.id, after: cursor });
    await resumed.waitFor(2);
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Pending } });
    const events = await resumed.waitFor(3);
    expect(events.map((event) => event.ticketEvents.changes[0]?.to)).toEqual(['wifi', 'OPEN', 'PENDING']);
  });

  it('starts right after what a client just read, through Ticket.eventCursor', async () => {
    const ticket = await openTicket(agent.client);
    await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, category: 'before-read' } });
    const { ticket: read } = await agent.client.data(TicketCursorDocument, { id: ticket.id });
    await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, category: 'after-read' } });
    const received = subscribe(socket(server.wsUrl, agent.token), TicketEventsDocument, { ticketId: ticket.id, after: read!.eventCursor });
    const events = await received.waitFor(1);
    expect(events.map((event) => event.ticketEvents.changes[0].to)).toEqual(['after-read']);
  });

  it('fails a cursor older than the retention window with CURSOR_EXPIRED', async () => {
    const ticket = await openTicket(agent.client);
    const em = server.orm.em.fork();
    await em.execute('update event_log_state set pruned_through = (select max(seq) from events)');
    try {
      const received = subscribe(socket(server.wsUrl, agent.token), TicketEventsDocument, { ticketId: ticket.id, after: encodeCursor(1) });
      await received.waitFor(1).catch(() => undefined);
      expect(received.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    } finally {
      await em.execute('update event_log_state set pruned_through = 0');
    }
  });
});

describe('fan-out', () => {
  it('loads what an event needs once, whatever the number of subscribers', async () => {
    const measure = async (subscribers: number) => {
      const ticket = await openTicket(agent.client);
      const streams = Array.from({ length: subscribers }, () => subscribe(socket(server.wsUrl, agent.token), TicketEventsDocument, { ticketId: ticket.id, after: FROM_START }));
      await Promise.all(streams.map((received) => received.waitFor(1)));
      const { count } = await countStatements(server.orm, async () => {
        await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, category: `fan-out ${subscribers}` } });
        await Promise.all(streams.map((received) => received.waitFor(2)));
      });
      for (const received of streams) received.stop();
      return count;
    };
    const few = await measure(2);
    const many = await measure(25);
    expect(many).toBe(few);
  });
});

describe('the dispatcher', () => {
  it('hands the instance its own commits without reading them back from the log', async () => {
    const ticket = await openTicket(agent.client, 'Printer jams');
    const received = subscribe(socket(server.wsUrl, agent.token), TicketEventsDocument, { ticketId: ticket.id, after: FROM_START });
    await received.waitFor(1);
    const started = Date.now();
    const { background } = await countStatements(server.orm, async () => {
      for (let i = 1; i <= 5; i += 1) await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, title: `Printer jams (${i})` } });
      await received.waitFor(6);
    });
    expect(received.items.map((item) => item.ticketEvents.changes[0]?.to)).toEqual([expect.anything(), ...[1, 2, 3, 4, 5].map((i) => `Printer jams (${i})`)]);
    // Five commits, no read of the log for them: only the one-second safety poll may have read.
    const reads = background.filter((sql) => sql.startsWith('select * from events where seq >')).length;
    expect(reads).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000));
  });
});

describe('shared executions', () => {
  it('computes each viewer’s own result when several viewers follow a ticket with the same document', async () => {
    const requester = await factory.user();
    const otherAgent = await factory.agent({ name: 'Second Agent' });
    const ticket = await openTicket(requester.client);
    const variables = { ticketId: ticket.id, after: FROM_START };
    const follow = (token: string) => subscribe(socket(server.wsUrl, token), TicketEventsWithCountsDocument, variables);
    // The same agent on two sockets (which may share one execution), another agent, the requester.
    const [agentTab1, agentTab2, second, mine] = [follow(agent.token), follow(agent.token), follow(otherAgent.token), follow(requester.token)];
    const all = [agentTab1, agentTab2, second, mine];
    await Promise.all(all.map((received) => received.waitFor(1)));

    // One change at a time, each delivered before the next, so that "the ticket as it is now" is known.
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'Internal: VIP', internal: true } });
    await Promise.all([agentTab1, agentTab2, second].map((received) => received.waitFor(2)));
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'We are on it' } });
    await Promise.all([agentTab1, agentTab2, second].map((received) => received.waitFor(3)));
    await mine.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const seen = (received: (typeof all)[number]) =>
      received.items.map(({ ticketEvents: event }) => `${event.kind}:${event.comment?.internal ?? '-'}:${event.ticket.commentCount}`);
    expect(seen(agentTab1)).toEqual(['CREATED:-:0', 'COMMENTED:true:1', 'COMMENTED:false:2']);
    expect(seen(agentTab2)).toEqual(seen(agentTab1));
    expect(seen(second)).toEqual(seen(agentTab1));
    // The requester: no internal note, and a count of the comments they can read.
    expect(seen(mine)).toEqual(['CREATED:-:0', 'COMMENTED:false:1']);
  });
});

describe('across instances and failures', () => {
  it('reaches a subscriber of another instance on the same database', async () => {
    const other = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const ticket = await openTicket(agent.client);
      const received = subscribe(socket(other.wsUrl, agent.token), TicketEventsDocument, { ticketId: ticket.id, after: FROM_START });
      await received.waitFor(1);
      const started = Date.now();
      await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'via instance one' } });
      const events = await received.waitFor(2);
      expect(events[1].ticketEvents.comment?.body).toBe('via instance one');
      expect(Date.now() - started).toBeLessThan(900); // the doorbell, not the 1 s safety poll
    } finally {
      await other.stop();
    }
  });

  it('loses nothing when the listening connection is terminated', async () => {
    const ticket = await openTicket(agent.client);
    const received = subscribe(socket(server.wsUrl, agent.token), TicketEventsDocument, { ticketId: ticket.id, after: FROM_START });
    await received.waitFor(1);
    const em = server.orm.em.fork();
    const killed = await em.execute(`select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = 'deskgraph-events' and datname = current_database()`);
    expect(killed.length).toBeGreaterThan(0);
    for (const category of ['one', 'two', 'three']) await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, category } });
    const events = await received.waitFor(4);
    expect(events.slice(1).map((event) => event.ticketEvents.changes[0].to)).toEqual(['one', 'two', 'three']);
  });

  it('resumes on a restarted server from the cursor held before the restart', async () => {
    const own = await startTestServer();
    const ownFactory = new Factory(own);
    const person = await ownFactory.agent();
    const ticket = await openTicket(person.client);
    const before = subscribe(socket(own.wsUrl, person.token), TicketEventsDocument, { ticketId: ticket.id, after: FROM_START });
    const [created] = await before.waitFor(1);
    await own.stop();

    const again = await startTestServer({ databaseUrl: own.databaseUrl });
    try {
      await new GraphQLClient(again.url, person.token).data(UpdateTicketDocument, { input: { id: ticket.id, category: 'after-restart' } });
      const resumed = subscribe(socket(again.wsUrl, person.token), TicketEventsDocument, { ticketId: ticket.id, after: created.ticketEvents.cursor });
      const events = await resumed.waitFor(1);
      expect(events.map((event) => event.ticketEvents.changes[0].to)).toEqual(['after-restart']);
    } finally {
      await again.stop();
    }
  });
});
