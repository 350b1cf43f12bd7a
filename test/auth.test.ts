import { CreateUserDocument, LoginDocument, Role, UpdateUserDocument, UsersDocument, ViewerDocument } from './generated/graphql';
import { errorCodes, GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let factory: Factory;

beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '60' } });
  factory = new Factory(server);
});
afterAll(() => server?.stop());

describe('login', () => {
  it('returns a token that identifies the user over HTTP', async () => {
    await factory.agent({ email: 'Sam@Example.com', name: 'Sam', password: 'correct horse battery' });
    const { login } = await factory.anonymous.data(LoginDocument, { input: { email: 'sam@example.com', password: 'correct horse battery' } });
    expect(login.userErrors).toEqual([]);
    expect(login.user).toMatchObject({ name: 'Sam', email: 'sam@example.com', role: 'AGENT' });

    const { viewer } = await factory.anonymous.as(login.token!).data(ViewerDocument);
    expect(viewer).toMatchObject({ name: 'Sam', role: 'AGENT' });
  });

  it('says the same for a wrong password and an unknown e-mail, and writes no token', async () => {
    await factory.user({ email: 'known@example.com', password: 'the right password' });
    const wrongPassword = await factory.anonymous.data(LoginDocument, { input: { email: 'known@example.com', password: 'not the password' } });
    const unknownEmail = await factory.anonymous.data(LoginDocument, { input: { email: 'nobody@example.com', password: 'not the password' } });
    for (const { login } of [wrongPassword, unknownEmail]) {
      expect(login).toEqual({ token: null, user: null, userErrors: [{ field: null, code: 'INVALID_CREDENTIALS', message: 'Wrong e-mail or password.' }] });
    }
  });

  it('refuses a deactivated user with the same error', async () => {
    const gone = await factory.user({ email: 'gone@example.com', password: 'the right password' });
    const admin = await factory.admin();
    const { updateUser } = await admin.client.data(UpdateUserDocument, { input: { id: gone.id, active: false } });
    expect(updateUser.user?.active).toBe(false);
    const { login } = await factory.anonymous.data(LoginDocument, { input: { email: 'gone@example.com', password: 'the right password' } });
    expect(login.userErrors.map((error) => error.code)).toEqual(['INVALID_CREDENTIALS']);
    // The token issued before deactivation stops working too.
    expect(errorCodes(await gone.client.request(ViewerDocument))).toEqual(['UNAUTHENTICATED']);
  });

  it('rate limits failures per e-mail with RATE_LIMITED, even for the right password', async () => {
    await factory.user({ email: 'target@example.com', password: 'the right password' });
    const attempt = (password: string) => factory.anonymous.request(LoginDocument, { input: { email: 'target@example.com', password } });
    for (let i = 0; i < 3; i += 1) expect((await attempt('guess-guess-guess')).data?.login.userErrors[0].code).toBe('INVALID_CREDENTIALS');
    const blocked = await attempt('the right password');
    expect(errorCodes(blocked)).toEqual(['RATE_LIMITED']);
    expect(blocked.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // Another e-mail from the same address is still allowed until the per-address limit.
    await factory.user({ email: 'other@example.com', password: 'the right password' });
    const other = await factory.anonymous.data(LoginDocument, { input: { email: 'other@example.com', password: 'the right password' } });
    expect(other.login.token).toEqual(expect.any(String));
  });
});

describe('roles', () => {
  it('gives anonymous callers a null viewer and UNAUTHENTICATED elsewhere', async () => {
    expect((await factory.anonymous.data(ViewerDocument)).viewer).toBeNull();
    expect(errorCodes(await factory.anonymous.request(UsersDocument, {}))).toEqual(['UNAUTHENTICATED']);
  });

  it('rejects a forged or expired token with UNAUTHENTICATED and HTTP 401', async () => {
    for (const token of ['not-a-jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl']) {
      const response = await new GraphQLClient(server.url, token).request(ViewerDocument);
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('lets staff list people, and gives requesters FORBIDDEN', async () => {
    const requester = await factory.user();
    expect(errorCodes(await requester.client.request(UsersDocument, {}))).toEqual(['FORBIDDEN']);
    for (const staff of [await factory.agent(), await factory.admin(), await factory.analyst()]) {
      const { users } = await staff.client.data(UsersDocument, {});
      expect(users.totalCount).toBeGreaterThan(0);
    }
  });

  it('keeps configuration to admins', async () => {
    for (const caller of [await factory.agent(), await factory.analyst(), await factory.user()]) {
      const response = await caller.client.request(CreateUserDocument, { input: { email: 'new@example.com', name: 'New', role: Role.Agent } });
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    }
    const { users } = await (await factory.admin()).client.data(UsersDocument, { filter: { text: 'new@example.com' } });
    expect(users.totalCount).toBe(0);
  });
});
