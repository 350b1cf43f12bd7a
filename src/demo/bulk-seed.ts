/**
 * Bulk synthetic data for benchmarks: N tickets with their comments, a "created" history entry and
 * some assets, plus the groups, agents, organizations and requesters they need (created when absent).
 *
 * Set-based SQL, not the ORM: each chunk of tickets is one INSERT … SELECT over generate_series, with
 * every attribute a deterministic function of the ticket's index (hashint8), so the same N gives the
 * same desk whatever the chunk size. The full-text search vector is computed in that INSERT from
 * vectors precomputed once per distinct text, with the search-vector triggers disabled inside the
 * chunk's transaction: the vectors are exactly those the triggers would have built (title || description,
 * then one public comment after another), at a fraction of the cost.
 *
 * Bypasses the services on purpose: no events are written, and the rules are the generator's.
 */
import { Client } from 'pg';
import { hashPassword } from '../auth/passwords';
import { CHANGE_SCENARIOS, MONITORING_SCENARIOS, PHRASES, PROBLEM_SCENARIOS, REQUEST_SCENARIOS, type Scenario } from './demo-catalog';

/** Every seeded agent and requester logs in with this password. */
export const SEED_PASSWORD = 'deskgraph-seed';

export interface SeedOptions {
  tickets: number;
  /** Tickets per INSERT (and per transaction). */
  chunkSize?: number;
  /** Progress lines ("… 300000 / 1000000 tickets"). */
  progress?: (line: string) => void;
  /** The moment the desk's dates lead up to (default: now). */
  now?: Date;
  /**
   * Also a 24×7 SLA policy and both clocks of every ticket, as they would have ended given its
   * timestamps (see `clocks` in chunkSql), with `sla_breached` to match: for statistics benchmarks.
   */
  sla?: boolean;
}

export interface SeedResult {
  tickets: number;
  comments: number;
  /** SLA clocks (with `sla`). */
  clocks: number;
  ms: number;
  /** The seeded groups by name, with their agents' e-mails: what a benchmark logs in as. */
  groups: { id: string; name: string; agentEmails: string[] }[];
}

export const SEED_GROUPS = [
  'Service Desk Paris', 'Service Desk Lyon', 'Workplace', 'Network', 'Identity & Access', 'Messaging',
  'Databases', 'ERP Support', 'Telephony', 'Security Operations', 'Storage & Backup', 'Virtualization',
  'Business Applications', 'Printing', 'Field Services North', 'Field Services South', 'HR Systems',
  'Finance Systems', 'Cloud Platform', 'Facilities IT',
];
const AGENTS_PER_GROUP = 4;
const ORGANIZATIONS = 50;
const REQUESTERS = 2000;
/** At most this many comments per ticket (about 2 on average). */
const MAX_COMMENTS = 4;

const ORG_WORDS = [
  ['Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Wingtip', 'Lucerne', 'Adatum', 'Litware', 'Proseware', 'Fourth Coffee'],
  ['Traders', 'Industries', 'Logistics', 'Health', 'Energy'],
];
const FIRST_NAMES = ['Alex', 'Camille', 'Jordan', 'Sam', 'Noa', 'Lou', 'Maxime', 'Robin', 'Charlie', 'Sacha', 'Inès', 'Léo', 'Emma', 'Hugo', 'Chloé', 'Liam', 'Zoé', 'Nathan', 'Manon', 'Lucas', 'Priya', 'Tom', 'Aiko', 'Omar', 'Sofia'];
const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'Smith', 'Jones', 'Brown', 'Nair', 'Chen', 'Walker', 'Khan', 'Rossi', 'Novak', 'Silva', 'Kim', 'Müller', 'Dupont', 'Girard', 'Fontaine', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Lambert', 'Bonnet', 'François', 'Mercier', 'Blanc', 'Guerin'];

const slug = (text: string) => text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Rows of reference data: deterministic, so a second seed finds (and reuses) the first one's. */
function referenceData() {
  const organizations = Array.from({ length: ORGANIZATIONS }, (_, index) => {
    const name = `${ORG_WORDS[0][index % 10]} ${ORG_WORDS[1][Math.floor(index / 10) % 5]}`;
    return { name, domain: `${slug(name)}.example` };
  });
  const agents = SEED_GROUPS.flatMap((group, groupIndex) =>
    Array.from({ length: AGENTS_PER_GROUP }, (_, member) => {
      const index = groupIndex * AGENTS_PER_GROUP + member;
      const name = `${FIRST_NAMES[index % FIRST_NAMES.length]} ${LAST_NAMES[(index * 7) % LAST_NAMES.length]}`;
      return { email: `agent${String(index + 1).padStart(3, '0')}@seed.deskgraph.local`, name, group };
    }),
  );
  const requesters = Array.from({ length: REQUESTERS }, (_, index) => {
    const organization = organizations[index % ORGANIZATIONS];
    const first = FIRST_NAMES[index % FIRST_NAMES.length];
    const last = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length];
    return {
      email: `${slug(first)}.${slug(last)}.${String(index + 1).padStart(4, '0')}@${organization.domain}`,
      name: `${first} ${last}`,
      organization: organization.name,
      locale: index % 3 === 0 ? 'en' : 'fr',
      asset: `SEED-LAP-${String(index + 1).padStart(4, '0')}`,
    };
  });
  return { organizations, agents, requesters };
}

/** Creates what tickets point at, unless it exists; returns the ids in generator order. */
async function ensureReferenceData(client: Client) {
  const { organizations, agents, requesters } = referenceData();
  const passwordHash = await hashPassword(SEED_PASSWORD);
  await client.query('begin');
  try {
    await client.query(
      `insert into organizations (id, created_at, updated_at, name, domain, share_tickets)
       select gen_random_uuid(), now() - interval '400 days', now() - interval '400 days', name, domain, ordinality % 3 = 0
         from unnest($1::text[], $2::text[]) with ordinality as o(name, domain, ordinality)
       on conflict do nothing`,
      [organizations.map((o) => o.name), organizations.map((o) => o.domain)],
    );
    await client.query(
      `insert into groups (id, created_at, updated_at, name, description, tier)
       select gen_random_uuid(), now() - interval '400 days', now() - interval '400 days', name, 'Seeded for benchmarks.', 1 + (ordinality::int % 3)
         from unnest($1::text[]) with ordinality as g(name, ordinality)
       on conflict do nothing`,
      [SEED_GROUPS],
    );
    await client.query(
      `insert into users (id, created_at, updated_at, email, name, role, timezone, locale, password_hash)
       select gen_random_uuid(), now() - interval '400 days', now() - interval '400 days', email, name, 'AGENT', 'Europe/Paris', 'en', $3
         from unnest($1::text[], $2::text[]) as a(email, name)
       on conflict do nothing`,
      [agents.map((a) => a.email), agents.map((a) => a.name), passwordHash],
    );
    await client.query(
      `insert into group_members (group_id, user_id, created_at)
       select g.id, u.id, now() - interval '400 days'
         from unnest($1::text[], $2::text[]) as a(email, group_name)
         join users u on u.email = a.email join groups g on g.name = a.group_name
       on conflict do nothing`,
      [agents.map((a) => a.email), agents.map((a) => a.group)],
    );
    await client.query(
      `insert into users (id, created_at, updated_at, email, name, role, timezone, locale, password_hash, organization_id)
       select gen_random_uuid(), now() - interval '400 days', now() - interval '400 days', r.email, r.name, 'REQUESTER', 'Europe/Paris', r.locale, $5, o.id
         from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as r(email, name, organization, locale)
         join organizations o on o.name = r.organization
       on conflict do nothing`,
      [requesters.map((r) => r.email), requesters.map((r) => r.name), requesters.map((r) => r.organization), requesters.map((r) => r.locale), passwordHash],
    );
    await client.query(
      `insert into assets (id, created_at, updated_at, tag, name, kind, status, owner_id, attributes)
       select gen_random_uuid(), now() - interval '400 days', now() - interval '400 days', r.tag, 'Laptop of ' || u.name, 'HARDWARE', 'IN_USE', u.id, '{}'::jsonb
         from unnest($1::text[], $2::text[]) as r(email, tag) join users u on u.email = r.email
       on conflict do nothing`,
      [requesters.map((r) => r.email), requesters.map((r) => r.asset)],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  const ids = async (sql: string, keys: string[]) => {
    const { rows } = await client.query<{ key: string; id: string; extra: string | null }>(sql, [keys]);
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return keys.map((key) => {
      const row = byKey.get(key);
      if (!row) throw new Error(`seed: ${key} is missing after creation`);
      return row;
    });
  };
  const groupRows = await ids(`select name as key, id, null as extra from groups where name = any($1)`, SEED_GROUPS);
  const agentRows = await ids(`select email as key, id, null as extra from users where email = any($1) and role in ('AGENT', 'ADMIN')`, agents.map((a) => a.email));
  const requesterRows = await ids(`select email as key, id, organization_id as extra from users where email = any($1)`, requesters.map((r) => r.email));
  const assetRows = await ids(`select tag as key, id, null as extra from assets where tag = any($1)`, requesters.map((r) => r.asset));
  return {
    groups: groupRows.map((row, index) => ({ id: row.id, name: SEED_GROUPS[index], agentEmails: agents.filter((a) => a.group === SEED_GROUPS[index]).map((a) => a.email) })),
    agentIds: agentRows.map((row) => row.id),
    requesterIds: requesterRows.map((row) => row.id),
    requesterOrganizationIds: requesterRows.map((row) => row.extra),
    assetIds: assetRows.map((row) => row.id),
  };
}

/** The texts tickets are made of, with their search vectors computed once each (see the migration's ticket_text_vector). */
async function prepareTexts(client: Client): Promise<{ titles: number; comments: number; commentVectors: string }> {
  const scenarios: Scenario[] = [...REQUEST_SCENARIOS, ...MONITORING_SCENARIOS, ...PROBLEM_SCENARIOS, ...CHANGE_SCENARIOS];
  // One row per (scenario, title): type, category and tags follow the scenario.
  const titles = scenarios.flatMap((scenario) => scenario.titles.map((title) => ({ scenario, title })));
  const comments = (['fr', 'en'] as const).flatMap((language) => {
    const words = PHRASES[language];
    return [...words.acknowledge, ...words.question, ...words.requesterAnswer, ...words.internal, ...words.beforeResolve, ...words.thanks];
  });
  await client.query(`drop table if exists seed_titles; drop table if exists seed_comments`);
  await client.query(
    `create temp table seed_titles as
     select ordinality::int as idx, type::ticket_type, title, description, category, tags::text[], resolution,
            ticket_text_vector(title, 'A') || ticket_text_vector(description, 'B') as vector
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) with ordinality as t(type, title, description, category, tags, resolution)`,
    [
      titles.map((t) => t.scenario.type),
      titles.map((t) => t.title),
      titles.map((t) => t.scenario.description),
      titles.map((t) => t.scenario.category),
      titles.map((t) => `{${t.scenario.tags.map((tag) => `"${tag}"`).join(',')}}`),
      titles.map((t) => t.scenario.resolution),
    ],
  );
  await client.query(
    `create temp table seed_comments as
     select ordinality::int as idx, body, ticket_text_vector(body, 'B') as vector from unnest($1::text[]) with ordinality as c(body)`,
    [comments],
  );
  const { rows } = await client.query<{ vectors: string }>(`select array_agg(vector order by idx)::text as vectors from seed_comments`);
  return { titles: titles.length, comments: comments.length, commentVectors: rows[0].vectors };
}


/**
 * A uniform number in [0, 1) for ticket `i` and purpose `k`: a pure function of both, so chunks and
 * statements agree on every attribute of a ticket.
 */
const uniform = (k: number | string) => `((hashint8(s.i * 64 + ${k}) & 2147483647)::float8 / 2147483648)`;
/** Whether comment `k` (1-based) of ticket `s.i` is an internal note: a quarter of the desk's (even) comments. */
const commentInternal = (k: number | string) => `((${k}) % 2 = 0 and s.status <> 'NEW' and (hashint8(s.i * 64 + 32 + ${k}) & 3) = 0)`;
/** The text of comment `k` of ticket `s.i`: an index into seed_comments (of `texts` rows). */
const commentText = (k: number | string, texts: number) => `(1 + (hashint8(s.i * 64 + 48 + ${k}) & 2147483647) % ${texts})`;

/**
 * One chunk: tickets [$1, $2] (global indexes), their comments, their "created" history entry and a
 * few asset links, in one statement (the foreign keys are checked at its end, when all are in).
 * $3…$7: the ids of groups, agents (group by group), requesters, their organizations and their
 * assets; $8: now; $9: the vectors of seed_comments, in order; $10: the SLA policy's id (null: no
 * clocks), $11: its targets (SEED_SLA_TARGETS as JSON).
 */
function chunkSql(texts: { titles: number; comments: number }): string {
  const publicVectors = Array.from(
    { length: MAX_COMMENTS },
    (_, index) =>
      `case when s.comment_count >= ${index + 1} and not ${commentInternal(index + 1)} then ($9::tsvector[])[${commentText(index + 1, texts.comments)}] else ''::tsvector end`,
  ).join('\n           || ');
  return `
with s0 as (
  select s.i,
         md5('deskgraph-seed-ticket:' || s.i)::uuid as id,
         -- A year of tickets, denser lately.
         365 * power(${uniform(0)}, 1.3) as age_days,
         ${uniform(1)} as u_open, ${uniform(2)} as u_status, ${uniform(3)} as u_title, ${uniform(4)} as u_impact,
         ${uniform(5)} as u_urgency, ${uniform(6)} as u_group, ${uniform(7)} as u_requester, ${uniform(8)} as u_assignee,
         ${uniform(9)} as u_channel, ${uniform(10)} as u_comments, ${uniform(11)} as u_rating, ${uniform(12)} as u_asset,
         ${uniform(13)} as u_worked, ${uniform(14)} as u_creator
    from generate_series($1::bigint, $2::bigint) as s(i)
),
s1 as (
  select s.*,
         $8::timestamptz - make_interval(secs => s.age_days * 86400) as created_at,
         -- About 30% of the desk is still open, most of it recent.
         case when s.u_open < 0.27 + 0.6 * exp(-s.age_days / 20)
              then (array['NEW', 'OPEN', 'OPEN', 'PENDING', 'ON_HOLD'])[1 + floor(s.u_status * 5)::int]
              else (array['RESOLVED', 'CLOSED', 'CLOSED', 'CLOSED', 'CLOSED', 'CLOSED', 'CANCELLED'])[1 + floor(s.u_status * 7)::int]
         end::ticket_status as status,
         (array['HIGH', 'MEDIUM', 'MEDIUM', 'LOW', 'LOW'])[1 + floor(s.u_impact * 5)::int]::ticket_impact as impact,
         (array['HIGH', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'LOW'])[1 + floor(s.u_urgency * 5)::int]::ticket_urgency as urgency,
         -- First-line groups get more of the work.
         1 + floor(${SEED_GROUPS.length} * power(s.u_group, 1.4))::int as group_idx,
         1 + floor(${REQUESTERS} * power(s.u_requester, 1.2))::int as requester_idx,
         1 + floor(s.u_title * ${texts.titles})::int as title_idx,
         (array['PORTAL', 'PORTAL', 'PORTAL', 'EMAIL', 'EMAIL', 'PHONE', 'CHAT', 'API', 'MONITORING'])[1 + floor(s.u_channel * 9)::int]::ticket_channel as channel,
         -- How long it has been worked on, within its age.
         least(s.age_days, 0.02 + 6 * power(s.u_worked, 3)) as worked_days
    from s0 as s
),
t as materialized (
  select s.i, s.id, s.created_at, s.status, s.impact, s.urgency, s.channel, s.title_idx, s.requester_idx, s.u_rating, s.u_asset, s.u_creator,
         s.created_at + make_interval(secs => s.worked_days * 86400) as updated_at, s.worked_days,
         case when s.status <> 'NEW' then s.created_at + make_interval(secs => s.worked_days * 8640) end as first_responded_at,
         case when s.status in ('RESOLVED', 'CLOSED') then s.created_at + make_interval(secs => s.worked_days * 69120) end as resolved_at,
         case when s.status in ('CLOSED', 'CANCELLED') then s.created_at + make_interval(secs => s.worked_days * 86400) end as closed_at,
         case when s.impact = 'HIGH' and s.urgency = 'HIGH' then 'P1'
              when (s.impact = 'HIGH' and s.urgency = 'MEDIUM') or (s.impact = 'MEDIUM' and s.urgency = 'HIGH') then 'P2'
              when (s.impact = 'HIGH' and s.urgency = 'LOW') or (s.impact = 'MEDIUM' and s.urgency = 'MEDIUM') or (s.impact = 'LOW' and s.urgency = 'HIGH') then 'P3'
              else 'P4' end::ticket_priority as priority,
         ($3::uuid[])[s.group_idx] as group_id,
         case when s.status = 'NEW' then null else ($4::uuid[])[(s.group_idx - 1) * ${AGENTS_PER_GROUP} + 1 + floor(s.u_assignee * ${AGENTS_PER_GROUP})::int] end as assignee_id,
         ($5::uuid[])[s.requester_idx] as requester_id,
         ($6::uuid[])[s.requester_idx] as organization_id,
         case when s.status = 'NEW' then floor(s.u_comments * 2)::int else floor(s.u_comments * ${MAX_COMMENTS + 1})::int end as comment_count
    from s1 as s
),
-- Both SLA clocks of each ticket as they ended: MET when the reply (resolution) came within the
-- target, BREACHED when it came later, or has not come and the target passed before now (or the
-- ticket's closing), RUNNING otherwise (no timer: next_fire_at stays null). None without $10.
clocks as materialized (
  select c.*, case when c.ended_at is not null then (case when c.ended_at <= c.due_at then 'MET' else 'BREACHED' end)
                   when c.until > c.due_at then 'BREACHED' else 'RUNNING' end::sla_clock_status as status
    from (select s.id as ticket_id, m.metric, m.target, s.created_at, s.created_at + make_interval(secs => m.target) as due_at,
                 case m.metric when 'FIRST_RESPONSE' then s.first_responded_at else s.resolved_at end as ended_at,
                 coalesce(s.closed_at, $8::timestamptz) as until
            from t as s
            join jsonb_to_recordset($11::jsonb) as r(priority ticket_priority, "firstResponseSeconds" int, "resolutionSeconds" int) on r.priority = s.priority
           cross join lateral (values ('FIRST_RESPONSE'::sla_metric, r."firstResponseSeconds"), ('RESOLUTION'::sla_metric, r."resolutionSeconds")) as m(metric, target)
           where $10::uuid is not null) as c
),
new_clocks as (
  insert into ticket_sla_clocks (ticket_id, metric, policy_id, target_seconds, elapsed_millis, running_since, status, due_at, breached_at, met_at)
  select c.ticket_id, c.metric, $10::uuid, c.target, (extract(epoch from least(coalesce(c.ended_at, c.until), c.until) - c.created_at) * 1000)::bigint,
         case when c.status = 'RUNNING' then c.created_at end, c.status, c.due_at, case when c.status = 'BREACHED' then c.due_at end, c.ended_at
    from clocks c
  returning 1
),
new_tickets as (
  insert into tickets (id, created_at, updated_at, version, type, title, description, status, impact, urgency, priority, channel,
                       category, tags, requester_id, assignee_id, group_id, organization_id, created_by_id,
                       first_responded_at, resolved_at, closed_at, resolution, reopened_count, rating, rated_at, sla_breached, search_vector)
  select s.id, s.created_at, s.updated_at, 1, st.type, st.title, st.description, s.status, s.impact, s.urgency, s.priority, s.channel,
         st.category, st.tags, s.requester_id, s.assignee_id, s.group_id, s.organization_id,
         -- Calls and e-mails are often logged by the agent.
         case when s.channel in ('EMAIL', 'PHONE') and s.assignee_id is not null and s.u_creator < 0.5 then s.assignee_id else s.requester_id end,
         s.first_responded_at, s.resolved_at, s.closed_at,
         case when s.status in ('RESOLVED', 'CLOSED') then st.resolution end,
         0,
         case when s.status in ('RESOLVED', 'CLOSED') and s.u_rating < 0.3 then 1 + floor(sqrt(s.u_rating / 0.3) * 5)::int end,
         case when s.status in ('RESOLVED', 'CLOSED') and s.u_rating < 0.3 then s.updated_at end,
         breached.ticket_id is not null,
         -- The triggers' vector: title and description, then each public comment in turn.
         st.vector
           || ${publicVectors}
    from t as s join seed_titles st on st.idx = s.title_idx
    left join (select ticket_id from clocks where status = 'BREACHED' group by ticket_id) as breached on breached.ticket_id = s.id
  returning 1
),
new_comments as (
  insert into ticket_comments (id, ticket_id, author_id, body, internal, created_at)
  select md5('deskgraph-seed-comment:' || s.i || ':' || k)::uuid, s.id,
         -- Odd comments are the requester's, even ones the assignee's.
         case when k % 2 = 0 and s.assignee_id is not null then s.assignee_id else s.requester_id end,
         sc.body, ${commentInternal('k')},
         s.created_at + make_interval(secs => s.worked_days * 86400 * k / (s.comment_count + 1))
    from t as s cross join generate_series(1, s.comment_count) as k
    join seed_comments sc on sc.idx = ${commentText('k', texts.comments)}
  returning 1
),
new_history as (
  insert into ticket_history (ticket_id, actor_id, at, field, from_value, to_value, internal)
  select s.id, s.requester_id, s.created_at, 'created', null, jsonb_build_object('type', st.type, 'status', 'NEW'), false
    from t as s join seed_titles st on st.idx = s.title_idx
  returning 1
),
new_assets as (
  insert into ticket_assets (ticket_id, asset_id)
  select s.id, ($7::uuid[])[s.requester_idx] from t as s join seed_titles st on st.idx = s.title_idx
   where s.u_asset < 0.08 and st.type in ('INCIDENT', 'SERVICE_REQUEST')
  returning 1
)
select (select count(*) from new_tickets)::int as tickets, (select count(*) from new_comments)::int as comments,
       (select count(*) from new_clocks)::int as clocks`;
}

/** First response and resolution targets of the seeded 24×7 policy (`sla`), in seconds, by priority. */
const SEED_SLA_TARGETS = [
  { priority: 'P1', firstResponseSeconds: 3600, resolutionSeconds: 4 * 3600 },
  { priority: 'P2', firstResponseSeconds: 2 * 3600, resolutionSeconds: 8 * 3600 },
  { priority: 'P3', firstResponseSeconds: 4 * 3600, resolutionSeconds: 24 * 3600 },
  { priority: 'P4', firstResponseSeconds: 8 * 3600, resolutionSeconds: 72 * 3600 },
];

/** The seeded SLA policy's id, created unless it exists (last by position, so a real policy comes first). */
async function ensureSeedPolicy(client: Client): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `insert into sla_policies (id, created_at, updated_at, name, position, applies_to, targets, pause_statuses)
     values (gen_random_uuid(), now(), now(), 'Seeded 24x7', 1000, '{}', $1, '{PENDING}')
     on conflict (name) do update set updated_at = excluded.updated_at returning id`,
    [JSON.stringify(SEED_SLA_TARGETS)],
  );
  return rows[0].id;
}

/** Triggers that keep tickets.search_vector; the seed computes the same vectors itself. */
const SEARCH_TRIGGERS = [
  ['tickets', 'tickets_search_vector'],
  ['ticket_comments', 'ticket_comments_search_vector'],
] as const;

/**
 * Adds `options.tickets` tickets to the database at `databaseUrl` (migrated), after the ones it has.
 * Each chunk is one transaction, with the search-vector triggers disabled inside it (ALTER TABLE:
 * the chunk holds an exclusive lock on tickets and ticket_comments until it commits).
 */
export async function seedTickets(databaseUrl: string, options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const chunkSize = options.chunkSize ?? 100_000;
  const progress = options.progress ?? (() => undefined);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const reference = await ensureReferenceData(client);
    const policyId = options.sla ? await ensureSeedPolicy(client) : null;
    const texts = await prepareTexts(client);
    // Ticket indexes continue after the tickets already there (ids are derived from them).
    const { rows } = await client.query<{ count: string }>(`select count(*) as count from tickets`);
    const offset = Number(rows[0].count);
    progress(`seeding ${options.tickets} tickets (the database has ${offset}), ${chunkSize} per chunk`);
    const sql = chunkSql(texts);
    let tickets = 0;
    let comments = 0;
    let clocks = 0;
    for (let from = offset + 1; from <= offset + options.tickets; from += chunkSize) {
      const to = Math.min(from + chunkSize - 1, offset + options.tickets);
      await client.query('begin');
      try {
        for (const [table, trigger] of SEARCH_TRIGGERS) await client.query(`alter table ${table} disable trigger ${trigger}`);
        const result = await client.query<{ tickets: number; comments: number; clocks: number }>(sql, [
          from,
          to,
          reference.groups.map((group) => group.id),
          reference.agentIds,
          reference.requesterIds,
          reference.requesterOrganizationIds,
          reference.assetIds,
          options.now ?? new Date(),
          texts.commentVectors,
          policyId,
          JSON.stringify(SEED_SLA_TARGETS),
        ]);
        for (const [table, trigger] of SEARCH_TRIGGERS) await client.query(`alter table ${table} enable trigger ${trigger}`);
        await client.query('commit');
        tickets += result.rows[0].tickets;
        comments += result.rows[0].comments;
        clocks += result.rows[0].clocks;
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
      progress(`  ${String(tickets).padStart(String(options.tickets).length)} / ${options.tickets} tickets, ${comments} comments (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    progress('analyzing');
    await client.query('analyze tickets, ticket_comments, ticket_history, ticket_assets, ticket_sla_clocks, users, groups, group_members, organizations, assets');
    return {
      tickets,
      comments,
      clocks,
      ms: Date.now() - started,
      groups: reference.groups,
    };
  } finally {
    await client.end();
  }
}

