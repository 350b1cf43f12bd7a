import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { TokenService } from '../src/auth/tokens';
import { encodeCursor } from '../src/modules/events/event-log';
import { CreateTicketDocument, TicketEventsDocument, TicketType, UpdateUserDocument } from './generated/graphql';
import { Factory } from './support/factories';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './support/server';
import { subscribe, wsClient } from './support/subscriptions';

let server: TestServer;
let factory: Factory;

beforeAll(async () => {
  server = await startTestServer({ env: { WS_MAX_SUBSCRIPTIONS: '2', WS_REVALIDATE_MS: '200', WS_INIT_TIMEOUT_MS: '300', WS_MAX_PAYLOAD_BYTES: '4096' } });
  factory = new Factory(server);
});
afterAll(() => server?.stop());

/** A raw socket speaking graphql-transport-ws, to see close codes the client library would hide. */
function rawSocket(): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve({ socket, closed }));
    socket.on('error', reject);
  });
}

async function authenticated(token: string) {
  const connection = await rawSocket();
  connection.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await new Promise<void>((resolve) => connection.socket.once('message', () => resolve()));
  return connection;
}

describe('socket hygiene', () => {
  it('closes a socket that never sends connection_init (4408)', async () => {
    const { closed } = await rawSocket();
    expect((await closed).code).toBe(4408);
  });

  it('closes a socket that sends an oversized message (1009)', async () => {
    const agent = await factory.agent();
    const { socket, closed } = await authenticated(agent.token);
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `{ viewer { id } } # ${'x'.repeat(5000)}` } }));
    expect((await closed).code).toBe(1009);
  });

  it('caps the operations one socket holds', async () => {
    const agent = await factory.agent();
    const { createTicket } = await agent.client.data(CreateTicketDocument, { input: { type: TicketType.Question, title: 'Cap' } });
    const client = wsClient(server.wsUrl, agent.token);
    try {
      const subscriptions = [0, 1, 2].map(() => subscribe(client, TicketEventsDocument, { ticketId: createTicket.ticket!.id, after: encodeCursor(0) }));
      await Promise.all(subscriptions.map((received) => received.waitFor(1).catch(() => undefined)));
      expect(subscriptions.filter((received) => received.items.length === 1)).toHaveLength(2);
      expect(subscriptions.map((received) => received.errors?.[0]?.message).filter(Boolean)).toEqual(['At most 2 operations at once on one socket.']);
    } finally {
      await client.dispose();
    }
  });

  it('closes the socket when its token expires (4401)', async () => {
    const agent = await factory.agent();
    const shortLived = new TokenService(TEST_JWT_SECRET, 1).issue(agent.user.id);
    const { closed } = await authenticated(shortLived);
    const { code } = await closed;
    expect(code).toBe(4401);
  });

  it('closes the sockets of a user who is deactivated (4403)', async () => {
    const admin = await factory.admin();
    const agent = await factory.agent();
    const { closed } = await authenticated(agent.token);
    await admin.client.data(UpdateUserDocument, { input: { id: agent.id, active: false } });
    expect((await closed).code).toBe(4403);
  });

  it('applies the same authorization to queries over the socket', async () => {
    const requester = await factory.user();
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${requester.token}` }, retryAttempts: 0 });
    try {
      const result = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: '{ users { totalCount } }' }, { next: resolve, error: resolve, complete: () => undefined });
      });
      expect(JSON.stringify(result)).toContain('FORBIDDEN');
    } finally {
      await client.dispose();
    }
  });
});
