/**
 * Knowledge search under load: `searchArticles` (a page of 10 with rank, snippet and a few fields
 * of each article) served by the real server through GraphQL to an anonymous caller (the
 * self-service portal), beside the baseline measured in the same run: the very same SQL statement
 * (built by src/modules/knowledge/knowledge.search.ts, as the service builds it) run directly over
 * node:http + pg, answering the same JSON. Both are driven by the same load generator (autocannon,
 * in a worker thread) with the same connections, query by query, after checking that their answers
 * agree.
 *
 * Data: BENCH_ARTICLES (default 100,000) articles, half in English and half in French, loaded by
 * set-based SQL (generate_series over word lists: titles and bodies of a service desk's knowledge
 * base; 85 % published, 75 % public) into an embedded PostgreSQL in a temporary DATA_DIR, or into
 * BENCH_DATABASE_URL (an empty database, or one loaded before: articles are only added up to the
 * count).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client as PgClient, Pool } from 'pg';
import { toGlobalId } from '../src/graphql/global-id';
import { LANGUAGE_CODES } from '../src/modules/knowledge/knowledge.enums';
import { knowledgePolicy } from '../src/modules/knowledge/knowledge.policy';
import { articleFromRow, searchPageSql } from '../src/modules/knowledge/knowledge.search';
import { searchCursor } from '../src/modules/knowledge/knowledge.service';
import type { RunningServer } from '../src/server/app';
import { positiveInteger, serveJson, table, UsageError, withBenchDatabase } from './lib';

export const description =
  'searchArticles (page of 10 with rank and snippet, anonymous) through GraphQL vs. the same SQL over node:http + pg, with 100k EN/FR articles; req/s, p50/p99 per query';

const PAGE = 10;

/** What a search box asks: common words, both languages, several words, and a typo. */
const QUERIES = ['reset password', 'imprimante réseau', 'vpn connection from home', 'pasword', 'mot de passe oublié'];

export const OPERATION = `query SearchArticles($query: String!, $first: Int) {
  searchArticles(query: $query, first: $first) {
    pageInfo { hasNextPage endCursor }
    edges { cursor rank snippet node { id title language category helpfulCount } }
  }
}`;

// ---------------------------------------------------------------------------------------------
// The data: word lists of a service desk's knowledge base, in English and French.

const EN = {
  objects: [
    'password', 'VPN client', 'printer', 'laptop', 'e-mail account', 'Outlook calendar', 'Teams meeting', 'Wi-Fi network',
    'badge reader', 'shared drive', 'SharePoint site', 'mobile phone', 'second monitor', 'docking station', 'software licence',
    'backup', 'antivirus', 'web browser', 'keyboard', 'headset', 'webcam', 'scanner', 'firewall rule', 'certificate',
    'database access', 'remote desktop', 'mailbox quota', 'distribution list', 'MFA token', 'single sign-on',
    'expense report', 'payroll portal', 'timesheet', 'CRM account', 'ERP module', 'Jira project', 'Git repository',
    'build server', 'test environment', 'virtual machine', 'cloud subscription', 'storage quota', 'desk phone', 'voicemail',
    'meeting room display', 'projector', 'label printer', 'barcode scanner', 'payment terminal', 'smart card', 'encryption key',
    'password manager', 'intranet page', 'wiki space', 'HR portal', 'travel booking tool', 'purchase order', 'invoice workflow',
    'parking permit', 'guest Wi-Fi',
  ],
  titles: [
    'How to reset your {o}', 'Configure the {o}', 'Troubleshoot a slow {o}', '{O} not working after an update',
    'Request access to the {o}', 'Install the {o} on Windows', 'Replace a broken {o}', 'Connect to the {o} from home',
    '{O}: error when signing in', 'Set up a new {o}', 'Why is my {o} locked?', 'Move your {o} to a new computer',
    'Share your {o} with a colleague', 'Renew the {o} before it expires', '{O} keeps disconnecting', 'Recover a deleted {o}',
    'Order a {o} for a new hire', 'Known limits of the {o}', 'Update the {o} on a Mac', 'Remove an old {o}',
  ],
  sentences: [
    'Open the self-service portal and search for {o}.', 'If the {o} still fails, restart your computer and try again.',
    'Write down the exact error message before you call the service desk.', 'Your {o} must be up to date before you connect.',
    'The {o} is managed by the {t} team.', 'Check that the cable of the {o} is plugged in.',
    'Sign out, then sign in again with your corporate account.', 'This procedure takes about {n} minutes.',
    'Ask your manager to approve the request for the {o}.', 'Do not share your {o} with anyone.',
    'From home, connect to the VPN first.', 'The reset link is valid for one hour.',
    'If nothing helps, open an incident and attach a screenshot.', 'Settings are kept when the {o} is replaced.',
    'Updates are installed every Tuesday night.', 'Select Settings, then Devices, then choose the {o}.',
    'If you forgot your password, use the reset link on the sign-in page.', 'Your {o} works again within a few minutes.',
    'Visitors get the {o} at the reception of {p}.', 'Spare units are kept in the storeroom of {p}.',
    'The {t} team answers requests about the {o} within one business day.', 'Error {e} means that the {o} cannot reach its server.',
    'Close every application before you start.', 'Keep the charger connected during the whole operation.',
    'The licence is renewed automatically each January.', 'Screenshots help the analyst understand the problem faster.',
    'Your data stays on the network drive, not on the laptop.', 'Administrators receive an alert when the quota is nearly full.',
    'The wizard asks for your employee number.', 'Duplex printing is the default to save paper.',
    'Audio issues are often caused by the wrong output device.', 'Clear the browser cache and cookies, then reload the page.',
    'The certificate chain must include the intermediate authority.', 'Travel requests above the limit need a second approval.',
    'Invoices are matched against the purchase order automatically.', 'Branches are protected: merge through a pull request.',
    'Snapshots of virtual machines are deleted after seven days.', 'Voicemail messages are also sent to your mailbox.',
    'Badges are deactivated after ninety days without use.', 'The kiosk in {p} prints temporary passes.',
  ],
  teams: ['workplace', 'network', 'identity', 'messaging', 'security', 'finance systems', 'developer tools', 'facilities'],
  places: ['building A', 'building B', 'the Lyon office', 'the Paris headquarters', 'the warehouse', 'the Brussels branch', 'the data centre'],
};

const FR = {
  objects: [
    'mot de passe', 'client VPN', 'imprimante', 'ordinateur portable', 'compte de messagerie', 'calendrier Outlook',
    'réunion Teams', 'réseau Wi-Fi', 'lecteur de badge', 'lecteur réseau partagé', 'site SharePoint', 'téléphone mobile',
    'second écran', 'station d’accueil', 'licence logicielle', 'sauvegarde', 'antivirus', 'navigateur', 'clavier', 'casque',
    'webcam', 'scanner', 'règle de pare-feu', 'certificat', 'accès à la base de données', 'bureau à distance',
    'quota de boîte aux lettres', 'liste de diffusion', 'jeton MFA', 'authentification unique',
    'note de frais', 'portail de paie', 'feuille de temps', 'compte CRM', 'module ERP', 'projet Jira', 'dépôt Git',
    'serveur de compilation', 'environnement de test', 'machine virtuelle', 'abonnement cloud', 'quota de stockage',
    'téléphone fixe', 'messagerie vocale', 'écran de salle de réunion', 'vidéoprojecteur', 'imprimante d’étiquettes',
    'lecteur de codes-barres', 'terminal de paiement', 'carte à puce', 'clé de chiffrement', 'gestionnaire de mots de passe',
    'page intranet', 'espace wiki', 'portail RH', 'outil de réservation de voyages', 'bon de commande',
    'circuit de validation des factures', 'badge de parking', 'Wi-Fi invités',
  ],
  titles: [
    'Comment réinitialiser votre {o}', 'Configurer le {o}', 'Dépanner un {o} lent', '{O} ne fonctionne plus après une mise à jour',
    'Demander l’accès au {o}', 'Installer le {o} sous Windows', 'Remplacer un {o} défectueux', 'Se connecter au {o} depuis chez soi',
    '{O} : erreur à la connexion', 'Mettre en service un nouveau {o}', 'Pourquoi mon {o} est-il bloqué ?', 'Migrer votre {o} vers un nouvel ordinateur',
    'Partager votre {o} avec un collègue', 'Renouveler le {o} avant son expiration', 'Le {o} se déconnecte sans cesse', 'Récupérer un {o} supprimé',
    'Commander un {o} pour un nouvel arrivant', 'Limites connues du {o}', 'Mettre à jour le {o} sur Mac', 'Retirer un ancien {o}',
  ],
  sentences: [
    'Ouvrez le portail libre-service et recherchez {o}.', 'Si le {o} ne fonctionne toujours pas, redémarrez votre ordinateur.',
    'Notez le message d’erreur exact avant d’appeler le centre de services.', 'Votre {o} doit être à jour avant la connexion.',
    'Le {o} est géré par l’équipe {t}.', 'Vérifiez que le câble du {o} est bien branché.',
    'Déconnectez-vous, puis reconnectez-vous avec votre compte d’entreprise.', 'Cette procédure prend environ {n} minutes.',
    'Demandez à votre responsable d’approuver la demande de {o}.', 'Ne partagez jamais votre {o}.',
    'Depuis chez vous, connectez-vous d’abord au VPN.', 'Le lien de réinitialisation est valable une heure.',
    'Si rien ne marche, ouvrez un incident avec une capture d’écran.', 'Les réglages sont conservés quand le {o} est remplacé.',
    'Les mises à jour sont installées chaque mardi soir.', 'Choisissez Paramètres, puis Périphériques, puis le {o}.',
    'En cas de mot de passe oublié, utilisez le lien de la page de connexion.', 'Votre {o} refonctionne en quelques minutes.',
    'Les visiteurs reçoivent le {o} à l’accueil de {p}.', 'Des unités de rechange sont stockées dans la réserve de {p}.',
    'L’équipe {t} traite les demandes sur le {o} en un jour ouvré.', 'L’erreur {e} signifie que le {o} ne joint pas son serveur.',
    'Fermez toutes les applications avant de commencer.', 'Laissez le chargeur branché pendant toute l’opération.',
    'La licence est renouvelée automatiquement chaque janvier.', 'Les captures d’écran aident l’analyste à comprendre le problème.',
    'Vos données restent sur le lecteur réseau, pas sur le portable.', 'Les administrateurs sont alertés quand le quota est presque atteint.',
    'L’assistant demande votre matricule.', 'L’impression recto verso est activée par défaut pour économiser le papier.',
    'Les problèmes de son viennent souvent du mauvais périphérique de sortie.', 'Videz le cache et les cookies du navigateur, puis rechargez la page.',
    'La chaîne de certificats doit inclure l’autorité intermédiaire.', 'Les déplacements au-delà du plafond demandent une seconde validation.',
    'Les factures sont rapprochées automatiquement du bon de commande.', 'Les branches sont protégées : fusionnez par une demande de fusion.',
    'Les instantanés des machines virtuelles sont supprimés après sept jours.', 'Les messages vocaux sont aussi envoyés dans votre boîte.',
    'Les badges sont désactivés après quatre-vingt-dix jours sans usage.', 'La borne de {p} imprime des laissez-passer temporaires.',
  ],
  teams: ['poste de travail', 'réseau', 'identités', 'messagerie', 'sécurité', 'applications financières', 'outils de développement', 'services généraux'],
  places: ['bâtiment A', 'bâtiment B', 'l’agence de Lyon', 'le siège de Paris', 'l’entrepôt', 'l’agence de Bruxelles', 'le centre de données'],
};

const CATEGORIES = ['accounts', 'hardware', 'network', 'messaging', 'software', 'security', 'printing', 'telephony'];

/** hashint8 of (article, salt) as an index of an array, from 1: deterministic, whatever the chunks. */
const pick = (salt: number, n: string) => `(abs(hashint8(g::bigint * 1000 + ${salt})) % ${n})::int + 1`;
/** The same for the s-th sentence of article g and array parameter `array`. */
const slot = (salt: number, array: string) => `(abs(hashint8(g::bigint * 1000 + ${salt} + s)) % array_length(${array}::text[], 1))::int + 1`;

/**
 * One INSERT … SELECT over generate_series for articles $9+1 … $10: every attribute a function of
 * the index g. $1..$6: the English and French objects, titles and sentences; $7: categories; $8:
 * the author; $11..$14: English and French teams and places. Odd g are French. Title: a template
 * with an object; body: 6 to 12 sentences, whose slots take an object, a team, a place, a number
 * or an error code.
 */
const INSERT_ARTICLES = `
insert into articles (id, created_at, updated_at, version, title, body, status, visibility, language, category, tags, author_id, published_at, published_by_id)
select gen_random_uuid(), base.created, base.created, 1, named.title, written.body,
       (case when g % 20 < 17 then 'PUBLISHED' when g % 20 = 17 then 'DRAFT' when g % 20 = 18 then 'IN_REVIEW' else 'ARCHIVED' end)::article_status,
       (case when g % 4 = 3 then 'INTERNAL' else 'PUBLIC' end)::article_visibility,
       base.language, base.category, array[lower(split_part(chosen.object, ' ', 1))], $8::uuid,
       case when g % 20 < 17 or g % 20 = 19 then base.created + interval '1 day' end,
       case when g % 20 < 17 or g % 20 = 19 then $8::uuid end
  from generate_series($9::int + 1, $10::int) g
  cross join lateral (select case when g % 2 = 1 then 'fr' else 'en' end as language,
                             now() - make_interval(mins => (g % 500000)::int) as created,
                             ($7::text[])[${pick(1, 'array_length($7::text[], 1)')}] as category) base
  cross join lateral (select case when base.language = 'fr' then ($4::text[])[${pick(2, 'array_length($4::text[], 1)')}]
                                  else ($1::text[])[${pick(2, 'array_length($1::text[], 1)')}] end as object,
                             case when base.language = 'fr' then ($5::text[])[${pick(3, 'array_length($5::text[], 1)')}]
                                  else ($2::text[])[${pick(3, 'array_length($2::text[], 1)')}] end as template) chosen
  cross join lateral (select replace(replace(chosen.template, '{o}', chosen.object), '{O}', upper(left(chosen.object, 1)) || substr(chosen.object, 2)) as title) named
  cross join lateral (
    select string_agg(
             replace(replace(replace(replace(replace(sentence,
               '{o}', case when base.language = 'fr' then ($4::text[])[${slot(100, '$4')}] else ($1::text[])[${slot(100, '$1')}] end),
               '{t}', case when base.language = 'fr' then ($12::text[])[${slot(200, '$12')}] else ($11::text[])[${slot(200, '$11')}] end),
               '{p}', case when base.language = 'fr' then ($14::text[])[${slot(300, '$14')}] else ($13::text[])[${slot(300, '$13')}] end),
               '{n}', ((abs(hashint8(g::bigint * 1000 + 400 + s)) % 55) + 5)::text),
               '{e}', 'E' || ((abs(hashint8(g::bigint * 1000 + 500 + s)) % 9000) + 1000)::text),
             ' ' order by s) as body
      from generate_series(1, 6 + (g % 7)::int) s
      cross join lateral (select case when base.language = 'fr' then ($6::text[])[${slot(10, '$6')}] else ($3::text[])[${slot(10, '$3')}] end as sentence) chosen_sentence
  ) written`;

const AUTHOR_EMAIL = 'knowledge-bench@deskgraph.local';

/** Adds articles up to `count` (with their first version), in chunks; returns how many it added. */
export async function loadArticles(databaseUrl: string, count: number, progress: (line: string) => void): Promise<{ added: number; ms: number }> {
  const started = Date.now();
  const client = new PgClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into users (id, created_at, updated_at, email, name, role) values (gen_random_uuid(), now(), now(), $1, 'Knowledge Bench', 'AGENT') on conflict do nothing`,
      [AUTHOR_EMAIL],
    );
    const { rows: [author] } = await client.query<{ id: string }>('select id from users where email = $1', [AUTHOR_EMAIL]);
    const existing = Number((await client.query<{ n: string }>('select count(*) as n from articles')).rows[0].n);
    const chunk = 20_000;
    for (let from = existing; from < count; from += chunk) {
      const to = Math.min(count, from + chunk);
      await client.query('begin');
      await client.query(INSERT_ARTICLES, [
        EN.objects, EN.titles, EN.sentences, FR.objects, FR.titles, FR.sentences, CATEGORIES, author.id, from, to, EN.teams, FR.teams, EN.places, FR.places,
      ]);
      await client.query(
        `insert into article_versions (id, article_id, version, title, body, language, visibility, category, tags, editor_id, created_at)
         select gen_random_uuid(), a.id, 1, a.title, a.body, a.language, a.visibility, a.category, a.tags, a.author_id, a.created_at
           from articles a where not exists (select 1 from article_versions v where v.article_id = a.id)`,
      );
      await client.query('commit');
      progress(`  … ${to.toLocaleString('en')} / ${count.toLocaleString('en')} articles`);
    }
    await client.query('analyze articles');
    await client.query('analyze article_words');
    return { added: Math.max(0, count - existing), ms: Date.now() - started };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The baseline: the service's SQL statement, run by pg, shaped into the same JSON.

/** `?` placeholders (knex's, as the server sends them) to pg's `$n`. The statements have no other `?`. */
function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${(index += 1)}`);
}

export async function startBaseline(
  databaseUrl: string,
  server: RunningServer,
  poolSize: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  const em = server.orm.em.fork();
  const languages = [...LANGUAGE_CODES];
  const scope = knowledgePolicy.sqlScope('public', 'a', 'search');
  const answer = async (body: string): Promise<string> => {
    const { variables } = JSON.parse(body) as { variables: { query: string; first: number } };
    const query = variables.query.trim();
    const statement = searchPageSql(em, { query, languages, scope }, { after: null, size: variables.first });
    const { rows } = await pool.query(numbered(statement.sql), statement.params);
    const page = rows.slice(0, variables.first).map((row: Record<string, unknown>) => {
      const article = articleFromRow(row);
      const rank = Number(row.rank);
      return {
        cursor: searchCursor(query, languages, undefined, rank, article.id),
        rank,
        snippet: row.snippet,
        node: { id: toGlobalId('Article', article.id), title: article.title, language: article.language, category: article.category, helpfulCount: article.helpfulCount },
      };
    });
    return JSON.stringify({
      data: { searchArticles: { pageInfo: { hasNextPage: rows.length > variables.first, endCursor: page[page.length - 1]?.cursor ?? null }, edges: page } },
    });
  };
  const baseline = await serveJson('/search', answer);
  return {
    url: baseline.url,
    close: async () => {
      await baseline.close();
      await pool.end();
    },
  };
}

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, text: await response.text() };
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
}

/** autocannon against `url` for `seconds`, every response checked against `expected`. */
async function load(url: string, body: string, expected: string, connections: number, seconds: number): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
    expectBody: expected,
    workers: 1,
  });
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result['2xx'],
    bad: result.non2xx + result.errors + result.timeouts + result.mismatches,
  };
}

export async function run(args: string[]): Promise<void> {
  if (args.length) {
    throw new UsageError(`knowledge takes no arguments (BENCH_ARTICLES, BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_DATABASE_URL), got ${args.join(' ')}`);
  }
  const articles = positiveInteger('BENCH_ARTICLES', 100_000);
  const seconds = positiveInteger('BENCH_SECONDS', 10);
  const warmUp = positiveInteger('BENCH_WARMUP_SECONDS', 3);
  const rounds = positiveInteger('BENCH_ROUNDS', 2);
  const connections = positiveInteger('BENCH_CONNECTIONS', 16);
  const poolSize = 10;

  return withBenchDatabase('knowledge', async ({ databaseUrl, say, hold, startServer }) => {
    say(`knowledge: loading up to ${articles.toLocaleString('en')} articles...`);
    const loaded = await loadArticles(databaseUrl, articles, say);
    const stats = await (async () => {
      const client = new PgClient({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ total: number; visible: number; words: number; size: string }>(
          `select (select count(*) from articles)::int as total,
                  (select count(*) from articles where status = 'PUBLISHED' and visibility = 'PUBLIC')::int as visible,
                  (select count(*) from article_words)::int as words,
                  pg_size_pretty(pg_total_relation_size('articles')) as size`,
        );
        return rows[0];
      } finally {
        await client.end();
      }
    })();

    const server = await startServer({ JWT_SECRET: 'knowledge-benchmark-secret-0123456789abcdef', DATABASE_POOL_SIZE: String(poolSize) });
    const baseline = hold(await startBaseline(databaseUrl, server, poolSize), (plain) => plain.close());

    // Same answers from both, for every query.
    const cases: { query: string; body: string; graphql: string; plain: string }[] = [];
    for (const query of QUERIES) {
      const body = JSON.stringify({ query: OPERATION, variables: { query, first: PAGE } });
      const graphql = await post(server.url, body);
      const plain = await post(baseline.url, body);
      const parsed = JSON.parse(graphql.text) as { errors?: unknown; data?: { searchArticles: { edges: unknown[] } } };
      if (graphql.status !== 200 || parsed.errors) throw new Error(`GraphQL answered ${graphql.status}: ${graphql.text.slice(0, 500)}`);
      if (parsed.data!.searchArticles.edges.length !== PAGE) throw new Error(`"${query}": expected a full page of ${PAGE}, got ${parsed.data!.searchArticles.edges.length}`);
      if (JSON.stringify(JSON.parse(graphql.text)) !== JSON.stringify(JSON.parse(plain.text))) {
        const dump = path.join(os.tmpdir(), 'knowledge-mismatch');
        fs.writeFileSync(`${dump}-graphql.json`, graphql.text);
        fs.writeFileSync(`${dump}-baseline.json`, plain.text);
        throw new Error(`"${query}": GraphQL and the baseline disagree: see ${dump}-graphql.json and ${dump}-baseline.json`);
      }
      cases.push({ query, body, graphql: graphql.text, plain: plain.text });
    }
    const matches = await (async () => {
      const client = new PgClient({ connectionString: databaseUrl });
      await client.connect();
      try {
        const counts: number[] = [];
        for (const { query } of cases) {
          const { rows } = await client.query<{ n: number }>(
            `select count(*)::int as n from articles a
              where a.status = 'PUBLISHED' and a.visibility = 'PUBLIC'
                and ((a.language = 'en' and a.search_vector @@ knowledge_tsquery('deskgraph_english', $1, false))
                  or (a.language = 'fr' and a.search_vector @@ knowledge_tsquery('deskgraph_french', $1, false)))`,
            [query],
          );
          counts.push(rows[0].n);
        }
        return counts;
      } finally {
        await client.end();
      }
    })();

    const targets = [
      { name: 'GraphQL', url: server.url, expected: (item: (typeof cases)[number]) => item.graphql },
      { name: 'SQL', url: baseline.url, expected: (item: (typeof cases)[number]) => item.plain },
    ];
    const loadBefore = os.loadavg()[0];
    say(`warming up ${warmUp} s per query and target...`);
    for (const item of cases) for (const target of targets) await load(target.url, item.body, target.expected(item), connections, warmUp);

    const results = cases.map(() => targets.map((): Load[] => []));
    for (let round = 1; round <= rounds; round += 1) {
      for (const [index, item] of cases.entries()) {
        for (const [which, target] of targets.entries()) {
          say(`round ${round}/${rounds}: "${item.query}", ${target.name}, ${seconds} s at ${connections} connections...`);
          results[index][which].push(await load(target.url, item.body, target.expected(item), connections, seconds));
        }
      }
    }

    const total = (list: Load[]) => ({
      rps: list.reduce((sum, item) => sum + item.requests, 0) / (list.length * seconds),
      p50: Math.max(...list.map((item) => item.p50)),
      p99: Math.max(...list.map((item) => item.p99)),
      requests: list.reduce((sum, item) => sum + item.requests, 0),
      bad: list.reduce((sum, item) => sum + item.bad, 0),
    });
    const rows = [['query', 'matches', 'GraphQL req/s', 'p50', 'p99', 'SQL req/s', 'p50', 'p99', 'ratio', 'errors']];
    let gqlRequests = 0;
    let sqlRequests = 0;
    for (const [index, item] of cases.entries()) {
      const [gql, sql] = results[index].map(total);
      gqlRequests += gql.requests;
      sqlRequests += sql.requests;
      rows.push([
        `"${item.query}"`,
        matches[index].toLocaleString('en'),
        gql.rps.toFixed(0),
        `${gql.p50} ms`,
        `${gql.p99} ms`,
        sql.rps.toFixed(0),
        `${sql.p50} ms`,
        `${sql.p99} ms`,
        (gql.rps / sql.rps).toFixed(2),
        String(gql.bad + sql.bad),
      ]);
    }
    const cpu = os.cpus()[0]?.model ?? 'unknown';
    process.stdout.write(
      [
        `knowledge: ${stats.total.toLocaleString('en')} articles (${loaded.added.toLocaleString('en')} loaded in ${(loaded.ms / 1000).toFixed(1)} s; ` +
          `${stats.visible.toLocaleString('en')} published and public; ${stats.words.toLocaleString('en')} vocabulary words; table and indexes ${stats.size}); ` +
          `anonymous searchArticles, first ${PAGE}, ${connections} connections, ${rounds} x ${seconds} s per query and target after ${warmUp} s warm-up; ` +
          `node ${process.version}, ${os.availableParallelism()} CPUs (${cpu}), load average before/after the runs ${loadBefore.toFixed(2)}/${os.loadavg()[0].toFixed(2)}`,
        '',
        table(rows),
        '',
        `GraphQL / SQL throughput over all queries: ${(gqlRequests / sqlRequests).toFixed(2)} (target: at least 0.7)  (p50 and p99: the worse of the rounds)`,
        `per round (req/s): ${cases
          .map((item, index) => `"${item.query}" GraphQL ${results[index][0].map((r) => r.rps.toFixed(0)).join(', ')} / SQL ${results[index][1].map((r) => r.rps.toFixed(0)).join(', ')}`)
          .join('; ')}`,
        '',
      ].join('\n'),
    );
  });
}
