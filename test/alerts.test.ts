import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  AlertTicketDocument,
  AssetKind,
  AssetNodeDocument,
  ChangeTicketStatusDocument,
  CreateAssetDocument,
  CreateIntegrationDocument,
  CreateRoutingRuleDocument,
  IngestAlertDocument,
  IntegrationsDocument,
  LoginDocument,
  RevokeIntegrationDocument,
  TicketDocument,
  TicketStatus,
} from './generated/graphql';
import { errorCodes } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let factory: Factory;
let admin: Awaited<ReturnType<Factory['admin']>>;
let agent: Awaited<ReturnType<Factory['agent']>>;

interface Alert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}
interface Notification {
  status: string;
  alerts: Alert[];
  [key: string]: unknown;
}

/** A notification exactly as Alertmanager 0.27 posts it (two alerts of one group, firing). */
const FIRING: Notification = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'alertmanager-v4-firing.json'), 'utf8'));

function resolved(notification: Notification, endsAt = '2026-11-21T15:42:02.512Z'): Notification {
  return { ...notification, status: 'resolved', alerts: notification.alerts.map((alert) => ({ ...alert, status: 'resolved', endsAt })) };
}

function withFingerprints(notification: Notification, suffix: string): Notification {
  return { ...notification, alerts: notification.alerts.map((alert) => ({ ...alert, fingerprint: `${alert.fingerprint}${suffix}` })) };
}

interface HookResponse {
  status: number;
  headers: Headers;
  body: {
    error?: string;
    problems?: { path: string; message: string }[];
    alerts?: { fingerprint: string; status: string; outcome: string; ticket: { id: string; key: string } | null }[];
  };
}

/** POST /hooks/alerts as Alertmanager does it: a JSON body and `Authorization: Bearer <token>`. */
async function hook(body: unknown, token?: string | null, raw = false): Promise<HookResponse> {
  const response = await fetch(new URL('/hooks/alerts', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.27.0', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as HookResponse['body'] };
}

async function integration(name: string) {
  const { createIntegration } = await admin.client.data(CreateIntegrationDocument, { input: { name } });
  expect(createIntegration.userErrors).toEqual([]);
  return { ...createIntegration.integration!, token: createIntegration.token! };
}

const count = async (sql: string, params: unknown[] = []) => Number((await server.orm.em.fork().execute(sql, params))[0].n);
const written = () =>
  Promise.all(['tickets', 'ticket_comments', 'ticket_history', 'alert_tickets', 'events'].map((table) => count(`select count(*) as n from ${table}`)));

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  admin = await factory.admin({ name: 'Alert Admin' });
  agent = await factory.agent({ name: 'Alert Agent' });
  for (const tag of ['web-01', 'SRV-DB-PROD-01']) {
    const { createAsset } = await agent.client.data(CreateAssetDocument, { input: { tag, name: tag, kind: AssetKind.VirtualMachine } });
    expect(createAsset.userErrors).toEqual([]);
  }
});
afterAll(() => server?.stop());

describe('integrations', () => {
  it('are made by admins; the token is shown once and kept as its SHA-256; the service user is an AGENT that cannot log in', async () => {
    expect(errorCodes(await agent.client.request(CreateIntegrationDocument, { input: { name: 'Nope' } }))).toEqual(['FORBIDDEN']);
    const created = await integration('Prometheus production');
    expect(created.token).toMatch(/^dgi_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'Prometheus production', active: true, tokenPrefix: created.token.slice(0, 10), lastUsedAt: null, serviceUser: { role: 'AGENT', active: true } });
    const [row] = await server.orm.em.fork().execute<{ token_hash: string }[]>('select token_hash from integrations where name = ?', ['Prometheus production']);
    expect(row.token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(await count(`select count(*) as n from integrations where token_hash = ? or token_prefix = ?`, [created.token, created.token])).toBe(0);

    expect((await admin.client.data(IntegrationsDocument)).integrations.map((item) => item.name)).toContain('Prometheus production');
    expect((await admin.client.data(AssetNodeDocument, { id: created.id })).node).toMatchObject({ __typename: 'Integration', name: 'Prometheus production' });
    expect((await agent.client.data(AssetNodeDocument, { id: created.id })).node).toBeNull();
    expect(errorCodes(await agent.client.request(IntegrationsDocument))).toEqual(['FORBIDDEN']);

    const { createIntegration: duplicate } = await admin.client.data(CreateIntegrationDocument, { input: { name: 'Prometheus production' } });
    expect(duplicate).toMatchObject({ integration: null, token: null, userErrors: [{ field: ['input', 'name'], code: 'ALREADY_EXISTS' }] });
    const { createIntegration: blank } = await admin.client.data(CreateIntegrationDocument, { input: { name: ' ' } });
    expect(blank.userErrors.map((error) => error.code)).toEqual(['INVALID_INPUT']);

    const [service] = await server.orm.em.fork().execute<{ email: string }[]>('select email from users where id = (select service_user_id from integrations where name = ?)', [
      'Prometheus production',
    ]);
    const { login } = await factory.anonymous.data(LoginDocument, { input: { email: service.email, password: created.token } });
    expect(login.userErrors.map((error) => error.code)).toEqual(['INVALID_CREDENTIALS']);
  });
});

describe('POST /hooks/alerts', () => {
  it('opens one MONITORING incident per fingerprint from a real Alertmanager notification, linked to the assets its labels name', async () => {
    const source = await integration('Alertmanager main');
    const response = await hook(FIRING, source.token);
    expect(response.status).toBe(200);
    expect(response.body.alerts!.map((alert) => [alert.fingerprint, alert.status, alert.outcome])).toEqual([
      ['6d4e0fbd5d3c3c5b', 'firing', 'OPENED'],
      ['a1c38e5f0b7d9e24', 'firing', 'OPENED'],
    ]);
    const [disk, database] = response.body.alerts!.map((alert) => alert.ticket!);
    expect(disk.key).toMatch(/^INC-\d+$/);

    const { ticket } = await admin.client.data(AlertTicketDocument, { id: disk.id });
    expect(ticket).toMatchObject({
      key: disk.key,
      type: 'INCIDENT',
      channel: 'MONITORING',
      status: 'NEW',
      title: 'NodeFilesystemAlmostOutOfSpace: Filesystem has less than 5% space left.',
      impact: 'HIGH',
      urgency: 'HIGH',
      priority: 'P1',
      category: 'monitoring',
      tags: ['monitoring', 'nodefilesystemalmostoutofspace'],
      requester: { id: source.serviceUser.id, role: 'AGENT' },
      // `instance` is web-01:9100: its host names the asset.
      assets: [{ tag: 'web-01' }],
      alert: {
        fingerprint: '6d4e0fbd5d3c3c5b',
        status: 'FIRING',
        startsAt: '2026-11-21T14:58:32.147Z',
        endsAt: null,
        notifications: 1,
        integration: { id: source.id, name: 'Alertmanager main' },
      },
      comments: { totalCount: 0 },
    });
    expect(ticket!.alert!.labels).toEqual(FIRING.alerts[0].labels);
    expect(ticket!.description).toContain('has only 3.12% available space left');
    expect(ticket!.description).toContain('- mountpoint: /');
    expect(ticket!.description).toContain('runbook_url: https://runbooks.prometheus-operator.dev/');
    expect(ticket!.history.nodes.map((entry) => entry.field)).toEqual(['created']);
    const second = (await admin.client.data(AlertTicketDocument, { id: database.id })).ticket!;
    expect(second).toMatchObject({ priority: 'P3', assets: [{ tag: 'SRV-DB-PROD-01' }] });
    // One event per ticket change, as for any ticket: the CREATED of each.
    for (const { id } of [disk, database]) {
      const databaseId = Buffer.from(id, 'base64url').toString().split(':')[1];
      expect(await count(`select count(*) as n from events where ticket_id = ? and topic = 'ticket' and kind = 'CREATED'`, [databaseId])).toBe(1);
    }
    expect((await admin.client.data(IntegrationsDocument)).integrations.find((item) => item.id === source.id)!.lastUsedAt).toEqual(expect.any(String));
  });

  it('adds repeats and the resolution to the incident as notes, and opens a new incident when the alert fires again after it was closed', async () => {
    const source = await integration('Alertmanager repeats');
    const first = await hook(FIRING, source.token);
    const [disk, database] = first.body.alerts!.map((alert) => alert.ticket!);
    const tickets = await count('select count(*) as n from tickets');

    const repeat = await hook(FIRING, source.token);
    expect(repeat.body.alerts!.map((alert) => [alert.outcome, alert.ticket?.id])).toEqual([
      ['REPEATED', disk.id],
      ['REPEATED', database.id],
    ]);
    expect(await count('select count(*) as n from tickets')).toBe(tickets);
    let detail = (await admin.client.data(AlertTicketDocument, { id: disk.id })).ticket!;
    expect(detail.alert).toMatchObject({ status: 'FIRING', notifications: 2 });
    expect(detail.comments.nodes).toEqual([{ body: expect.stringContaining('still firing (notification 2'), internal: true, author: { id: source.serviceUser.id } }]);

    const resolution = await hook(resolved(FIRING), source.token);
    expect(resolution.body.alerts!.map((alert) => [alert.status, alert.outcome])).toEqual([
      ['resolved', 'RESOLVED'],
      ['resolved', 'RESOLVED'],
    ]);
    detail = (await admin.client.data(AlertTicketDocument, { id: disk.id })).ticket!;
    expect(detail).toMatchObject({ status: 'NEW', alert: { status: 'RESOLVED', endsAt: '2026-11-21T15:42:02.512Z', notifications: 3 } });
    expect(detail.comments.nodes.map((comment) => [comment.internal, comment.body.includes('resolved at 2026-11-21T15:42:02.512Z')])).toEqual([
      [true, false],
      [true, true],
    ]);
    // The requester's side never sees the notes (internal), nor the alert.
    const requester = await factory.user();
    expect((await requester.client.data(TicketDocument, { id: disk.id })).ticket).toBeNull();

    await agent.client.data(ChangeTicketStatusDocument, { input: { id: disk.id, status: TicketStatus.Resolved, resolution: 'Logs rotated' } });
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: disk.id, status: TicketStatus.Closed } });
    const again = await hook(FIRING, source.token);
    expect(again.body.alerts!.map((alert) => alert.outcome)).toEqual(['OPENED', 'REPEATED']);
    expect(again.body.alerts![0].ticket!.id).not.toBe(disk.id);
    expect(again.body.alerts![1].ticket!.id).toBe(database.id);

    // A resolution for an alert that never fired here writes nothing.
    const before = await written();
    const stray = await hook(resolved(withFingerprints(FIRING, '-stray')), source.token);
    expect(stray.body.alerts!.map((alert) => [alert.outcome, alert.ticket])).toEqual([
      ['IGNORED', null],
      ['IGNORED', null],
    ]);
    expect(await written()).toEqual(before);
  });

  it('answers 401 or 400 with a reason for a missing or bad token, broken JSON or a wrong shape, and writes nothing', async () => {
    const source = await integration('Alertmanager refusals');
    const revoked = await integration('Alertmanager revoked');
    const { revokeIntegration } = await admin.client.data(RevokeIntegrationDocument, { input: { id: revoked.id } });
    expect(revokeIntegration.integration).toMatchObject({ active: false, revokedAt: expect.any(String), serviceUser: { active: false } });
    const fresh = withFingerprints(FIRING, '-refused');
    const before = await written();

    const missing = await hook(fresh, null);
    expect(missing).toMatchObject({ status: 401, body: { error: expect.stringContaining('Missing bearer token') } });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    for (const token of ['dgi_not-a-real-token', admin.token, revoked.token]) {
      expect(await hook(fresh, token)).toMatchObject({ status: 401, body: { error: 'Unknown or revoked integration token.' } });
    }
    expect(await hook('{"version": "4", "alerts": [', source.token, true)).toMatchObject({ status: 400, body: { error: 'The body is not valid JSON.' } });
    expect(await hook('', source.token, true)).toMatchObject({ status: 400, body: { error: 'The body is not valid JSON.' } });

    const { fingerprint: _dropped, ...noFingerprint } = fresh.alerts[0];
    const wrong = await hook({ ...fresh, version: '3', alerts: [noFingerprint, { ...fresh.alerts[1], startsAt: 'yesterday', labels: { severity: 2 } }] }, source.token);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('Not an Alertmanager webhook notification (version 4).');
    expect(wrong.body.problems!.map((problem) => problem.path)).toEqual(['version', 'alerts.0.fingerprint', 'alerts.1.labels', 'alerts.1.startsAt']);
    // One bad alert refuses the whole notification: the good one opened nothing either.
    const mixed = await hook({ ...fresh, alerts: [fresh.alerts[0], { ...fresh.alerts[1], status: 'pending' }] }, source.token);
    expect(mixed).toMatchObject({ status: 400, body: { problems: [{ path: 'alerts.1.status' }] } });
    expect((await hook([fresh], source.token)).status).toBe(400);
    expect((await hook({ ...fresh, alerts: 'none' }, source.token)).body.problems).toEqual([{ path: 'alerts', message: 'alerts must be a list of alerts.' }]);

    expect(await written()).toEqual(before);
    // And the token still works.
    expect((await hook(fresh, source.token)).status).toBe(200);
  });

  it('opens a single incident when the same new alert arrives several times at once', async () => {
    const source = await integration('Alertmanager HA pair');
    const notification = { ...FIRING, alerts: [{ ...FIRING.alerts[0], fingerprint: 'race0000cafe0001' }] };
    const responses = await Promise.all(Array.from({ length: 4 }, () => hook(notification, source.token)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(responses.map((response) => response.body.alerts![0].outcome).sort()).toEqual(['OPENED', 'REPEATED', 'REPEATED', 'REPEATED']);
    expect(new Set(responses.map((response) => response.body.alerts![0].ticket!.id)).size).toBe(1);
    expect(await count(`select count(*) as n from alert_tickets where fingerprint = 'race0000cafe0001'`)).toBe(1);
  });

  it('goes through routing like any new ticket', async () => {
    const oncall = await factory.agent({ name: 'On-call Agent' });
    const team = await factory.group('Monitoring on-call', 2, [oncall.user.id]);
    const { createRoutingRule } = await admin.client.data(CreateRoutingRuleDocument, {
      input: { name: 'Alerts to on-call', position: 1, match: { channel: ['MONITORING' as never] }, groupId: team.id, assignment: 'ROUND_ROBIN' as never },
    });
    expect(createRoutingRule.userErrors).toEqual([]);
    const source = await integration('Alertmanager routed');
    const { body } = await hook(withFingerprints(FIRING, '-routed'), source.token);
    const { ticket } = await admin.client.data(TicketDocument, { id: body.alerts![0].ticket!.id });
    expect(ticket).toMatchObject({ group: { id: team.id }, assignee: { id: oncall.id } });
  });
});

describe('ingestAlert', () => {
  it('does the same over GraphQL for admins, with the shape problems as user errors', async () => {
    const source = await integration('Alertmanager via GraphQL');
    const webhook = withFingerprints(FIRING, '-graphql');
    expect(errorCodes(await agent.client.request(IngestAlertDocument, { input: { integrationId: source.id, webhook } }))).toEqual(['FORBIDDEN']);

    const before = await written();
    const { ingestAlert: invalid } = await admin.client.data(IngestAlertDocument, {
      input: { integrationId: source.id, webhook: { ...webhook, alerts: [{ ...webhook.alerts[0], fingerprint: '' }] } },
    });
    expect(invalid).toMatchObject({ ingestedAlerts: null, userErrors: [{ field: ['input', 'webhook', 'alerts', '0', 'fingerprint'], code: 'INVALID_INPUT' }] });
    const { ingestAlert: unknown } = await admin.client.data(IngestAlertDocument, { input: { integrationId: agent.id, webhook } });
    expect(unknown.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'integrationId'], 'NOT_FOUND']]);
    expect(await written()).toEqual(before);

    const { ingestAlert } = await admin.client.data(IngestAlertDocument, { input: { integrationId: source.id, webhook } });
    expect(ingestAlert.userErrors).toEqual([]);
    expect(ingestAlert.ingestedAlerts!.map((alert) => [alert.fingerprint, alert.status, alert.outcome, alert.ticket?.key.startsWith('INC-')])).toEqual([
      ['6d4e0fbd5d3c3c5b-graphql', 'FIRING', 'OPENED', true],
      ['a1c38e5f0b7d9e24-graphql', 'FIRING', 'OPENED', true],
    ]);
    const { ticket } = await admin.client.data(AlertTicketDocument, { id: ingestAlert.ingestedAlerts![0].ticket!.id });
    expect(ticket).toMatchObject({ channel: 'MONITORING', requester: { id: source.serviceUser.id }, alert: { integration: { id: source.id } } });

    await admin.client.data(RevokeIntegrationDocument, { input: { id: source.id } });
    const { ingestAlert: revoked } = await admin.client.data(IngestAlertDocument, { input: { integrationId: source.id, webhook } });
    expect(revoked.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'integrationId'], 'NOT_ALLOWED']]);
    const { revokeIntegration: twice } = await admin.client.data(RevokeIntegrationDocument, { input: { id: source.id } });
    expect(twice.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);
  });
});
