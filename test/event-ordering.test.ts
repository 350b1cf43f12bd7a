import type { Client } from 'graphql-ws';
import { decodeCursor, encodeCursor } from '../src/modules/events/event-log';
import { AddCommentDocument, CreateTicketDocument, TicketEventsDocument, TicketType, UpdateTicketDocument } from './generated/graphql';
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
});
