import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { OrganizationsDocument, UsersDocument, ViewerDocument } from './generated/graphql';
import { errorCodes, GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let factory: Factory;

beforeAll(async () => {
  server = await startTestServer({ env: { QUERY_MAX_COST: '500', QUERY_MAX_DEPTH: '8', QUERY_MAX_ALIASES: '5', CORS_ORIGINS: 'https://desk.example' } });
  factory = new Factory(server);
});
afterAll(() => server?.stop());

const base = () => server.url.replace(/\/graphql$/, '');

describe('health', () => {
  it('answers /healthz, and /readyz only while migrated', async () => {
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base()}/readyz`)).json()).toEqual({ status: 'ready' });

    const em = server.orm.em.fork();
    const [last] = await em.execute('delete from mikro_orm_migrations where id = (select max(id) from mikro_orm_migrations) returning name');
    try {
      const response = await fetch(`${base()}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'migrating', pendingMigrations: 1 });
    } finally {
      await em.execute('insert into mikro_orm_migrations (name, executed_at) values (?, now())', [last.name]);
    }
  });
});

describe('explorer', () => {
  it('serves GraphiQL to a browser from our own files', async () => {
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // nothing from a CDN
    for (const asset of html.match(/\/explorer\/[\w.-]+/g)!) {
      const response = await fetch(`${base()}${asset}`);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });
});

describe('CORS', () => {
  it('lets configured origins in, and only them', async () => {
    const preflight = (origin: string) =>
      fetch(server.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    const allowed = await preflight('https://desk.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://desk.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('errors', () => {
  // A table gone from under the server: in a resolver (groups), and while authenticating (organizations).
  it.each([
    ['a resolver', 'groups', '{ groups { totalCount nodes { name } } }'],
    ['authentication', 'organizations', '{ viewer { id } }'],
  ])('masks internal errors in %s: no SQL, no stack, a request id that the log can be searched for', async (_where, table, query) => {
    const admin = await factory.admin();
    const em = server.orm.em.fork();
    await em.execute(`alter table ${table} rename to ${table}_gone`);
    let response;
    try {
      response = await admin.client.raw({ query }, { 'x-request-id': 'trace-me-42' });
    } finally {
      await em.execute(`alter table ${table}_gone rename to ${table}`);
    }
    expect(response.headers.get('x-request-id')).toBe('trace-me-42');
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'trace-me-42' } });
    expect(Object.keys(response.errors![0].extensions!)).toEqual(['code', 'requestId']);
    expect(JSON.stringify(response)).not.toMatch(/select|_gone|relation|at .*\.js/i);
  });

  it('hides field suggestions', async () => {
    const response = await factory.anonymous.raw({ query: '{ viewr { id } }' });
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.errors![0].message).not.toMatch(/did you mean/i);
  });
});

describe('query protection', () => {
  it('refuses documents too deep, with too many aliases or too many tokens', async () => {
    const { client } = await factory.admin();
    const deep = '{ viewer { groups { members { groups { members { groups { members { groups { members { name } } } } } } } } } }';
    expect(errorCodes(await client.raw({ query: deep }))).toContain('GRAPHQL_VALIDATION_FAILED');
    const aliases = `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`;
    expect(errorCodes(await client.raw({ query: aliases }))).toContain('GRAPHQL_VALIDATION_FAILED');
    const tokens = `{ viewer { ${'id '.repeat(6000)} } }`;
    const tooLong = await client.raw({ query: tokens });
    expect(tooLong.errors?.length).toBeGreaterThan(0);
    expect(errorCodes(tooLong)).not.toContain('INTERNAL_SERVER_ERROR');
  });

  it('counts page sizes given as variables in the cost', async () => {
    const { client } = await factory.admin();
    expect((await client.request(UsersDocument, { first: 10 })).errors).toBeUndefined();
    const expensive = await client.request(UsersDocument, { first: 100 });
    expect(errorCodes(expensive)).toEqual(['BAD_USER_INPUT']);
    expect(expensive.errors![0].message).toMatch(/cost/);
  });

  it('refuses batched requests and keeps CSRF prevention on', async () => {
    const batch = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]),
    });
    expect(batch.status).toBe(400);
    const simpleGet = await fetch(`${server.url}?query=${encodeURIComponent('{ viewer { id } }')}`);
    expect(simpleGet.status).toBe(400);
    const preflightedGet = await fetch(`${server.url}?query=${encodeURIComponent('{ viewer { id } }')}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(await preflightedGet.json()).toEqual({ data: { viewer: null } });
  });
});

describe('graphql-ws', () => {
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });

  function connect(authorization?: string) {
    let closed: (event: { code: number; reason: string }) => void;
    const closedEvent = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: authorization ? { authorization } : {},
      on: { closed: (event) => closed(event as { code: number; reason: string }) },
      onNonLazyError: () => undefined,
    });
    clients.push(client);
    return { client, closed: closedEvent };
  }

  it('runs operations as the user of the connection_init token', async () => {
    const agent = await factory.agent({ name: 'Socket agent' });
    const { client } = connect(`Bearer ${agent.token}`);
    const result = await new Promise((resolve, reject) => {
      client.subscribe({ query: '{ viewer { name role } }' }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(result).toEqual({ data: { viewer: { name: 'Socket agent', role: 'AGENT' } } });
  });

  it('closes with 4401 for a missing or bad token', async () => {
    expect((await connect().closed).code).toBe(4401);
    expect((await connect('Bearer forged.token.value').closed).code).toBe(4401);
  });

  it('applies the HTTP query limits to socket operations', async () => {
    const admin = await factory.admin();
    const { client } = connect(`Bearer ${admin.token}`);
    const errors = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: 'query($n: Int) { users(first: $n) { nodes { id name email role active } } }', variables: { n: 100 } }, { next: () => undefined, error: resolve, complete: () => undefined });
    });
    expect(JSON.stringify(errors)).toContain('BAD_USER_INPUT');
  });
});

describe('restart', () => {
  it('serves the same data and honours earlier tokens after a restart on the same database', async () => {
    const own = await startTestServer();
    const person = await new Factory(own).agent({ name: 'Survivor' });
    await own.stop();

    const again = await startTestServer({ databaseUrl: own.databaseUrl });
    try {
      const { viewer } = await new GraphQLClient(again.url, person.token).data(ViewerDocument);
      expect(viewer).toMatchObject({ id: person.id, name: 'Survivor' });
      const { organizations } = await new GraphQLClient(again.url, person.token).data(OrganizationsDocument, {});
      expect(organizations.totalCount).toBe(0);
    } finally {
      await again.stop();
    }
  });

  it('closes sockets with 1001 when it shuts down', async () => {
    const own = await startTestServer();
    const agent = await new Factory(own).agent();
    let closed: (code: number) => void;
    const closedCode = new Promise<number>((resolve) => (closed = resolve));
    const connected = new Promise<void>((resolve) => {
      const client = createClient({
        url: own.wsUrl,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${agent.token}` },
        on: { connected: () => resolve(), closed: (event) => closed((event as { code: number }).code) },
        onNonLazyError: () => undefined,
      });
      closedCode.then(() => client.dispose());
    });
    await connected;
    await own.stop();
    expect(await closedCode).toBe(1001);
  });
});
