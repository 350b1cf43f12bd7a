import { encodeCursor } from '../src/modules/events/event-log';
import {
  Assignment,
  AssignTicketDocument,
  ChangeTicketStatusDocument,
  CreateQueueDocument,
  CreateRoutingRuleDocument,
  CreateTicketDocument,
  DeleteQueueDocument,
  EscalateTicketDocument,
  Priority,
  QueueEventsDocument,
  QueuesDocument,
  QueueTicketsDocument,
  TicketStatus,
  TicketType,
  UpdateQueueDocument,
  UpdateTicketDocument,
} from './generated/graphql';
import { errorCodes, GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';
import { subscribe, wsClient } from './support/subscriptions';

let server: TestServer;
let factory: Factory;
let admin: Awaited<ReturnType<Factory['admin']>>;

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  admin = await factory.admin();
});
afterAll(() => server?.stop());

const OPEN = [TicketStatus.New, TicketStatus.Open, TicketStatus.Pending, TicketStatus.OnHold];

async function openTicket(client: GraphQLClient, input: Record<string, unknown> = {}) {
  const { createTicket } = await client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: 'Queue me', ...input } });
  expect(createTicket.userErrors).toEqual([]);
  return createTicket.ticket!;
}

describe('queues', () => {
  it('counts, lists and orders a saved filter, kept live as tickets change', async () => {
    const agent = await factory.agent();
    const team = await factory.group('Queue team', 1, [agent.user.id]);
    const requester = await factory.user();
    const before = await openTicket(agent.client, { groupId: team.id });
    const { createQueue } = await admin.client.data(CreateQueueDocument, {
      input: { name: 'Team open', filter: { groupIds: [team.id], status: OPEN }, groupIds: [team.id] },
    });
    expect(createQueue.userErrors).toEqual([]);
    const queue = createQueue.queue!;
    expect(queue).toMatchObject({ count: 1, orderBy: { field: 'PRIORITY', direction: 'ASC' }, groups: [{ id: team.id }] });

    const urgent = await openTicket(requester.client, { impact: 'HIGH', urgency: 'HIGH' });
    await agent.client.data(AssignTicketDocument, { input: { id: urgent.id, groupId: team.id } });
    const listed = (await agent.client.data(QueueTicketsDocument, { id: queue.id, first: 10 })).queue!;
    expect(listed.count).toBe(2);
    expect(listed.tickets.totalCount).toBe(2);
    expect(listed.tickets.nodes.map((ticket) => ticket.id)).toEqual([urgent.id, before.id]);

    await agent.client.data(ChangeTicketStatusDocument, { input: { id: before.id, status: TicketStatus.Resolved, resolution: 'done' } });
    expect((await agent.client.data(QueueTicketsDocument, { id: queue.id })).queue!.count).toBe(1);
  });

  it('shows agents the queues of their groups only; requesters none', async () => {
    const [mine, theirs] = [await factory.agent(), await factory.agent()];
    const [mineGroup, theirGroup] = [await factory.group(undefined, 1, [mine.user.id]), await factory.group(undefined, 1, [theirs.user.id])];
    const { createQueue } = await admin.client.data(CreateQueueDocument, { input: { name: 'Private queue', filter: {}, groupIds: [theirGroup.id] } });
    const { createQueue: everyone } = await admin.client.data(CreateQueueDocument, { input: { name: 'Everyone queue', filter: { groupIds: [mineGroup.id] } } });
    const names = (await mine.client.data(QueuesDocument)).queues.map((queue) => queue.name);
    expect(names).toContain('Everyone queue');
    expect(names).not.toContain('Private queue');
    expect((await mine.client.data(QueueTicketsDocument, { id: createQueue.queue!.id })).queue).toBeNull();
    expect(everyone.queue!.groups).toEqual([]);
    expect(errorCodes(await (await factory.user()).client.request(QueuesDocument))).toEqual(['FORBIDDEN']);
  });

  it('refuses unknown ids in a filter, groups without agents, and writes nothing', async () => {
    const empty = await factory.group('Nobody here');
    const unknownGroup = Buffer.from('Group:00000000-0000-4000-8000-000000000000').toString('base64url');
    const requester = await factory.user();
    const cases: [Record<string, unknown>, string[], string][] = [
      [{ name: 'Bad', filter: { groupIds: [unknownGroup] } }, ['input', 'filter', 'groupIds'], 'NOT_FOUND'],
      [{ name: 'Bad', filter: { assigneeIds: [requester.id] } }, ['input', 'filter', 'assigneeIds'], 'NOT_FOUND'],
      [{ name: 'Bad', filter: { groupIds: ['garbage'] } }, ['input', 'filter', 'groupIds', '0'], 'NOT_FOUND'],
      [{ name: 'Bad', filter: {}, groupIds: [empty.id] }, ['input', 'groupIds'], 'INVALID_INPUT'],
      [{ name: ' ', filter: {} }, ['input', 'name'], 'INVALID_INPUT'],
    ];
    const before = (await admin.client.data(QueuesDocument)).queues.length;
    for (const [input, field, code] of cases) {
      const { createQueue } = await admin.client.data(CreateQueueDocument, { input: input as never });
      expect(createQueue.userErrors.map((error) => [error.field, error.code])).toEqual([[field, code]]);
    }
    expect((await admin.client.data(QueuesDocument)).queues.length).toBe(before);
  });

  it('updates (recounting) and deletes, with versions', async () => {
    const agent = await factory.agent();
    const team = await factory.group(undefined, 1, [agent.user.id]);
    await openTicket(agent.client, { groupId: team.id, tags: ['vip'] });
    await openTicket(agent.client, { groupId: team.id });
    const { createQueue } = await admin.client.data(CreateQueueDocument, { input: { name: 'To edit', filter: { groupIds: [team.id] } } });
    const { updateQueue } = await admin.client.data(UpdateQueueDocument, { input: { id: createQueue.queue!.id, expectedVersion: 1, filter: { groupIds: [team.id], tags: ['VIP'] } } });
    expect(updateQueue.queue).toMatchObject({ count: 1, version: 2 });
    const { updateQueue: stale } = await admin.client.data(UpdateQueueDocument, { input: { id: createQueue.queue!.id, expectedVersion: 1, name: 'late' } });
    expect(stale.userErrors.map((error) => error.code)).toEqual(['STALE_VERSION']);
    const { deleteQueue } = await admin.client.data(DeleteQueueDocument, { input: { id: createQueue.queue!.id } });
    expect(deleteQueue.deletedQueueId).toBe(createQueue.queue!.id);
  });

  it('applies concurrent edits that name no version one after the other, while its tickets change, refusing none', async () => {
    const agent = await factory.agent();
    const team = await factory.group(undefined, 1, [agent.user.id]);
    const ticket = await openTicket(agent.client, { groupId: team.id });
    const { createQueue } = await admin.client.data(CreateQueueDocument, { input: { name: 'Busy queue', filter: { groupIds: [team.id] } } });
    const id = createQueue.queue!.id;
    const [edits] = await Promise.all([
      Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((suffix) => admin.client.data(UpdateQueueDocument, { input: { id, name: `Busy queue ${suffix}` } }))),
      Promise.all([1, 2, 3].map((n) => agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, title: `Changed ${n}` } }))),
    ]);
    expect(edits.flatMap(({ updateQueue }) => updateQueue.userErrors)).toEqual([]);
    expect(edits.map(({ updateQueue }) => updateQueue.queue!.version).sort()).toEqual([2, 3, 4, 5, 6, 7]);
    const { queues } = await admin.client.data(QueuesDocument);
    expect(queues.find((queue) => queue.id === id)).toMatchObject({ count: 1, version: 7 });
  });
});

describe('queueEvents', () => {
  it('tells when a ticket enters, changes inside and leaves a queue, with the count after each', async () => {
    const agent = await factory.agent();
    const team = await factory.group(undefined, 1, [agent.user.id]);
    const { createQueue } = await admin.client.data(CreateQueueDocument, { input: { name: 'Live P1', filter: { groupIds: [team.id], priority: [Priority.P1], status: OPEN } } });
    const queueId = createQueue.queue!.id;
    const { queues } = await agent.client.data(QueuesDocument);
    expect(queues.map((queue) => queue.id)).toContain(queueId);
    const client = wsClient(server.wsUrl, agent.token);
    try {
      const [{ seq }] = await server.orm.em.fork().execute<{ seq: string }[]>('select coalesce(max(seq), 0) as seq from events');
      const received = subscribe(client, QueueEventsDocument, { queueIds: [queueId], after: encodeCursor(Number(seq)) });
      const ticket = await openTicket(agent.client, { groupId: team.id, impact: 'HIGH', urgency: 'HIGH' });
      await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, title: 'Still P1' } });
      await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, urgency: 'LOW' } as never });
      await openTicket(agent.client, { groupId: team.id }); // P3: not this queue's business
      const events = await received.waitFor(3);
      expect(events.map((event) => [event.queueEvents.kind, event.queueEvents.count, event.queueEvents.ticket.id])).toEqual([
        ['TICKET_ADDED', 1, ticket.id],
        ['TICKET_UPDATED', 1, ticket.id],
        ['TICKET_REMOVED', 0, ticket.id],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received.items).toHaveLength(3);
    } finally {
      await client.dispose();
    }
  });
});

describe('routing', () => {
  it('sends new tickets to the first matching rule’s group, round robin inside it, fair across two instances', async () => {
    const agents = [await factory.agent(), await factory.agent(), await factory.agent()];
    const team = await factory.group('Round robin team', 1, agents.map((agent) => agent.user.id));
    const other = await factory.group('Catch-all team', 1, [agents[0].user.id]);
    const { createRoutingRule: specific } = await admin.client.data(CreateRoutingRuleDocument, {
      input: { name: 'Printers', position: 10, match: { tags: ['printer'] }, groupId: team.id, assignment: Assignment.RoundRobin },
    });
    expect(specific.userErrors).toEqual([]);
    await admin.client.data(CreateRoutingRuleDocument, { input: { name: 'Everything else', position: 20, groupId: other.id } });

    const requester = await factory.user();
    const plain = await openTicket(requester.client);
    expect(plain.group?.id).toBe(other.id);
    expect(plain.assignee).toBeNull();

    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const clients = [requester.client, new GraphQLClient(second.url, requester.token)];
      const created = await Promise.all(Array.from({ length: 12 }, (_, index) => openTicket(clients[index % 2], { tags: ['printer'] })));
      const counts = new Map<string, number>();
      for (const ticket of created) {
        expect(ticket.group?.id).toBe(team.id);
        counts.set(ticket.assignee!.id, (counts.get(ticket.assignee!.id) ?? 0) + 1);
      }
      expect([...counts.values()]).toEqual([4, 4, 4]);
    } finally {
      await second.stop();
    }
  });

  it('assigns to the least loaded active agent', async () => {
    const [busy, idle, away] = [await factory.agent(), await factory.agent(), await factory.agent()];
    const team = await factory.group('Least loaded team', 1, [busy.user.id, idle.user.id, away.user.id]);
    await openTicket(busy.client, { groupId: team.id, assigneeId: busy.id });
    await admin.client.data(UpdateTicketDocument, { input: { id: (await openTicket(busy.client, { groupId: team.id, assigneeId: busy.id })).id, title: 'busy' } });
    await server.orm.em.fork().execute('update users set active = false where id = ?', [away.user.id]);
    await admin.client.data(CreateRoutingRuleDocument, { input: { name: 'Load', position: 0, match: { tags: ['load'] }, groupId: team.id, assignment: Assignment.LeastLoaded } });
    const ticket = await openTicket((await factory.user()).client, { tags: ['load'] });
    expect(ticket.assignee?.id).toBe(idle.id);
  });

  it('refuses rules that cannot work', async () => {
    const empty = await factory.group('Empty routing group');
    const { createRoutingRule } = await admin.client.data(CreateRoutingRuleDocument, { input: { name: 'No one', position: 1, groupId: empty.id, assignment: Assignment.RoundRobin } });
    expect(createRoutingRule.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'assignment'], 'INVALID_INPUT']]);
    const { createRoutingRule: unknown } = await admin.client.data(CreateRoutingRuleDocument, { input: { name: 'Ghost', position: 1, groupId: Buffer.from('Group:00000000-0000-4000-8000-000000000000').toString('base64url') } });
    expect(unknown.userErrors.map((error) => error.code)).toEqual(['NOT_FOUND']);
  });
});

describe('escalateTicket', () => {
  it('moves a ticket up a tier, drops an assignee outside the new group, and records the reason', async () => {
    const [first, second] = [await factory.agent(), await factory.agent()];
    const tier1 = await factory.group('Escalation tier 1', 1, [first.user.id]);
    const tier2 = await factory.group('Escalation tier 2', 2, [second.user.id]);
    const ticket = await openTicket(first.client, { groupId: tier1.id, assigneeId: first.id, tags: ['escalate-me'] });
    const { escalateTicket } = await first.client.data(EscalateTicketDocument, { input: { id: ticket.id, reason: 'Needs network access' } });
    expect(escalateTicket.userErrors).toEqual([]);
    expect(escalateTicket.ticket!.group?.name).toMatch(/tier 2|Escalation tier 2/);
    expect(escalateTicket.ticket!.assignee).toBeNull();
    const { escalateTicket: stale } = await first.client.data(EscalateTicketDocument, { input: { id: ticket.id, expectedVersion: 1, reason: 'again' } });
    expect(stale.userErrors.map((error) => error.code)).toEqual(['STALE_VERSION']);
    expect(tier2.id).toBeTruthy();
    expect(errorCodes(await (await factory.user()).client.request(EscalateTicketDocument, { input: { id: ticket.id, reason: 'x' } }))).toEqual(['FORBIDDEN']);
  });
});
