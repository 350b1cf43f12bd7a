import { ArticleStatus, ArticleVisibility } from '../src/modules/knowledge/knowledge.enums';
import { SearchArticlesDocument, SearchArticlesPageDocument, SuggestArticlesDocument, type SearchArticlesQuery, type SearchArticlesQueryVariables } from './generated/graphql';
import { errorCodes, type GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { KnowledgeFactory } from './support/knowledge';
import { startTestServer, type TestServer } from './support/server';
import { countStatements } from './support/sql-counter';

type Person = Awaited<ReturnType<Factory['user']>>;
type Search = SearchArticlesQuery['searchArticles'];

let server: TestServer;
let factory: Factory;
let knowledge: KnowledgeFactory;
let agent: Person;
let requester: Person;

/** Titles of the articles this file made, by global id. */
const titles = new Map<string, string>();
async function article(...args: Parameters<KnowledgeFactory['article']>) {
  const made = await knowledge.article(...args);
  titles.set(made.id, made.article.title);
  return made;
}

async function search(client: GraphQLClient, variables: SearchArticlesQueryVariables): Promise<Search> {
  return (await client.data(SearchArticlesDocument, variables)).searchArticles;
}
const found = (result: Search) => result.edges.map((edge) => titles.get(edge.node.id) ?? edge.node.id);

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  const [author, reviewer] = await Promise.all([factory.agent(), factory.agent()]);
  [agent, requester] = await Promise.all([factory.agent(), factory.user()]);
  knowledge = new KnowledgeFactory(server, author, reviewer);

  await article({ title: 'Reset your password', body: 'Open the self-service portal and choose **Forgot password**. A reset link arrives by e-mail.' });
  await article({ title: 'Configuring printers on the office network', body: 'To add a printer, open Settings, then Devices, and pick the network printer nearest to you.' });
  await article({
    title: 'Réinitialiser le mot de passe de la messagerie',
    body: 'Ouvrez le portail libre-service et choisissez « Mot de passe oublié ». Un lien arrive par courriel.',
    language: 'fr',
  });
  await article({
    title: 'Ajouter une imprimante réseau',
    body: 'Les imprimantes du réseau apparaissent dans Paramètres. Choisissez la plus proche de votre bureau.',
    language: 'fr',
  });
  await article({ title: 'Unlock a locked account', body: 'After five failed sign-ins the account locks for 15 minutes.' });
});
afterAll(() => server?.stop());

describe('languages', () => {
  it('finds English word forms', async () => {
    for (const query of ['printer configuration', 'configured printers', 'networks', 'PRINTER']) {
      expect({ query, found: found(await search(requester.client, { query })) }).toEqual({ query, found: ['Configuring printers on the office network'] });
    }
  });

  it('finds French word forms with or without accents', async () => {
    const cases: [string, string][] = [
      ['réinitialisation mot de passe', 'Réinitialiser le mot de passe de la messagerie'],
      ['reinitialiser messageries', 'Réinitialiser le mot de passe de la messagerie'],
      ['imprimante reseau', 'Ajouter une imprimante réseau'],
      ['IMPRIMANTES RÉSEAUX', 'Ajouter une imprimante réseau'],
    ];
    for (const [query, title] of cases) {
      expect({ query, found: found(await search(factory.anonymous, { query })) }).toEqual({ query, found: [title] });
    }
  });

  it('matches each article in its own language, and filters by language', async () => {
    // "password" is an English word: the French articles (which say "mot de passe") do not match it.
    expect(found(await search(requester.client, { query: 'password' }))).toEqual(['Reset your password']);
    expect(found(await search(requester.client, { query: 'portail', language: 'fr' }))).toEqual(['Réinitialiser le mot de passe de la messagerie']);
    expect(found(await search(requester.client, { query: 'portail', language: 'en' }))).toEqual([]);
    expect(found(await search(requester.client, { query: 'portal', language: 'EN' }))).toEqual(['Reset your password']);
    const unknown = await requester.client.request(SearchArticlesDocument, { query: 'portal', language: 'de' });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('ranking and snippets', () => {
  it('ranks a title hit above a body hit', async () => {
    await article({ title: 'Remote work tips', body: 'Connect through the kookaburra client when you are outside the office.' });
    await article({ title: 'Kookaburra client installation', body: 'Download the installer and run it.' });
    const result = await search(requester.client, { query: 'kookaburra' });
    expect(found(result)).toEqual(['Kookaburra client installation', 'Remote work tips']);
    expect(result.edges[0].rank).toBeGreaterThan(result.edges[1].rank);
  });

  it('marks the hits of the body, and of the title when the body has none', async () => {
    const [reset] = (await search(requester.client, { query: 'reset password' })).edges;
    expect(reset.snippet).toContain('<mark>password</mark>');
    expect(reset.snippet).toContain('<mark>reset</mark>');
    expect(reset.snippet).not.toContain('**');
    await article({ title: 'Platypus badge renewal', body: 'Go to the front desk with your old badge.' });
    const [title] = (await search(requester.client, { query: 'platypus' })).edges;
    expect(title.snippet).toContain('<mark>Platypus</mark> badge renewal');
  });

  it('escapes HTML: a snippet’s only markup is <mark>', async () => {
    await article({ title: 'Numbat macros', body: 'Macros such as <script>alert("numbat")</script> & <b>bold</b> numbat tricks are blocked.' });
    const [edge] = (await search(requester.client, { query: 'numbat' })).edges;
    expect(edge.snippet).toContain('<mark>numbat</mark>');
    expect(edge.snippet).toContain('&amp;');
    expect(edge.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
  });
});

describe('typo tolerance', () => {
  it('finds "Reset your password" from "pasword reset"', async () => {
    const result = await search(factory.anonymous, { query: 'pasword reset' });
    expect(found(result)[0]).toBe('Reset your password');
    expect(result.edges[0].snippet).toContain('<mark>password</mark>');
    expect(found(await search(requester.client, { query: 'unlok acount' }))).toEqual(['Unlock a locked account']);
    expect(found(await search(requester.client, { query: 'imprimnte' }))).toEqual(['Ajouter une imprimante réseau']);
  });

  it('keeps exact words exact, and finds nothing for nonsense', async () => {
    // "printer" is known: no fuzzy match to anything else.
    expect(found(await search(requester.client, { query: 'printer' }))).toEqual(['Configuring printers on the office network']);
    expect(found(await search(requester.client, { query: 'xqzzyvw' }))).toEqual([]);
    // Web search syntax still holds with a corrected word.
    expect(found(await search(requester.client, { query: 'pasword -reset' }))).toEqual([]);
  });
});

describe('paging', () => {
  it('walks every result once by keyset, best first, with a total', async () => {
    for (let index = 0; index < 7; index += 1) {
      await article({ title: index % 2 ? `Wombat guide ${index}` : `Guide ${index}`, body: `Part ${index}: wombat ${'wombat '.repeat(index)}burrows.` });
    }
    const all = await search(requester.client, { query: 'wombat', first: 100 });
    expect(all.totalCount).toBe(7);
    const walked: string[] = [];
    let after: string | null | undefined;
    let pages = 0;
    do {
      const page = await search(requester.client, { query: 'wombat', first: 3, after });
      expect(page.totalCount).toBe(7);
      walked.push(...page.edges.map((edge) => edge.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(walked).toEqual(all.edges.map((edge) => edge.node.id));
    const ranks = all.edges.map((edge) => edge.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it('refuses bad arguments, and answers a blank query with nothing', async () => {
    const first = await search(requester.client, { query: 'wombat', first: 1 });
    const cases: SearchArticlesQueryVariables[] = [
      { query: 'wombat', first: 101 },
      { query: 'wombat', first: -1 },
      { query: 'wombat', after: 'not-a-cursor' },
      { query: 'kookaburra', after: first.pageInfo.endCursor },
      { query: 'x'.repeat(1001) },
    ];
    for (const variables of cases) expect(errorCodes(await requester.client.request(SearchArticlesDocument, variables))).toEqual(['BAD_USER_INPUT']);
    const blank = await search(requester.client, { query: '   ' });
    expect([blank.edges, blank.totalCount, blank.pageInfo.hasNextPage]).toEqual([[], 0, false]);
    const stopWords = await search(requester.client, { query: 'the and of' });
    expect(stopWords.edges).toEqual([]);
  });
});

describe('cost', () => {
  // Knowledge statements only: the server's background work (SLA timers…) comes and goes.
  const knowledgeStatements = (counted: { statements: string[] }) => counted.statements.filter((statement) => /\barticles?\b|article_/.test(statement));

  it('answers a page of results, snippets and all, in one statement (and the total in one more)', async () => {
    const page = await countStatements(server.orm, () => factory.anonymous.data(SearchArticlesPageDocument, { query: 'password', first: 5 }));
    expect(knowledgeStatements(page)).toHaveLength(1);
    // Anonymous callers see no authors: no query for them. A signed-in reader adds them, in one batch.
    expect(page.statements.filter((statement) => /from "users"/.test(statement))).toHaveLength(0);
    const signedIn = await countStatements(server.orm, () => agent.client.data(SearchArticlesPageDocument, { query: 'password', first: 5 }));
    expect(signedIn.statements.filter((statement) => /from "users"/.test(statement))).toHaveLength(1);
    const withTotal = await countStatements(server.orm, () => search(factory.anonymous, { query: 'password', first: 100 }));
    expect(knowledgeStatements(withTotal)).toHaveLength(2);
  });
});

describe('suggestions for a draft', () => {
  it('ranks published articles against free text, typos included', async () => {
    const suggestions = (await requester.client.data(SuggestArticlesDocument, { text: 'Hello, my pasword expired this morning and I cannot reset it' })).suggestArticles;
    expect(titles.get(suggestions[0].article.id)).toBe('Reset your password');
    expect(suggestions[0].snippet).toContain('<mark>');
    const french = (await factory.anonymous.data(SuggestArticlesDocument, { text: 'Je ne trouve pas l’imprimante du réseau', language: 'fr' })).suggestArticles;
    expect(french.map((suggestion) => titles.get(suggestion.article.id))).toEqual(['Ajouter une imprimante réseau']);
    expect((await requester.client.data(SuggestArticlesDocument, { text: '  ' })).suggestArticles).toEqual([]);
    expect((await requester.client.data(SuggestArticlesDocument, { text: 'printer', first: 0 })).suggestArticles).toEqual([]);
    expect(errorCodes(await requester.client.request(SuggestArticlesDocument, { text: 'printer', first: 21 }))).toEqual(['BAD_USER_INPUT']);
  });

  it('suggests published articles only, even to staff', async () => {
    await article({ title: 'Echidna draft', body: 'Echidna text.', status: ArticleStatus.DRAFT });
    await article({ title: 'Echidna internal', body: 'Echidna procedure.', visibility: ArticleVisibility.INTERNAL });
    const seen = (await agent.client.data(SuggestArticlesDocument, { text: 'echidna' })).suggestArticles;
    expect(seen.map((suggestion) => titles.get(suggestion.article.id))).toEqual(['Echidna internal']);
    expect((await requester.client.data(SuggestArticlesDocument, { text: 'echidna' })).suggestArticles).toEqual([]);
    // Staff search every status.
    expect(found(await search(agent.client, { query: 'echidna' })).sort()).toEqual(['Echidna draft', 'Echidna internal']);
  });
});
