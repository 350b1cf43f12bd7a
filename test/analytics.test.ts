import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Client } from 'pg';
import { seedTickets } from '../src/demo/bulk-seed';
import { toGlobalId } from '../src/graphql/global-id';
import {
  StatsTicketCountDocument,
  TicketDimension,
  TicketMetric,
  TicketStatsDocument,
  TicketStatus,
  type TicketFilter,
  type TicketStatsQuery,
  type TicketStatsQueryVariables,
} from './generated/graphql';
import { errorCodes, GraphQLClient } from './support/client';
import { someOf, ticketEnumFields, ticketEnumFilters } from './support/arbitraries';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let factory: Factory;
type Person = Awaited<ReturnType<Factory['user']>>;
let people: Record<'analyst' | 'admin' | 'ann' | 'bob' | 'loner' | 'requester', Person>;
let groups: Record<'desk' | 'network', Awaited<ReturnType<Factory['group']>>>;
let organizations: Record<'acme' | 'globex', Awaited<ReturnType<Factory['organization']>>>;

const HOUR = 3600;
const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

interface Row {
  status: string;
  priority: string;
  type: string;
  channel: string;
  category?: string | null;
  groupId?: string | null;
  assigneeId?: string | null;
  requesterId: string;
  organizationId?: string | null;
  createdAt: Date;
  firstRespondedAt?: Date | null;
  resolvedAt?: Date | null;
  rating?: number | null;
  reopenedCount?: number;
  slaBreached?: boolean;
  tags?: string[];
  title?: string;
  /** SLA clock statuses by metric. */
  clocks?: { FIRST_RESPONSE?: string; RESOLUTION?: string };
}

/** Tickets straight into the tables, with the timestamps and SLA outcomes a statistic needs. */
async function insertTicket(row: Row): Promise<string> {
  const id = randomUUID();
  const em = server.orm.em.fork();
  await em.execute(
    `insert into tickets (id, created_at, updated_at, type, title, status, impact, urgency, priority, channel, category, tags, requester_id, assignee_id,
                          group_id, organization_id, created_by_id, first_responded_at, resolved_at, rating, reopened_count, sla_breached)
     values (?, ?, ?, ?, ?, ?, 'MEDIUM', 'MEDIUM', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      row.createdAt,
      row.resolvedAt ?? row.createdAt,
      row.type,
      row.title ?? 'Generated ticket',
      row.status,
      row.priority,
      row.channel,
      row.category ?? null,
      `{${(row.tags ?? ['known']).join(',')}}`,
      row.requesterId,
      row.assigneeId ?? null,
      row.groupId ?? null,
      row.organizationId ?? null,
      row.requesterId,
      row.firstRespondedAt ?? null,
      row.resolvedAt ?? null,
      row.rating ?? null,
      row.reopenedCount ?? 0,
      row.slaBreached ?? false,
    ],
  );
  for (const [metric, status] of Object.entries(row.clocks ?? {})) {
    await em.execute(
      `insert into ticket_sla_clocks (ticket_id, metric, target_seconds, elapsed_millis, status) values (?, ?, 3600, 0, ?)`,
      [id, metric, status],
    );
  }
  return id;
}

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  organizations = { acme: await factory.organization('Acme Stats'), globex: await factory.organization('Globex Stats') };
  const ann = await factory.agent({ name: 'Ann Agent' });
  const bob = await factory.agent({ name: 'Bob Agent' });
  groups = { desk: await factory.group('Alpha Desk', 1, [ann.user.id]), network: await factory.group('Beta Network', 2, [bob.user.id]) };
  people = {
    analyst: await factory.analyst(),
    admin: await factory.admin(),
    ann,
    bob,
    loner: await factory.agent(),
    requester: await factory.user({ organizationId: organizations.acme.organization.id }),
  };
  const requester = people.requester.user.id;
  const desk = groups.desk.group.id;
  const network = groups.network.group.id;
  const acme = organizations.acme.organization.id;
  const globex = organizations.globex.organization.id;
  // Six tickets with known answers (tagged "known"); the times straddle the turn of the year and a
  // Sunday night, where UTC and Europe/Paris put them in different days, weeks and months.
  await insertTicket({
    status: 'CLOSED', priority: 'P1', type: 'INCIDENT', channel: 'EMAIL', category: 'network', groupId: desk, assigneeId: ann.user.id, requesterId: requester,
    organizationId: acme, createdAt: at('2025-12-31T23:30:00Z'), firstRespondedAt: at('2025-12-31T23:30:00Z', 1 * HOUR),
    resolvedAt: at('2025-12-31T23:30:00Z', 10 * HOUR), rating: 5, clocks: { FIRST_RESPONSE: 'MET', RESOLUTION: 'MET' },
  });
  await insertTicket({
    status: 'RESOLVED', priority: 'P2', type: 'INCIDENT', channel: 'PORTAL', category: 'network', groupId: desk, assigneeId: ann.user.id, requesterId: requester,
    organizationId: acme, createdAt: at('2026-01-04T23:30:00Z'), firstRespondedAt: at('2026-01-04T23:30:00Z', 2 * HOUR),
    resolvedAt: at('2026-01-04T23:30:00Z', 20 * HOUR), rating: 3, reopenedCount: 1, slaBreached: true, clocks: { FIRST_RESPONSE: 'MET', RESOLUTION: 'BREACHED' },
  });
  await insertTicket({
    status: 'OPEN', priority: 'P2', type: 'SERVICE_REQUEST', channel: 'API', groupId: network, assigneeId: bob.user.id, requesterId: requester,
    organizationId: globex, createdAt: at('2026-01-12T10:00:00Z'), firstRespondedAt: at('2026-01-12T10:00:00Z', 3 * HOUR), reopenedCount: 1,
    slaBreached: true, clocks: { FIRST_RESPONSE: 'BREACHED', RESOLUTION: 'RUNNING' },
  });
  await insertTicket({ status: 'NEW', priority: 'P3', type: 'QUESTION', channel: 'PORTAL', category: 'access', requesterId: requester, createdAt: at('2026-01-12T12:00:00Z') });
  await insertTicket({
    status: 'CANCELLED', priority: 'P4', type: 'CHANGE', channel: 'PHONE', category: 'access', groupId: network, requesterId: requester, organizationId: globex,
    createdAt: at('2026-01-13T00:00:00Z'), clocks: { FIRST_RESPONSE: 'PAUSED', RESOLUTION: 'PAUSED' },
  });
  await insertTicket({
    status: 'CLOSED', priority: 'P3', type: 'PROBLEM', channel: 'CHAT', category: 'network', groupId: network, assigneeId: bob.user.id, requesterId: requester,
    organizationId: globex, createdAt: at('2026-01-05T08:00:00Z'), firstRespondedAt: at('2026-01-05T08:00:00Z', 4 * HOUR),
    resolvedAt: at('2026-01-05T08:00:00Z', 30 * HOUR), rating: 4, clocks: { FIRST_RESPONSE: 'MET', RESOLUTION: 'MET' },
  });
});
afterAll(() => server?.stop());

const KNOWN: TicketFilter = { tags: ['known'] };

async function stats(client: GraphQLClient, variables: Partial<TicketStatsQueryVariables> & Pick<TicketStatsQueryVariables, 'groupBy'>) {
  return (await client.data(TicketStatsDocument, { filter: KNOWN, metrics: [TicketMetric.Count], ...variables })).ticketStats;
}

/** Rows as `[key labels…] → [values…]`, for compact expectations. */
const table = (result: TicketStatsQuery['ticketStats']) => result.rows.map((row) => [row.keys.map((key) => key.value), row.values.map((value) => value.value)]);
const labels = (result: TicketStatsQuery['ticketStats']) => result.rows.map((row) => row.keys.map((key) => key.label));

describe('ticketStats metrics', () => {
  it('computes every metric over the known tickets, as defined', async () => {
    const metrics = Object.values(TicketMetric);
    const result = await stats(people.analyst.client, { groupBy: [], metrics });
    expect(result.rows).toHaveLength(1);
    const values = Object.fromEntries(result.rows[0].values.map((value) => [value.metric, value.value]));
    expect(values).toEqual({
      COUNT: 6,
      OPEN_COUNT: 2,
      RESOLVED_COUNT: 3,
      MEAN_TIME_TO_RESOLVE: 20 * HOUR,
      MEDIAN_TIME_TO_RESOLVE: 20 * HOUR,
      // Interpolated between the 2nd and 3rd of [10 h, 20 h, 30 h]: 20 h + 0.8 × 10 h.
      P90_TIME_TO_RESOLVE: 28 * HOUR,
      MEAN_FIRST_RESPONSE: 2.5 * HOUR,
      FIRST_RESPONSE_SLA_MET_RATE: 0.75,
      RESOLUTION_SLA_MET_RATE: expect.closeTo(2 / 3, 10),
      BREACHED_COUNT: 2,
      REOPENED_RATE: 0.5,
      CSAT_AVERAGE: 4,
    });
    expect(result.rows[0].keys).toEqual([]);
    expect(result.rows[0].values.map((value) => value.metric)).toEqual(metrics);
  });

  it('answers null where a group has no data, and zero counts where it has no tickets', async () => {
    const result = await stats(people.analyst.client, {
      groupBy: [TicketDimension.Status],
      metrics: [TicketMetric.OpenCount, TicketMetric.MeanTimeToResolve, TicketMetric.ResolutionSlaMetRate, TicketMetric.CsatAverage, TicketMetric.ReopenedRate],
      filter: { ...KNOWN, status: [TicketStatus.New, TicketStatus.Open] },
    });
    expect(table(result)).toEqual([
      [['NEW'], [1, null, null, null, null]],
      [['OPEN'], [1, null, null, null, 1]],
    ]);
    const nothing = await stats(people.analyst.client, { groupBy: [], filter: { tags: ['no-such-tag'] }, metrics: [TicketMetric.Count, TicketMetric.MedianTimeToResolve] });
    expect(table(nothing)).toEqual([[[], [0, null]]]);
  });
});

describe('ticketStats dimensions', () => {
  it('groups by status, priority, type and channel in their declared order, labelled as words', async () => {
    const status = await stats(people.analyst.client, { groupBy: [TicketDimension.Status] });
    expect(table(status)).toEqual([[['NEW'], [1]], [['OPEN'], [1]], [['RESOLVED'], [1]], [['CLOSED'], [2]], [['CANCELLED'], [1]]]);
    expect(labels(status).flat()).toEqual(['New', 'Open', 'Resolved', 'Closed', 'Cancelled']);
    expect(table(await stats(people.analyst.client, { groupBy: [TicketDimension.Priority] }))).toEqual([[['P1'], [1]], [['P2'], [2]], [['P3'], [2]], [['P4'], [1]]]);
    const type = await stats(people.analyst.client, { groupBy: [TicketDimension.Type] });
    expect(table(type)).toEqual([[['INCIDENT'], [2]], [['SERVICE_REQUEST'], [1]], [['QUESTION'], [1]], [['PROBLEM'], [1]], [['CHANGE'], [1]]]);
    expect(labels(type).flat()).toEqual(['Incident', 'Service request', 'Question', 'Problem', 'Change']);
    const channel = await stats(people.analyst.client, { groupBy: [TicketDimension.Channel] });
    expect(table(channel)).toEqual([[['PORTAL'], [2]], [['EMAIL'], [1]], [['PHONE'], [1]], [['CHAT'], [1]], [['API'], [1]]]);
    expect(labels(channel).flat()).toEqual(['Portal', 'Email', 'Phone', 'Chat', 'API']);
  });

  it('groups by category, tickets without one last', async () => {
    const result = await stats(people.analyst.client, { groupBy: [TicketDimension.Category] });
    expect(table(result)).toEqual([[['access'], [2]], [['network'], [3]], [[null], [1]]]);
    expect(labels(result).flat()).toEqual(['access', 'network', 'No category']);
  });

  it('groups by group, assignee and organization with global ids and names, sorted by name', async () => {
    const group = await stats(people.analyst.client, { groupBy: [TicketDimension.Group], metrics: [TicketMetric.Count, TicketMetric.MeanTimeToResolve] });
    expect(group.rows.map((row) => [row.keys[0], row.values.map((value) => value.value)])).toEqual([
      [{ dimension: 'GROUP', value: groups.desk.id, label: 'Alpha Desk' }, [2, 15 * HOUR]],
      [{ dimension: 'GROUP', value: groups.network.id, label: 'Beta Network' }, [3, 30 * HOUR]],
      [{ dimension: 'GROUP', value: null, label: 'No group' }, [1, null]],
    ]);
    const assignee = await stats(people.analyst.client, { groupBy: [TicketDimension.Assignee] });
    expect(table(assignee)).toEqual([[[people.ann.id], [2]], [[people.bob.id], [2]], [[null], [2]]]);
    expect(labels(assignee).flat()).toEqual(['Ann Agent', 'Bob Agent', 'Unassigned']);
    const organization = await stats(people.analyst.client, { groupBy: [TicketDimension.Organization] });
    expect(table(organization)).toEqual([[[organizations.acme.id], [2]], [[organizations.globex.id], [3]], [[null], [1]]]);
    expect(labels(organization).flat()).toEqual(['Acme Stats', 'Globex Stats', 'No organization']);
  });

  it('buckets creation by day, ISO week and month in UTC by default', async () => {
    const day = await stats(people.analyst.client, { groupBy: [TicketDimension.CreatedDay] });
    expect(day.timezone).toBe('UTC');
    expect(table(day)).toEqual([[['2025-12-31'], [1]], [['2026-01-04'], [1]], [['2026-01-05'], [1]], [['2026-01-12'], [2]], [['2026-01-13'], [1]]]);
    expect(labels(day)[0]).toEqual(['Wednesday 31 December 2025']);
    // 31 December 2025 is a Wednesday of ISO week 1 of 2026; Sunday 4 January closes that week.
    const week = await stats(people.analyst.client, { groupBy: [TicketDimension.CreatedWeek] });
    expect(table(week)).toEqual([[['2026-W01'], [2]], [['2026-W02'], [1]], [['2026-W03'], [3]]]);
    expect(labels(week).flat()).toEqual(['Week 1 of 2026', 'Week 2 of 2026', 'Week 3 of 2026']);
    const month = await stats(people.analyst.client, { groupBy: [TicketDimension.CreatedMonth] });
    expect(table(month)).toEqual([[['2025-12'], [1]], [['2026-01'], [5]]]);
    expect(labels(month).flat()).toEqual(['December 2025', 'January 2026']);
  });

  it('buckets in the given time zone: Paris is already in the next day, week and year', async () => {
    const paris = { timezone: 'Europe/Paris' };
    const day = await stats(people.analyst.client, { groupBy: [TicketDimension.CreatedDay], ...paris });
    expect(day.timezone).toBe('Europe/Paris');
    expect(table(day)).toEqual([[['2026-01-01'], [1]], [['2026-01-05'], [2]], [['2026-01-12'], [2]], [['2026-01-13'], [1]]]);
    expect(table(await stats(people.analyst.client, { groupBy: [TicketDimension.CreatedWeek], ...paris }))).toEqual([
      [['2026-W01'], [1]],
      [['2026-W02'], [2]],
      [['2026-W03'], [3]],
    ]);
    expect(table(await stats(people.analyst.client, { groupBy: [TicketDimension.CreatedMonth], ...paris }))).toEqual([[['2026-01'], [6]]]);
  });

  it('buckets resolution times, unresolved tickets last', async () => {
    const day = await stats(people.analyst.client, { groupBy: [TicketDimension.ResolvedDay], metrics: [TicketMetric.Count, TicketMetric.ResolvedCount] });
    expect(table(day)).toEqual([[['2026-01-01'], [1, 1]], [['2026-01-05'], [1, 1]], [['2026-01-06'], [1, 1]], [[null], [3, 0]]]);
    expect(labels(day)[3]).toEqual(['Not resolved']);
    expect(table(await stats(people.analyst.client, { groupBy: [TicketDimension.ResolvedWeek] }))).toEqual([[['2026-W01'], [1]], [['2026-W02'], [2]], [[null], [3]]]);
    expect(table(await stats(people.analyst.client, { groupBy: [TicketDimension.ResolvedMonth], timezone: 'America/New_York' }))).toEqual([
      [['2026-01'], [3]],
      [[null], [3]],
    ]);
  });

  it('crosses dimensions, keys in the order asked', async () => {
    const result = await stats(people.analyst.client, {
      groupBy: [TicketDimension.Group, TicketDimension.CreatedWeek],
      metrics: [TicketMetric.Count, TicketMetric.ResolutionSlaMetRate, TicketMetric.MedianTimeToResolve],
    });
    expect(table(result)).toEqual([
      [[groups.desk.id, '2026-W01'], [2, 0.5, 15 * HOUR]],
      [[groups.network.id, '2026-W02'], [1, 1, 30 * HOUR]],
      [[groups.network.id, '2026-W03'], [2, null, null]],
      [[null, '2026-W03'], [1, null, null]],
    ]);
    expect(result.rows[0].keys.map((key) => key.dimension)).toEqual(['GROUP', 'CREATED_WEEK']);
  });
});

describe('ticketStats authorization', () => {
  const question = { groupBy: [TicketDimension.Group], metrics: [TicketMetric.Count] };

  it('lets analysts and admins count every ticket', async () => {
    for (const person of [people.analyst, people.admin]) {
      expect(table(await stats(person.client, question))).toEqual([[[groups.desk.id], [2]], [[groups.network.id], [3]], [[null], [1]]]);
    }
  });

  it('restricts an agent to the tickets of their groups', async () => {
    expect(table(await stats(people.ann.client, question))).toEqual([[[groups.desk.id], [2]]]);
    expect(table(await stats(people.bob.client, question))).toEqual([[[groups.network.id], [3]]]);
    // Asking for another group's tickets finds none of them.
    expect(table(await stats(people.ann.client, { ...question, filter: { ...KNOWN, groupIds: [groups.network.id] } }))).toEqual([]);
    expect(table(await stats(people.loner.client, { groupBy: [] }))).toEqual([[[], [0]]]);
  });

  it('refuses requesters and anonymous callers', async () => {
    const variables = { filter: KNOWN, ...question };
    expect(errorCodes(await people.requester.client.request(TicketStatsDocument, variables))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await factory.anonymous.request(TicketStatsDocument, variables))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('ticketStats input', () => {
  const refusal = async (variables: Partial<TicketStatsQueryVariables>) => {
    const response = await people.analyst.client.request(TicketStatsDocument, { groupBy: [], metrics: [TicketMetric.Count], ...variables });
    expect(response.data).toBeNull();
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    return response.errors![0];
  };

  it('refuses an empty list of metrics, repeated ones and too many dimensions', async () => {
    expect(await refusal({ metrics: [] })).toMatchObject({ message: 'Ask for at least one metric.', extensions: { argument: 'metrics' } });
    expect(await refusal({ metrics: [TicketMetric.Count, TicketMetric.Count] })).toMatchObject({ extensions: { argument: 'metrics' } });
    expect(await refusal({ groupBy: [TicketDimension.Group, TicketDimension.Group] })).toMatchObject({
      message: '`groupBy` lists GROUP twice.',
      extensions: { argument: 'groupBy' },
    });
    const four = [TicketDimension.Group, TicketDimension.Status, TicketDimension.Priority, TicketDimension.CreatedDay];
    expect(await refusal({ groupBy: four })).toMatchObject({ message: 'Group by at most 3 dimensions, not 4.', extensions: { argument: 'groupBy' } });
  });

  it('refuses unknown time zones and UTC offsets', async () => {
    for (const timezone of ['Mars/Olympus_Mons', '+01:00', '']) {
      expect(await refusal({ timezone, groupBy: [TicketDimension.CreatedDay] })).toMatchObject({ extensions: { argument: 'timezone' } });
    }
  });
});

describe('ticketStats protection', () => {
  let limited: TestServer;
  beforeAll(async () => {
    // A second instance on the same database, with small budgets and a short time limit.
    limited = await startTestServer({
      databaseUrl: server.databaseUrl,
      env: {
        ANALYTICS_COST_BUDGET_AGENT: '1',
        ANALYTICS_MAX_ROWS: '3',
        ANALYTICS_STATEMENT_TIMEOUT_MS: '2000',
        ANALYTICS_MAX_CONCURRENT: '1',
        ANALYTICS_QUEUE_TIMEOUT_MS: '100',
      },
    });
  });
  afterAll(() => limited?.stop());
  const on = (person: Person) => new GraphQLClient(limited.url, person.token);

  it('refuses a question above the role’s cost budget, before running it, saying why without SQL', async () => {
    const response = await on(people.ann).request(TicketStatsDocument, { filter: KNOWN, groupBy: [], metrics: [TicketMetric.Count] });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0].extensions).toMatchObject({ analytics: 'BUDGET_EXCEEDED', reason: 'COST', budget: 1, cost: expect.any(Number) });
    expect(response.errors![0].message).toMatch(/above your budget of 1/);
    expect(response.errors![0].message).not.toMatch(/select|tickets/i);
    // The analyst's budget is another one.
    expect(table((await on(people.analyst).data(TicketStatsDocument, { filter: KNOWN, groupBy: [], metrics: [TicketMetric.Count] })).ticketStats)).toEqual([[[], [6]]]);
  });

  it('refuses an answer with more rows than allowed', async () => {
    const response = await on(people.analyst).request(TicketStatsDocument, { filter: KNOWN, groupBy: [TicketDimension.Status], metrics: [TicketMetric.Count] });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0].extensions).toMatchObject({ analytics: 'BUDGET_EXCEEDED', reason: 'ROWS', maxRows: 3 });
  });

  /** A lock held elsewhere keeps statistics waiting (statement_timeout counts that wait too) until released. */
  async function withTicketsLocked(body: (blocker: Client) => Promise<void>): Promise<void> {
    const blocker = new Client({ connectionString: server.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table tickets in access exclusive mode');
      await body(blocker);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
  }
  const count = { filter: KNOWN, groupBy: [], metrics: [TicketMetric.Count] };

  it('stops a statement past its time limit, and the next one runs', async () => {
    await withTicketsLocked(async () => {
      const started = Date.now();
      const response = await on(people.analyst).request(TicketStatsDocument, { filter: KNOWN, groupBy: [], metrics: [TicketMetric.Count] });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0]).toMatchObject({ extensions: { analytics: 'TIMEOUT', timeoutMs: 2000 } });
      expect(response.errors![0].message).not.toMatch(/select|tickets|cancel/i);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
    expect(table((await on(people.analyst).data(TicketStatsDocument, count)).ticketStats)).toEqual([[[], [6]]]);
  });

  it('computes one question at a time here: the next waits its turn, then is RATE_LIMITED', async () => {
    await withTicketsLocked(async (blocker) => {
      const first = on(people.analyst).request(TicketStatsDocument, count);
      // Once the first holds the only slot (its EXPLAIN waits for the lock), a second cannot get in.
      // (Asked outside the blocker's transaction, which would see a snapshot of pg_stat_activity.)
      const waiting = async () =>
        (
          await server.orm.em
            .fork()
            .execute<{ n: number }[]>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'explain (format json)%'`)
        )[0].n;
      for (let tries = 0; (await waiting()) === 0; tries += 1) {
        if (tries > 200) throw new Error('the first question never waited for the lock');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const second = await on(people.admin).request(TicketStatsDocument, count);
      expect(errorCodes(second)).toEqual(['RATE_LIMITED']);
      expect(second.errors![0]).toMatchObject({ message: expect.stringMatching(/Too many statistics/), extensions: { retryAfterSeconds: 1 } });
      await blocker.query('rollback');
      expect(table((await first).data!.ticketStats)).toEqual([[[], [6]]]);
    });
    // The slot is free again.
    expect(table((await on(people.admin).data(TicketStatsDocument, count)).ticketStats)).toEqual([[[], [6]]]);
  });
});

describe('ticketStats agrees with tickets(filter)', () => {
  it('sums COUNT to tickets(filter).totalCount on random tickets and filters, for analysts and agents', async () => {
    const requesters = [people.requester.user.id, (await factory.user({ organizationId: organizations.globex.organization.id })).user.id, (await factory.user()).user.id];
    const agents = [people.ann.user.id, people.bob.user.id];
    const groupIds = [groups.desk.group.id, groups.network.group.id];
    const EPOCH = Date.parse('2026-03-01T00:00:00Z');
    const DAY = 86_400_000;
    const ticket = fc.record({
      ...ticketEnumFields,
      requester: fc.integer({ min: 0, max: 2 }),
      assignee: fc.option(fc.integer({ min: 0, max: 1 })),
      group: fc.option(fc.integer({ min: 0, max: 1 })),
      category: fc.option(fc.constantFrom('hardware', 'network')),
      tags: fc.uniqueArray(fc.constantFrom('vpn', 'printer', 'wifi'), { maxLength: 2 }),
      title: fc.constantFrom('Printer jammed', 'Réseau lent au bureau', 'VPN drops'),
      createdHours: fc.integer({ min: 0, max: 60 * 24 }),
      resolvedHours: fc.option(fc.integer({ min: 1, max: 200 })),
      breached: fc.boolean(),
      clock: fc.option(fc.constantFrom('RUNNING', 'MET', 'BREACHED')),
    });
    for (const row of fc.sample(ticket, { numRuns: 150, seed: 9 })) {
      const createdAt = new Date(EPOCH + row.createdHours * 3_600_000);
      await insertTicket({
        ...row,
        requesterId: requesters[row.requester],
        organizationId: row.requester === 0 ? organizations.acme.organization.id : row.requester === 1 ? organizations.globex.organization.id : null,
        assigneeId: row.assignee === null ? null : agents[row.assignee],
        groupId: row.group === null ? null : groupIds[row.group],
        createdAt,
        resolvedAt: row.resolvedHours === null ? null : new Date(createdAt.getTime() + row.resolvedHours * 3_600_000),
        slaBreached: row.breached,
        clocks: row.clock ? { RESOLUTION: row.clock, FIRST_RESPONSE: row.clock } : {},
      });
    }

    const day = fc.integer({ min: -5, max: 65 }).map((offset) => new Date(EPOCH + offset * DAY).toISOString());
    const filter: fc.Arbitrary<TicketFilter> = fc.record(
      {
        ...ticketEnumFilters,
        groupIds: someOf([...groupIds.map((id) => toGlobalId('Group', id)), toGlobalId('Group', randomUUID())]),
        assigneeIds: someOf(agents.map((id) => toGlobalId('User', id))),
        requesterIds: someOf(requesters.map((id) => toGlobalId('User', id))),
        organizationIds: someOf([organizations.acme.id, organizations.globex.id]),
        unassigned: fc.option(fc.boolean(), { nil: undefined }),
        tags: someOf(['vpn', 'printer', 'wifi', 'known']),
        categories: someOf(['hardware', 'network', 'access']),
        createdAfter: fc.option(day, { nil: undefined }),
        createdBefore: fc.option(day, { nil: undefined }),
        slaBreached: fc.option(fc.boolean(), { nil: undefined }),
        text: fc.option(fc.constantFrom('printer', 'reseau', 'vpn'), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    const groupBy = fc.uniqueArray(fc.constantFrom(...Object.values(TicketDimension)), { maxLength: 3 });
    const timezone = fc.constantFrom('UTC', 'Europe/Paris', 'Pacific/Kiritimati');
    const sum = (result: TicketStatsQuery['ticketStats']) => result.rows.reduce((total, row) => total + row.values[0].value!, 0);
    const total = async (filter: TicketFilter) => (await people.analyst.client.data(StatsTicketCountDocument, { filter })).tickets.totalCount;

    await fc.assert(
      fc.asyncProperty(filter, groupBy, timezone, async (filter, groupBy, timezone) => {
        const question = { filter, groupBy, timezone, metrics: [TicketMetric.Count, TicketMetric.MedianTimeToResolve] };
        expect(sum((await people.analyst.client.data(TicketStatsDocument, question)).ticketStats)).toBe(await total(filter));
        // Ann counts what the list gives for her own groups only (an empty list filters nothing).
        const own = (filter.groupIds?.length ? filter.groupIds : [groups.desk.id]).filter((id) => id === groups.desk.id);
        const expected = own.length ? await total({ ...filter, groupIds: own }) : 0;
        expect(sum((await people.ann.client.data(TicketStatsDocument, question)).ticketStats)).toBe(expected);
      }),
      { numRuns: 60, seed: Number(process.env.STATS_SEED ?? 11) },
    );
  });
});

describe('ticketStats on a bulk-seeded desk (npm run seed -- --sla)', () => {
  let seeded: TestServer;
  beforeAll(async () => {
    seeded = await startTestServer();
    await seedTickets(seeded.databaseUrl, { tickets: 400, sla: true, now: new Date('2026-06-01T00:00:00Z') });
  });
  afterAll(() => seeded?.stop());

  it('gives every ticket both SLA clocks, and the breached flag the clocks say', async () => {
    const analyst = new Factory(seeded);
    const { client } = await analyst.analyst();
    const [{ clocks, breached }] = await seeded.orm.em.fork().execute<{ clocks: number; breached: number }[]>(
      `select (select count(*) from ticket_sla_clocks)::int as clocks,
              (select count(*) from tickets t where t.sla_breached <> exists (select 1 from ticket_sla_clocks c where c.ticket_id = t.id and c.status = 'BREACHED'))::int as breached`,
    );
    expect(clocks).toBe(800);
    expect(breached).toBe(0);
    const metrics = [TicketMetric.Count, TicketMetric.BreachedCount, TicketMetric.ResolutionSlaMetRate, TicketMetric.FirstResponseSlaMetRate];
    const { rows } = (await client.data(TicketStatsDocument, { groupBy: [], metrics })).ticketStats;
    const [count, breachedCount, resolutionRate, firstResponseRate] = rows[0].values.map((value) => value.value!);
    expect(count).toBe(400);
    expect(breachedCount).toBe((await client.data(StatsTicketCountDocument, { filter: { slaBreached: true } })).tickets.totalCount);
    for (const rate of [resolutionRate, firstResponseRate]) expect(rate > 0 && rate < 1).toBe(true);
  });
});
