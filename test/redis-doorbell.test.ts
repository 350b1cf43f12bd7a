import { encodeCursor } from '../src/modules/events/event-log';
import { AddCommentDocument, CreateTicketDocument, TicketEventsDocument, TicketType } from './generated/graphql';
import { Factory } from './support/factories';
import { startTestServer } from './support/server';
import { subscribe, wsClient } from './support/subscriptions';

/**
 * The optional Redis event bus needs a Redis server: these tests run when REDIS_URL is set
 * (.ci/run sets it when Redis answers on 127.0.0.1:6379) and are skipped, saying so, otherwise.
 */
const redisUrl = process.env.REDIS_URL;
const withRedis = redisUrl ? describe : describe.skip;
if (!redisUrl) console.warn('redis-doorbell.test.ts skipped: REDIS_URL is not set, so there is no Redis server to test against');

withRedis('the Redis doorbell (REDIS_URL)', () => {
  it('carries a commit on one instance to a subscriber of another, without LISTEN', async () => {
    const one = await startTestServer({ env: { REDIS_URL: redisUrl! } });
    const two = await startTestServer({ databaseUrl: one.databaseUrl, env: { REDIS_URL: redisUrl! } });
    const client = { close: async () => undefined };
    try {
      const [{ listeners }] = await one.orm.em.fork().execute(`select count(*) as listeners from pg_stat_activity where application_name = 'deskgraph-events' and datname = current_database()`);
      expect(Number(listeners)).toBe(0);
      const agent = await new Factory(one).agent();
      const { createTicket } = await agent.client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: 'Bus test' } });
      const socket = wsClient(two.wsUrl, agent.token);
      client.close = () => socket.dispose() as Promise<undefined>;
      const received = subscribe(socket, TicketEventsDocument, { ticketId: createTicket.ticket!.id, after: encodeCursor(0) });
      await received.waitFor(1);
      const started = Date.now();
      await agent.client.data(AddCommentDocument, { input: { ticketId: createTicket.ticket!.id, body: 'through Redis' } });
      const events = await received.waitFor(2);
      expect(events[1].ticketEvents.comment?.body).toBe('through Redis');
      expect(Date.now() - started).toBeLessThan(900); // rung, not found by the one-second safety poll
    } finally {
      await client.close();
      await two.stop();
      await one.stop();
    }
  });
});
