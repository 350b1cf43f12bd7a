import type { Client } from 'graphql-ws';
import { decodeCursor, encodeCursor, lockEventLog, writeEvents } from '../src/modules/events/event-log';
import {
  AddCommentDocument,
  AssignTicketDocument,
  Assignment,
  ChangeTicketStatusDocument,
  CreateQueueDocument,
  CreateRoutingRuleDocument,
  CreateSlaPolicyDocument,
  CreateTicketDocument,
  EscalateTicketDocument,
  Impact,
  LinkTicketsDocument,
  Priority,
  QueuesDocument,
  TicketEventsDocument,
  TicketLinkKind,
  TicketStatus,
  TicketType,
  UpdateTicketDocument,
} from './generated/graphql';
import { GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';
import { subscribe, wsClient } from './support/subscriptions';

let server: TestServer;
let second: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { DATABASE_POOL_SIZE: '20' } });
  second = await startTestServer({ databaseUrl: server.databaseUrl });
});
afterAll(async () => {
  await second?.stop();
  await server?.stop();
});

/** A small seeded PRNG, so that a failing interleaving can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.EVENT_ORDERING_SEED ?? 20261121);

describe('the event log under concurrency', () => {
  it('gives every reader every event of its ticket once, in commit order, across stops and resumes', async () => {
    const rand = random(SEED);
    const factory = new Factory(server);
    const agent = await factory.agent();
    const tickets: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { createTicket } = await agent.client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: `Concurrent ${i}` } });
      tickets.push(createTicket.ticket!.id);
    }

    // Writers: 6 loops of 12 mutations each on random tickets, all at once, through both instances.
    const writers = Array.from({ length: 6 }, async (_, writer) => {
      const http = new GraphQLClient(writer % 2 ? server.url : second.url, agent.token);
      for (let i = 0; i < 12; i += 1) {
        const ticketId = tickets[Math.floor(rand() * tickets.length)];
        if (rand() < 0.5) await http.data(UpdateTicketDocument, { input: { id: ticketId, category: `w${writer}-${i}` } });
        else await http.data(AddCommentDocument, { input: { ticketId, body: `w${writer}-${i}` } });
      }
    });

    // Readers: 8, each on one ticket, through either instance; each stops after a random number of
    // events and resumes from its last cursor on a new socket, a few times.
    let writing = true;
    const readers = Array.from({ length: 8 }, async (_, reader) => {
      const ticketId = tickets[reader % tickets.length];
      const wsUrl = reader % 2 ? server.wsUrl : second.wsUrl;
      const seqs: number[] = [];
      let cursor = encodeCursor(0);
      for (let round = 0; ; round += 1) {
        const client: Client = wsClient(wsUrl, agent.token);
        const received = subscribe(client, TicketEventsDocument, { ticketId, after: cursor });
        const stopAfter = writing && round < 4 ? 1 + Math.floor(rand() * 6) : Number.POSITIVE_INFINITY;
        const expected = async () => {
          const [{ count }] = await server.orm.em.fork().execute(`select count(*) as count from events where ticket_id = ? and topic = 'ticket'`, [Buffer.from(ticketId, 'base64url').toString().split(':')[1]]);
          return Number(count);
        };
        for (;;) {
          expect(received.errors).toBeNull();
          if (received.items.length >= stopAfter) break;
          if (!writing && seqs.length + received.items.length >= (await expected())) break;
          await received.waitFor(received.items.length + 1, 500).catch(() => undefined);
        }
        received.stop();
        await client.dispose();
        for (const item of received.items) seqs.push(decodeCursor(item.ticketEvents.cursor));
        if (received.items.length) cursor = received.items[received.items.length - 1].ticketEvents.cursor;
        if (!writing && seqs.length >= (await expected())) return { ticketId, seqs };
      }
    });

    await Promise.all(writers);
    writing = false;
    const results = await Promise.all(readers);

    for (const { ticketId, seqs } of results) {
      const rows = await server.orm.em.fork().execute<{ seq: string }[]>(`select seq from events where ticket_id = ? and topic = 'ticket' order by seq`, [Buffer.from(ticketId, 'base64url').toString().split(':')[1]]);
      // Every event of the ticket, each once, in commit order.
      expect(seqs).toEqual(rows.map((row) => Number(row.seq)));
    }
    // The log itself has no hole: seqs are dense, as the counter hands them out at commit.
    const [{ max, count }] = await server.orm.em.fork().execute('select max(seq) as max, count(*) as count from events');
    expect(Number(max)).toBe(Number(count));
  }, 60_000);

  it('lets every kind of command run side by side on shared tickets, queues and rules, SLA timers firing, without deadlock or a wrong count', async () => {
    // Writers take the event counter last (src/modules/events/outbox.ts); this mixes every writer
    // that locks rows (tickets, both ends of links, routing rules, SLA clocks, queue counts) on two
    // instances while the SLA scheduler fires, and checks that nothing failed and no count drifted.
    const rand = random(SEED + 1);
    const factory = new Factory(server);
    const admin = await factory.admin();
    const [first, second_] = [await factory.agent(), await factory.agent()];
    const team = await factory.group('Stress team', 1, [first.user.id, second_.user.id]);
    await factory.group('Stress tier 2', 2, [second_.user.id]);
    const queueInputs = [{ name: 'Stress all', filter: {} }, { name: 'Stress team', filter: { groupIds: [team.id] } }, { name: 'Stress P1', filter: { priority: [Priority.P1] } }];
    for (const input of queueInputs) expect((await admin.client.data(CreateQueueDocument, { input })).createQueue.userErrors).toEqual([]);
    await admin.client.data(CreateRoutingRuleDocument, { input: { name: 'Stress routing', position: 0, match: { tags: ['stress'] }, groupId: team.id, assignment: Assignment.RoundRobin } });
    await admin.client.data(CreateSlaPolicyDocument, {
      input: { name: 'Stress SLA', position: 0, appliesTo: { groupIds: [team.id] }, warnAtPercent: 50, targets: Object.values(Priority).map((priority) => ({ priority, firstResponse: 'PT1S', resolution: 'PT2S' })) },
    });
    const tickets: string[] = [];
    for (let i = 0; i < 6; i += 1) tickets.push((await first.client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: `Stress ${i}`, groupId: team.id } })).createTicket.ticket!.id);

    const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
    const refusals: string[] = [];
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      const url = writer % 2 ? server.url : second.url;
      const agent = new GraphQLClient(url, (writer % 4 < 2 ? first : second_).token);
      for (let i = 0; i < 10; i += 1) {
        const id = pick(tickets);
        const operation = Math.floor(rand() * 7);
        const errors: { code: string }[] =
          operation === 0
            ? await agent.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: `Routed ${writer}-${i}`, tags: ['stress'], impact: Impact.High } }).then(({ createTicket }) => {
                if (createTicket.ticket) tickets.push(createTicket.ticket.id);
                return createTicket.userErrors;
              })
            : operation === 1
              ? (await agent.data(UpdateTicketDocument, { input: { id, impact: pick([Impact.High, Impact.Low]) } as never })).updateTicket.userErrors
              : operation === 2
                ? (await agent.data(AssignTicketDocument, { input: { id, groupId: team.id, assigneeId: pick([first.id, second_.id, null]) } })).assignTicket.userErrors
                : operation === 3
                  ? (await agent.data(ChangeTicketStatusDocument, { input: { id, status: pick([TicketStatus.OnHold, TicketStatus.Pending, TicketStatus.Open]) } })).changeTicketStatus.userErrors
                  : operation === 4
                    ? (await agent.data(AddCommentDocument, { input: { ticketId: id, body: `w${writer}-${i}` } })).addComment.userErrors
                    : operation === 5
                      ? (await agent.data(LinkTicketsDocument, { input: { fromId: id, toId: pick(tickets), kind: TicketLinkKind.RelatesTo } })).linkTickets.userErrors
                      : (await agent.data(EscalateTicketDocument, { input: { id, reason: `w${writer}-${i}` } })).escalateTicket.userErrors;
        refusals.push(...errors.map((error) => error.code));
      }
    });
    // `data` throws on any GraphQL error: a deadlock or a failed transaction would surface here.
    await Promise.all(writers);
    // Refusals are the rules at work (a move the status does not allow, a link made twice…), never a failure.
    expect(refusals.filter((code) => !['INVALID_TRANSITION', 'ALREADY_EXISTS', 'INVALID_INPUT', 'NOT_ALLOWED'].includes(code))).toEqual([]);

    // Timers of the busy tickets fire while commands run; wait for the resolution targets to pass.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const sql = server.orm.em.fork();
    const [{ sla }] = await sql.execute(`select count(*) as sla from events where topic = 'sla'`);
    expect(Number(sla)).toBeGreaterThan(0);
    const teamUuid = Buffer.from(team.id, 'base64url').toString().split(':')[1];
    const [truth] = await sql.execute(
      `select count(*) as "Stress all", count(*) filter (where group_id = ?) as "Stress team", count(*) filter (where priority = 'P1') as "Stress P1" from tickets`,
      [teamUuid],
    );
    const { queues } = await admin.client.data(QueuesDocument);
    for (const { name } of queueInputs) expect([name, queues.find((queue) => queue.name === name)!.count]).toEqual([name, Number(truth[name])]);
    const [{ max, count }] = await sql.execute('select max(seq) as max, count(*) as count from events');
    expect(Number(max)).toBe(Number(count));
  }, 60_000);
});

describe('the event counter lock', () => {
  it('runs the read sent with it once it is held, so that the read sees what the previous holder committed', async () => {
    let lockHeld!: () => void;
    let mayCommit!: () => void;
    const held = new Promise<void>((resolve) => (lockHeld = resolve));
    const released = new Promise<void>((resolve) => (mayCommit = resolve));
    const holder = server.orm.em.fork().transactional(async (em) => {
      await lockEventLog(em);
      await writeEvents(em, [{ topic: 'probe', kind: 'PROBE', ticketId: null, actorId: null, occurredAt: new Date(), internal: true, data: {} }]);
      lockHeld();
      await released;
    });
    await held;
    const reader = server.orm.em.fork().transactional((em) => lockEventLog<{ seq: string }>(em, { sql: 'select max(seq) as seq from events' }));
    // Commit only once the reader is waiting for the lock: its statements were sent before the commit.
    const sql = server.orm.em.fork();
    for (;;) {
      const [{ waiting }] = await sql.execute<{ waiting: boolean }[]>(
        `select exists (select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%event_sequence for update%') as waiting`,
      );
      if (waiting) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    mayCommit();
    await holder;
    const [{ max }] = await sql.execute<{ max: string }[]>(`select max(seq) as max from events where topic = 'probe'`);
    expect((await reader)[0].seq).toBe(max);
  });
});
