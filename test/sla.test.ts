import type { Client } from 'graphql-ws';
import { DateTime, Duration } from 'luxon';
import { decodeCursor, encodeCursor } from '../src/modules/events/event-log';
import { addBusinessMillis } from '../src/modules/sla/business-time';
import {
  AddCommentDocument,
  ChangeTicketStatusDocument,
  CreateBusinessCalendarDocument,
  CreateSlaPolicyDocument,
  CreateTicketDocument,
  Priority,
  SlaEventsDocument,
  TicketDetailDocument,
  TicketsDocument,
  TicketSlaDocument,
  TicketStatus,
  TicketType,
  type CreateSlaPolicyInput,
  type SlaEventsSubscription,
} from './generated/graphql';
import { GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';
import { subscribe, wsClient, type Received } from './support/subscriptions';

let server: TestServer;
let factory: Factory;
let admin: Awaited<ReturnType<Factory['admin']>>;
let agent: Awaited<ReturnType<Factory['agent']>>;
const sockets: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  admin = await factory.admin();
  agent = await factory.agent();
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
});
afterAll(() => server?.stop());

/** A group with its own policy, so that tests do not see each other's tickets. */
async function desk(policy: Partial<CreateSlaPolicyInput> = {}, targets = { firstResponse: 'PT2S', resolution: 'PT4S' }) {
  const group = await factory.group(undefined, 1, [agent.user.id]);
  const { createSlaPolicy } = await admin.client.data(CreateSlaPolicyDocument, {
    input: {
      name: `Policy ${group.group.name}`,
      position: 1,
      appliesTo: { groupIds: [group.id] },
      targets: [Priority.P1, Priority.P2, Priority.P3, Priority.P4].map((priority) => ({ priority, ...targets })),
      warnAtPercent: 50,
      ...policy,
    },
  });
  expect(createSlaPolicy.userErrors).toEqual([]);
  return { group, policy: createSlaPolicy.slaPolicy! };
}

async function openTicket(groupId: string, client: GraphQLClient = agent.client) {
  const { createTicket } = await client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: 'Clock me', groupId } });
  return createTicket.ticket!;
}

async function eventsFor(groupId: string, on: TestServer = server): Promise<Received<SlaEventsSubscription>> {
  const [{ seq }] = await server.orm.em.fork().execute<{ seq: string }[]>('select coalesce(max(seq), 0) as seq from events');
  const socket = wsClient(on.wsUrl, agent.token);
  sockets.push(socket);
  return subscribe(socket, SlaEventsDocument, { groupIds: [groupId], after: encodeCursor(Number(seq)) });
}

const summary = (events: SlaEventsSubscription[]) => events.map((event) => `${event.slaEvents.kind} ${event.slaEvents.metric}`);
const sla = async (id: string) => (await agent.client.data(TicketSlaDocument, { id })).ticket!.sla!;

describe('SLA clocks and timers', () => {
  it('warns, then breaches within a second of the due time, once each', async () => {
    const { group } = await desk();
    const events = await eventsFor(group.id);
    const ticket = await openTicket(group.id);
    const clocks = await sla(ticket.id);
    expect(clocks.targets.map((target) => [target.metric, target.status])).toEqual([
      ['FIRST_RESPONSE', 'RUNNING'],
      ['RESOLUTION', 'RUNNING'],
    ]);
    const received = await events.waitFor(4, 10_000);
    const receivedAt = Date.now();
    // FIRST_RESPONSE's breach and RESOLUTION's warning fall due at the same instant: order within a metric only.
    for (const metric of ['FIRST_RESPONSE', 'RESOLUTION']) {
      expect(summary(received).filter((entry) => entry.endsWith(metric))).toEqual([`WARNING ${metric}`, `BREACHED ${metric}`]);
    }
    const lastDue = Math.max(...received.map((event) => new Date(event.slaEvents.dueAt!).getTime()));
    expect(receivedAt - lastDue).toBeLessThan(1500);
    const after = await sla(ticket.id);
    for (const target of after.targets) {
      expect(target.status).toBe('BREACHED');
      expect(target.breachedAt).toBe(received.find((event) => event.slaEvents.kind === 'BREACHED' && event.slaEvents.metric === target.metric)!.slaEvents.dueAt);
      expect(target.remaining).toBe('PT0S');
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.items).toHaveLength(4);
    const { tickets } = await agent.client.data(TicketsDocument, { filter: { groupIds: [group.id], slaBreached: true } });
    expect(tickets.totalCount).toBe(1);
  });

  it('orders SLA_DUE with overdue tickets first, then the nearest due, paused ones last', async () => {
    const { group } = await desk();
    const events = await eventsFor(group.id);
    const overdue = await openTicket(group.id);
    await events.waitFor(4, 10_000); // both of its clocks breached (and still running)
    const soon = await openTicket(group.id);
    const paused = await openTicket(group.id);
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: paused.id, status: TicketStatus.Pending } });
    const { tickets } = await agent.client.data(TicketsDocument, { filter: { groupIds: [group.id] }, orderBy: { field: 'SLA_DUE', direction: 'ASC' } });
    expect(tickets.nodes.map((ticket) => ticket.id)).toEqual([overdue.id, soon.id, paused.id]);
  });

  it('meets FIRST_RESPONSE with an agent’s public reply', async () => {
    const { group } = await desk({}, { firstResponse: 'PT3S', resolution: 'PT1H' });
    const events = await eventsFor(group.id);
    const ticket = await openTicket(group.id);
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'On it' } });
    const clocks = await sla(ticket.id);
    expect(clocks.targets[0]).toMatchObject({ metric: 'FIRST_RESPONSE', status: 'MET', metAt: expect.any(String), dueAt: null });
    expect(clocks.targets[1]).toMatchObject({ metric: 'RESOLUTION', status: 'RUNNING' });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    // Met before its warning time: no warning and no breach.
    expect(summary(events.items).filter((entry) => entry.endsWith('FIRST_RESPONSE'))).toEqual([]);
  });

  it('pauses while PENDING and resumes where it stopped, also after a reopen', async () => {
    const { group } = await desk({}, { firstResponse: 'PT1H', resolution: 'PT3S' });
    const events = await eventsFor(group.id);
    const ticket = await openTicket(group.id);
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Pending } });
    const paused = await sla(ticket.id);
    expect(paused.targets.map((target) => [target.status, target.dueAt])).toEqual([
      ['PAUSED', null],
      ['PAUSED', null],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(events.items).toEqual([]);
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Open } });
    const resumed = (await sla(ticket.id)).targets[1];
    expect(resumed.status).toBe('RUNNING');
    // The 3.5 s spent PENDING did not count (elapsed is reported in whole seconds): had it counted,
    // the 3 s target would be long past.
    expect(Duration.fromISO(resumed.elapsed).as('milliseconds')).toBeLessThan(2500);
    const left = new Date(resumed.dueAt!).getTime() - Date.now();
    expect(left).toBeGreaterThan(300);
    expect(left).toBeLessThanOrEqual(3000);

    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Resolved, resolution: 'fixed' } });
    expect((await sla(ticket.id)).targets[1]).toMatchObject({ status: 'MET', dueAt: null });
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Open } });
    const reopened = (await sla(ticket.id)).targets[1];
    expect(reopened.status).toBe('RUNNING');
    expect(new Date(reopened.dueAt!).getTime() - Date.now()).toBeLessThan(3100);
  });

  it('moves a breached ticket to the escalation group, with history', async () => {
    const escalation = await factory.group('SLA escalation', 2, [agent.user.id]);
    const { group } = await desk({ escalateToGroupId: escalation.id }, { firstResponse: 'PT1S', resolution: 'PT1H' });
    const ticket = await openTicket(group.id);
    const deadline = Date.now() + 5000;
    let moved = false;
    while (!moved && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      moved = (await agent.client.data(TicketSlaDocument, { id: ticket.id })).ticket!.group?.id === escalation.id;
    }
    expect(moved).toBe(true);
    const history = (await agent.client.data(TicketDetailDocument, { id: ticket.id })).ticket!.history.nodes;
    expect(history.find((entry) => entry.field === 'escalation')).toMatchObject({ actor: null, to: { reason: 'SLA FIRST_RESPONSE breached' } });
  });

  it('counts business hours only', async () => {
    // Open only on a day that is not today, in Tokyo: nothing counts now.
    const today = DateTime.now().setZone('Asia/Tokyo').weekday;
    const dayOfWeek = (today % 7) + 1;
    const { createBusinessCalendar } = await admin.client.data(CreateBusinessCalendarDocument, {
      input: { name: 'Tokyo tomorrow', timezone: 'Asia/Tokyo', hours: [{ dayOfWeek, start: '09:00', end: '17:00' }], holidays: [] },
    });
    const { group } = await desk({ calendarId: createBusinessCalendar.businessCalendar!.id }, { firstResponse: 'PT1H', resolution: 'PT10H' });
    const ticket = await openTicket(group.id);
    const clocks = await sla(ticket.id);
    const calendar = { timezone: 'Asia/Tokyo', hours: [{ dayOfWeek, start: '09:00', end: '17:00' }], holidays: [] };
    const expected = addBusinessMillis(calendar, new Date(), 3_600_000)!;
    expect(Math.abs(new Date(clocks.targets[0].dueAt!).getTime() - expected.getTime())).toBeLessThan(5000);
    expect(DateTime.fromISO(clocks.targets[0].dueAt!).setZone('Asia/Tokyo').toFormat('HH:mm')).toBe('10:00');
    expect(clocks.targets[0].elapsed).toBe('PT0S');
  });

  it('fires each timer once with two instances, and catches up after downtime with breachedAt = due time', async () => {
    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    let restarted: TestServer | null = null;
    try {
      const { group } = await desk({}, { firstResponse: 'PT1S', resolution: 'PT2S' });
      const onFirst = await eventsFor(group.id);
      const onSecond = await eventsFor(group.id, second);
      for (let i = 0; i < 5; i += 1) await openTicket(group.id);
      await onFirst.waitFor(20, 8000);
      await onSecond.waitFor(20, 8000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(onFirst.items).toHaveLength(20);
      const [{ count }] = await server.orm.em.fork().execute<{ count: string }[]>(`select count(*) as count from events where topic = 'sla' and data->>'groupId' = ?`, [group.group.id]);
      expect(Number(count)).toBe(20);
      await second.stop();

      // Downtime: a separate instance holds the only clock, and stops before it is due.
      const own = await startTestServer();
      const ownFactory = new Factory(own);
      const ownAdmin = await ownFactory.admin();
      const ownAgent = await ownFactory.agent();
      const ownGroup = await ownFactory.group(undefined, 1, [ownAgent.user.id]);
      await ownAdmin.client.data(CreateSlaPolicyDocument, {
        input: { name: 'Downtime', position: 1, targets: [{ priority: Priority.P3, firstResponse: 'PT1S', resolution: 'PT1H' }] },
      });
      const { createTicket } = await ownAgent.client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: 'Down', groupId: ownGroup.id } });
      await own.stop();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      restarted = await startTestServer({ databaseUrl: own.databaseUrl });
      const deadline = Date.now() + 5000;
      let target;
      do {
        await new Promise((resolve) => setTimeout(resolve, 200));
        target = (await new GraphQLClient(restarted.url, ownAgent.token).data(TicketSlaDocument, { id: createTicket.ticket!.id })).ticket!.sla!.targets[0];
      } while (target.status !== 'BREACHED' && Date.now() < deadline);
      expect(target.status).toBe('BREACHED');
      const created = new Date(createTicket.ticket!.createdAt).getTime();
      expect(new Date(target.breachedAt!).getTime() - created).toBeGreaterThanOrEqual(999);
      expect(new Date(target.breachedAt!).getTime() - created).toBeLessThan(1100);
    } finally {
      await restarted?.stop();
    }
  });
});

describe('SLA timers in batches', () => {
  it('fires 600 overdue clocks once each across two instances, in due order, with breachedAt = due time', async () => {
    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const { group } = await desk({}, { firstResponse: 'PT1H', resolution: 'PT1H' });
      for (let i = 0; i < 300; i += 1) await factory.ticket(agent, { groupId: group.group.id });
      const onFirst = await eventsFor(group.id);
      const onSecond = await eventsFor(group.id, second);
      // Both clocks of each ticket overdue (as after downtime), already warned, 1 ms apart: more than one batch.
      const db = server.orm.em.fork();
      await db.execute(
        `with due as (
           select c.ticket_id, c.metric, date_trunc('milliseconds', now()) - interval '10 seconds' + row_number() over (order by t.number, c.metric) * interval '1 millisecond' as at
             from ticket_sla_clocks c join tickets t on t.id = c.ticket_id where t.group_id = ?)
         update ticket_sla_clocks c set running_since = due.at - interval '1 hour', elapsed_millis = 0, warned_at = due.at - interval '12 minutes', warn_at = null,
                due_at = due.at, next_fire_at = due.at
           from due where c.ticket_id = due.ticket_id and c.metric = due.metric`,
        [group.group.id],
      );
      // Any ticket event wakes the schedulers (this ticket has no policy, hence no clocks).
      await agent.client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: 'Wake up' } });

      for (const events of [onFirst, onSecond]) {
        const received = await events.waitFor(600, 20_000);
        expect(received.every((event) => event.slaEvents.kind === 'BREACHED')).toBe(true);
        expect(new Set(received.map((event) => `${event.slaEvents.ticket.id} ${event.slaEvents.metric}`)).size).toBe(600);
        // Delivered in log order, which is due order (batches claim the earliest first, and write in that order).
        const seqs = received.map((event) => decodeCursor(event.slaEvents.cursor));
        expect(seqs.every((seq, index) => index === 0 || seq > seqs[index - 1])).toBe(true);
        const dues = received.map((event) => new Date(event.slaEvents.dueAt!).getTime());
        expect(dues).toEqual([...dues].sort((a, b) => a - b));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([onFirst.items.length, onSecond.items.length]).toEqual([600, 600]);
      const [clocks] = await db.execute<{ breached: string; exact: string; pending: string }[]>(
        `select count(*) filter (where c.status = 'BREACHED') as breached, count(*) filter (where c.breached_at = c.due_at) as exact,
                count(*) filter (where c.next_fire_at is not null) as pending
           from ticket_sla_clocks c join tickets t on t.id = c.ticket_id where t.group_id = ?`,
        [group.group.id],
      );
      expect(clocks).toEqual({ breached: '600', exact: '600', pending: '0' });
      const batches = await db.execute<{ events: string }[]>(
        `select count(*) as events from events where topic = 'sla' and data->>'groupId' = ? group by xmin::text`,
        [group.group.id],
      );
      expect(batches.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...batches.map((batch) => Number(batch.events)))).toBeLessThanOrEqual(500);
      const [tickets] = await db.execute<{ breached: string }[]>(`select count(*) filter (where sla_breached) as breached from tickets where group_id = ?`, [group.group.id]);
      expect(tickets.breached).toBe('300');
    } finally {
      await second.stop();
    }
  }, 90_000);
});

describe('SLA administration', () => {
  it('refuses bad policies and calendars with user errors', async () => {
    const bad: [Partial<CreateSlaPolicyInput>, string[]][] = [
      [{ warnAtPercent: 0 }, ['input', 'warnAtPercent']],
      [{ warnAtPercent: 100 }, ['input', 'warnAtPercent']],
      [{ targets: [{ priority: Priority.P1, firstResponse: 'PT0S', resolution: 'PT1H' }] }, ['input', 'targets', '0', 'firstResponse']],
      [{ escalateToGroupId: Buffer.from('Group:00000000-0000-4000-8000-000000000000').toString('base64url') }, ['input', 'escalateToGroupId']],
      [{ pauseStatuses: [TicketStatus.Resolved] }, ['input', 'pauseStatuses', '0']],
    ];
    for (const [input, field] of bad) {
      const { createSlaPolicy } = await admin.client.data(CreateSlaPolicyDocument, {
        input: { name: 'Bad policy', position: 9, targets: [{ priority: Priority.P1, firstResponse: 'PT1H', resolution: 'PT8H' }], ...input },
      });
      expect(createSlaPolicy.userErrors.map((error) => error.field)).toEqual([field]);
    }
    const calendars: [Record<string, unknown>, string[]][] = [
      [{ timezone: 'Mars/Base' }, ['input', 'timezone']],
      [{ hours: [{ dayOfWeek: 1, start: '18:00', end: '09:00' }] }, ['input', 'hours', '0', 'end']],
      [{ hours: [{ dayOfWeek: 8, start: '09:00', end: '17:00' }] }, ['input', 'hours', '0', 'dayOfWeek']],
      [{ hours: [{ dayOfWeek: 1, start: '9h', end: '17:00' }] }, ['input', 'hours', '0']],
    ];
    for (const [input, field] of calendars) {
      const { createBusinessCalendar } = await admin.client.data(CreateBusinessCalendarDocument, {
        input: { name: 'Bad calendar', timezone: 'Europe/Paris', hours: [{ dayOfWeek: 1, start: '09:00', end: '17:00' }], ...input } as never,
      });
      expect(createBusinessCalendar.userErrors.map((error) => error.field)).toEqual([field]);
    }
  });
});
