import { ArticleStatus as Status, ArticleVisibility as Visibility } from '../src/modules/knowledge/knowledge.enums';
import { TicketType } from '../src/modules/tickets/tickets.enums';
import {
  ArchiveArticleDocument,
  ArticleDetailDocument,
  ArticleDocument,
  ArticleNodeDocument,
  ArticlesDocument,
  ArticleVisibility,
  CreateArticleDocument,
  LinkArticleToTicketDocument,
  LinkTicketsDocument,
  PublishArticleDocument,
  RateArticleDocument,
  RecordKnownErrorDocument,
  SearchArticlesDocument,
  SubmitArticleForReviewDocument,
  SuggestArticlesDocument,
  TicketKnowledgeDocument,
  TicketLinkKind,
  TicketsWithSuggestionsDocument,
  UpdateArticleDocument,
  type CreateArticleInput,
  type TicketsWithSuggestionsQuery,
} from './generated/graphql';
import { errorCodes, type GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { KnowledgeFactory } from './support/knowledge';
import { startTestServer, type TestServer } from './support/server';
import { countStatements } from './support/sql-counter';

type Person = Awaited<ReturnType<Factory['user']>>;

let server: TestServer;
let factory: Factory;
let knowledge: KnowledgeFactory;
/** Writes articles. */
let author: Person;
/** Another agent: reviews and publishes the author's articles. */
let reviewer: Person;
let admin: Person;
let analyst: Person;
let requester: Person;

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  [author, reviewer, admin, analyst, requester] = await Promise.all([
    factory.agent({ name: 'Author Agent' }),
    factory.agent({ name: 'Reviewer Agent' }),
    factory.admin({ name: 'Admin' }),
    factory.analyst({ name: 'Analyst' }),
    factory.user({ name: 'Requester' }),
  ]);
  knowledge = new KnowledgeFactory(server, author, reviewer);
});
afterAll(() => server?.stop());

async function write(client: GraphQLClient, input: Partial<CreateArticleInput> = {}) {
  const { createArticle } = await client.data(CreateArticleDocument, { input: { title: 'Reset your password', body: 'Open the portal and click *Forgot password*.', ...input } });
  expect(createArticle.userErrors).toEqual([]);
  return createArticle.article!;
}

/** Rows of every knowledge table, and of the ticket history and event log the links write to. */
async function rowCounts(): Promise<Record<string, number>> {
  const [row] = await server.orm.em.fork().execute(
    `select (select count(*) from articles) as articles, (select count(*) from article_versions) as versions,
            (select count(*) from article_votes) as votes, (select count(*) from article_ticket_links) as links,
            (select count(*) from ticket_history) as history, (select count(*) from events) as events`,
  );
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}

const errorsOf = (payload: { userErrors: { field?: string[] | null; code: string }[] }) => payload.userErrors.map((error) => [error.field, error.code]);

describe('lifecycle', () => {
  it('takes a draft through review to publication by another agent, then archives it', async () => {
    const draft = await write(author.client, { category: 'accounts', tags: ['Password', 'password', 'self-service'] });
    expect(draft).toMatchObject({
      status: 'DRAFT',
      visibility: 'PUBLIC',
      language: 'en',
      category: 'accounts',
      tags: ['password', 'self-service'],
      version: 1,
      publishedAt: null,
      publishedBy: null,
      author: { id: author.id, name: 'Author Agent' },
    });

    const { submitArticleForReview } = await author.client.data(SubmitArticleForReviewDocument, { input: { id: draft.id, expectedVersion: 1 } });
    expect(submitArticleForReview.article).toMatchObject({ status: 'IN_REVIEW', version: 2 });

    // The author alone cannot publish: nothing changes.
    const { publishArticle: own } = await author.client.data(PublishArticleDocument, { input: { id: draft.id } });
    expect(own).toMatchObject({ article: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_ALLOWED' }] });
    expect((await author.client.data(ArticleDocument, { id: draft.id })).article).toMatchObject({ status: 'IN_REVIEW', version: 2 });
    expect((await requester.client.data(ArticleDocument, { id: draft.id })).article).toBeNull();

    const { publishArticle } = await reviewer.client.data(PublishArticleDocument, { input: { id: draft.id, expectedVersion: 2 } });
    expect(publishArticle.userErrors).toEqual([]);
    expect(publishArticle.article).toMatchObject({ status: 'PUBLISHED', version: 3, publishedBy: { id: reviewer.id } });
    expect(Date.parse(publishArticle.article!.publishedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect((await requester.client.data(ArticleDocument, { id: draft.id })).article).toMatchObject({ status: 'PUBLISHED', title: 'Reset your password' });

    const { archiveArticle } = await reviewer.client.data(ArchiveArticleDocument, { input: { id: draft.id } });
    expect(archiveArticle.article).toMatchObject({ status: 'ARCHIVED', version: 4 });
    expect((await requester.client.data(ArticleDocument, { id: draft.id })).article).toBeNull();
    expect((await factory.anonymous.data(ArticleDocument, { id: draft.id })).article).toBeNull();
  });

  it('lets an admin publish an article they wrote', async () => {
    const draft = await write(admin.client);
    await admin.client.data(SubmitArticleForReviewDocument, { input: { id: draft.id } });
    const { publishArticle } = await admin.client.data(PublishArticleDocument, { input: { id: draft.id } });
    expect(publishArticle.article).toMatchObject({ status: 'PUBLISHED', publishedBy: { id: admin.id }, author: { id: admin.id } });
  });

  it('never publishes a draft that was not reviewed, whoever asks', async () => {
    const draft = await write(author.client);
    const before = await rowCounts();
    for (const client of [reviewer.client, admin.client]) {
      const { publishArticle } = await client.data(PublishArticleDocument, { input: { id: draft.id } });
      expect(publishArticle).toMatchObject({ article: null, userErrors: [{ field: ['input', 'id'], code: 'INVALID_TRANSITION' }] });
    }
    // The author gets both reasons at once.
    const { publishArticle: both } = await author.client.data(PublishArticleDocument, { input: { id: draft.id } });
    expect(errorsOf(both)).toEqual([
      [['input', 'id'], 'INVALID_TRANSITION'],
      [['input', 'id'], 'NOT_ALLOWED'],
    ]);
    expect((await author.client.data(ArticleDocument, { id: draft.id })).article).toMatchObject({ status: 'DRAFT', version: 1, publishedAt: null });
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses moves outside the workflow, and revives an archived article through review', async () => {
    const { id } = await knowledge.article({ status: Status.ARCHIVED });
    const refused = [
      await reviewer.client.data(PublishArticleDocument, { input: { id } }).then((data) => data.publishArticle),
      await reviewer.client.data(ArchiveArticleDocument, { input: { id } }).then((data) => data.archiveArticle),
    ];
    for (const payload of refused) expect(payload).toMatchObject({ article: null, userErrors: [{ code: 'INVALID_TRANSITION' }] });
    const { updateArticle } = await author.client.data(UpdateArticleDocument, { input: { id, title: 'Edited while archived' } });
    expect(updateArticle).toMatchObject({ article: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_ALLOWED' }] });

    const { submitArticleForReview } = await author.client.data(SubmitArticleForReviewDocument, { input: { id } });
    expect(submitArticleForReview.article?.status).toBe('IN_REVIEW');
    const { publishArticle } = await reviewer.client.data(PublishArticleDocument, { input: { id } });
    expect(publishArticle.article?.status).toBe('PUBLISHED');
    // Published: only archiving is left.
    const { submitArticleForReview: again } = await author.client.data(SubmitArticleForReviewDocument, { input: { id } });
    expect(again.userErrors.map((error) => error.code)).toEqual(['INVALID_TRANSITION']);
  });

  it('keeps writing to agents and admins', async () => {
    const { id } = await knowledge.article();
    for (const person of [requester, analyst]) {
      expect(errorCodes(await person.client.request(CreateArticleDocument, { input: { title: 'Mine', body: 'Text' } }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await person.client.request(UpdateArticleDocument, { input: { id, title: 'Mine' } }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await person.client.request(ArchiveArticleDocument, { input: { id } }))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await factory.anonymous.request(CreateArticleDocument, { input: { title: 'Mine', body: 'Text' } }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await factory.anonymous.request(RateArticleDocument, { input: { id, helpful: true } }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('versions', () => {
  it('keeps an immutable version per edit, even an edit that changes nothing', async () => {
    const article = await write(author.client, { title: 'VPN setup', body: 'Install the client.' });
    const { updateArticle: first } = await reviewer.client.data(UpdateArticleDocument, {
      input: { id: article.id, expectedVersion: 1, body: 'Install the client, then sign in.', tags: ['vpn'] },
    });
    expect(first.userErrors).toEqual([]);
    expect(first.article).toMatchObject({ version: 2, body: 'Install the client, then sign in.', tags: ['vpn'] });
    const { updateArticle: second } = await author.client.data(UpdateArticleDocument, { input: { id: article.id, expectedVersion: 2 } });
    expect(second.article?.version).toBe(3);
    expect(second.article?.versions.map((version) => [version.version, version.body, version.editor?.id])).toEqual([
      [3, 'Install the client, then sign in.', author.id],
      [2, 'Install the client, then sign in.', reviewer.id],
      [1, 'Install the client.', author.id],
    ]);
    // The database itself refuses to rewrite a version.
    const em = server.orm.em.fork();
    await expect(em.execute(`update article_versions set body = 'rewritten' where body = 'Install the client.'`)).rejects.toThrow(/immutable/);
    await expect(em.execute(`delete from article_versions where body = 'Install the client.'`)).rejects.toThrow(/immutable/);
  });

  it('refuses a stale version on edits and moves, and lets one of racing edits win', async () => {
    const article = await write(author.client);
    await author.client.data(UpdateArticleDocument, { input: { id: article.id, title: 'Reset a password' } });
    const before = await rowCounts();
    const { updateArticle } = await author.client.data(UpdateArticleDocument, { input: { id: article.id, expectedVersion: 1, title: 'Late edit' } });
    expect(updateArticle).toMatchObject({ article: null, userErrors: [{ field: ['input', 'expectedVersion'], code: 'STALE_VERSION' }] });
    const { submitArticleForReview } = await author.client.data(SubmitArticleForReviewDocument, { input: { id: article.id, expectedVersion: 1 } });
    expect(errorsOf(submitArticleForReview)).toEqual([[['input', 'expectedVersion'], 'STALE_VERSION']]);
    expect(await rowCounts()).toEqual(before);

    // The reviewer read version 3: an edit after that makes their publication stale.
    await author.client.data(SubmitArticleForReviewDocument, { input: { id: article.id, expectedVersion: 2 } });
    await author.client.data(UpdateArticleDocument, { input: { id: article.id, body: 'Changed after the review started.' } });
    const { publishArticle } = await reviewer.client.data(PublishArticleDocument, { input: { id: article.id, expectedVersion: 3 } });
    expect(errorsOf(publishArticle)).toEqual([[['input', 'expectedVersion'], 'STALE_VERSION']]);

    const raced = await Promise.all(
      Array.from({ length: 4 }, (_, index) => author.client.data(UpdateArticleDocument, { input: { id: article.id, expectedVersion: 4, title: `Racer ${index}` } })),
    );
    const winners = raced.filter((result) => result.updateArticle.article);
    expect(winners).toHaveLength(1);
    expect(raced.filter((result) => result.updateArticle.userErrors[0]?.code === 'STALE_VERSION')).toHaveLength(3);
    const { article: detail } = await author.client.data(ArticleDetailDocument, { id: article.id });
    expect(detail!.versions.map((version) => version.version)).toEqual([5, 4, 2, 1]);
    expect(detail!.title).toBe(winners[0].updateArticle.article!.title);
  });

  it('shows people outside the desk the current text only', async () => {
    const article = await write(author.client, { body: 'First draft with an internal hostname: db-prod-7.' });
    const { updateArticle } = await author.client.data(UpdateArticleDocument, { input: { id: article.id, body: 'Use the portal.' } });
    await author.client.data(SubmitArticleForReviewDocument, { input: { id: article.id } });
    await reviewer.client.data(PublishArticleDocument, { input: { id: article.id } });
    const [oldVersion, currentVersion] = [...updateArticle.article!.versions].reverse();

    for (const client of [requester.client, factory.anonymous]) {
      const { article: seen } = await client.data(ArticleDetailDocument, { id: article.id });
      expect(seen!.versions.map((version) => version.body)).toEqual(['Use the portal.']);
      const { node: old } = await client.data(ArticleNodeDocument, { id: (await author.client.data(ArticleDetailDocument, { id: article.id })).article!.versions[1].id });
      expect(old).toBeNull();
    }
    expect(oldVersion.version).toBe(1);
    expect(currentVersion.version).toBe(2);
    const { article: staff } = await analyst.client.data(ArticleDetailDocument, { id: article.id });
    expect(staff!.versions.map((version) => version.body)).toEqual(['Use the portal.', 'First draft with an internal hostname: db-prod-7.']);
    const { node } = await analyst.client.data(ArticleNodeDocument, { id: staff!.versions[1].id });
    expect(node).toMatchObject({ version: 1, body: 'First draft with an internal hostname: db-prod-7.', article: { id: article.id } });
  });
});

describe('visibility on every path', () => {
  // One article per status and visibility; all share the word "quokka" (and only they do).
  const made = {} as Record<'public' | 'internal' | 'draft' | 'review' | 'archived', { id: string }>;
  const titles = (nodes: { id: string }[]) => nodes.map((node) => Object.entries(made).find(([, article]) => article.id === node.id)?.[0] ?? node.id).sort();
  let ticket: Awaited<ReturnType<Factory['ticket']>>;

  beforeAll(async () => {
    made.public = await knowledge.article({ title: 'Quokka printer toner', body: 'Replace the quokka toner cartridge. Public answer.' });
    made.internal = await knowledge.article({ title: 'Quokka printer firmware', body: 'Quokka firmware flashing: internal secret procedure.', visibility: Visibility.INTERNAL });
    made.draft = await knowledge.article({ title: 'Quokka draft', body: 'Unreviewed quokka draft text.', status: Status.DRAFT });
    made.review = await knowledge.article({ title: 'Quokka in review', body: 'Quokka text awaiting review.', status: Status.IN_REVIEW });
    made.archived = await knowledge.article({ title: 'Quokka archived', body: 'Withdrawn quokka text.', status: Status.ARCHIVED });
    ticket = await factory.ticket(requester, { title: 'The quokka printer needs toner', description: 'Quokka printer on floor 2.' });
  });

  it('search: requesters and anonymous callers find published public articles only, with snippets of them only', async () => {
    for (const client of [requester.client, factory.anonymous]) {
      const { searchArticles } = await client.data(SearchArticlesDocument, { query: 'quokka' });
      expect(titles(searchArticles.edges.map((edge) => edge.node))).toEqual(['public']);
      expect(searchArticles.totalCount).toBe(1);
      expect(searchArticles.edges[0].snippet).toContain('<mark>quokka</mark>');
      expect(JSON.stringify(searchArticles)).not.toMatch(/secret|Unreviewed|awaiting|Withdrawn/);
      // Asking for other statuses does not widen the scope.
      const { searchArticles: drafts } = await client.data(SearchArticlesDocument, { query: 'quokka', status: ['DRAFT', 'ARCHIVED'] });
      expect(drafts.edges).toEqual([]);
    }
    for (const person of [author, analyst, admin]) {
      const { searchArticles } = await person.client.data(SearchArticlesDocument, { query: 'quokka' });
      expect(titles(searchArticles.edges.map((edge) => edge.node))).toEqual(['archived', 'draft', 'internal', 'public', 'review']);
    }
    const { searchArticles: drafts } = await author.client.data(SearchArticlesDocument, { query: 'quokka', status: ['DRAFT', 'IN_REVIEW'] });
    expect(titles(drafts.edges.map((edge) => edge.node))).toEqual(['draft', 'review']);
  });

  it('node, article and articles', async () => {
    for (const client of [requester.client, factory.anonymous]) {
      for (const [name, article] of Object.entries(made)) {
        const { node } = await client.data(ArticleNodeDocument, { id: article.id });
        const { article: direct } = await client.data(ArticleDocument, { id: article.id });
        expect({ name, node: node?.id ?? null, direct: direct?.id ?? null }).toEqual({ name, node: name === 'public' ? article.id : null, direct: name === 'public' ? article.id : null });
      }
      const { articles } = await client.data(ArticlesDocument, { first: 100 });
      expect(articles.nodes.every((node) => node.status === 'PUBLISHED' && node.visibility === 'PUBLIC')).toBe(true);
      expect(articles.nodes.map((node) => node.id)).toContain(made.public.id);
    }
    const { articles } = await analyst.client.data(ArticlesDocument, { filter: { status: ['DRAFT'] }, first: 100 });
    expect(articles.nodes.map((node) => node.id)).toContain(made.draft.id);
    // Anonymous callers do not see people.
    expect((await factory.anonymous.data(ArticleDocument, { id: made.public.id })).article).toMatchObject({ author: null, publishedBy: null, viewerVote: null });
    expect((await requester.client.data(ArticleDocument, { id: made.public.id })).article!.author).toEqual({ id: author.id, name: 'Author Agent' });
  });

  it('suggestions for a draft and for a ticket: published articles within the viewer’s visibility', async () => {
    for (const client of [requester.client, factory.anonymous]) {
      const { suggestArticles } = await client.data(SuggestArticlesDocument, { text: 'My quokka printer is out of toner' });
      expect(titles(suggestArticles.map((suggestion) => suggestion.article))).toEqual(['public']);
      expect(JSON.stringify(suggestArticles)).not.toMatch(/secret|Unreviewed|awaiting|Withdrawn/);
    }
    const { suggestArticles } = await author.client.data(SuggestArticlesDocument, { text: 'My quokka printer is out of toner' });
    expect(titles(suggestArticles.map((suggestion) => suggestion.article))).toEqual(['internal', 'public']);
    // Best first: the toner article shares more words with the text.
    expect(suggestArticles[0].article.id).toBe(made.public.id);
    expect(suggestArticles[0].rank).toBeGreaterThan(suggestArticles[1].rank);

    const { ticket: seenByRequester } = await requester.client.data(TicketKnowledgeDocument, { id: ticket.id });
    expect(titles(seenByRequester!.suggestedArticles.map((suggestion) => suggestion.article))).toEqual(['public']);
    expect(JSON.stringify(seenByRequester!.suggestedArticles)).not.toMatch(/secret/);
    const { ticket: seenByAgent } = await author.client.data(TicketKnowledgeDocument, { id: ticket.id, first: 1 });
    expect(titles(seenByAgent!.suggestedArticles.map((suggestion) => suggestion.article))).toEqual(['public']);
    const { ticket: more } = await author.client.data(TicketKnowledgeDocument, { id: ticket.id, first: 10 });
    expect(titles(more!.suggestedArticles.map((suggestion) => suggestion.article))).toEqual(['internal', 'public']);
    expect(errorCodes(await author.client.request(TicketKnowledgeDocument, { id: ticket.id, first: 21 }))).toEqual(['BAD_USER_INPUT']);
  });

  it('links: each side shows only what the viewer may see, and so does the ticket’s history', async () => {
    const other = await factory.user();
    for (const article of [made.public, made.internal]) {
      const { linkArticleToTicket } = await author.client.data(LinkArticleToTicketDocument, { input: { articleId: article.id, ticketId: ticket.id } });
      expect(linkArticleToTicket.userErrors).toEqual([]);
      expect(linkArticleToTicket.ticket!.linkedArticles.map((linked) => linked.id)).toContain(article.id);
      expect(linkArticleToTicket.article!.linkedTickets).toEqual([{ id: ticket.id }]);
    }
    const { ticket: seen } = await requester.client.data(TicketKnowledgeDocument, { id: ticket.id });
    expect(seen!.linkedArticles.map((article) => article.id)).toEqual([made.public.id]);
    expect(seen!.history.nodes.filter((entry) => entry.field === 'article').map((entry) => entry.to)).toEqual([made.public.id]);
    const { ticket: staff } = await author.client.data(TicketKnowledgeDocument, { id: ticket.id });
    expect(staff!.linkedArticles.map((article) => article.id)).toEqual([made.public.id, made.internal.id]);
    expect(staff!.history.nodes.filter((entry) => entry.field === 'article').map((entry) => entry.to)).toEqual([made.public.id, made.internal.id]);

    expect((await requester.client.data(ArticleDetailDocument, { id: made.public.id })).article!.linkedTickets).toEqual([{ id: ticket.id, key: expect.any(String) }]);
    expect((await other.client.data(ArticleDetailDocument, { id: made.public.id })).article!.linkedTickets).toEqual([]);
    expect((await factory.anonymous.data(ArticleDetailDocument, { id: made.public.id })).article!.linkedTickets).toEqual([]);
  });

  it('mutations answer NOT_FOUND for articles the caller may not see', async () => {
    const before = await rowCounts();
    for (const name of ['internal', 'draft', 'archived'] as const) {
      const { rateArticle } = await requester.client.data(RateArticleDocument, { input: { id: made[name].id, helpful: true } });
      expect(rateArticle).toMatchObject({ article: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND' }] });
    }
    expect(await rowCounts()).toEqual(before);
  });
});

describe('votes', () => {
  it('counts one vote per person, which they may change, without moving the version', async () => {
    const { id } = await knowledge.article({ title: 'Map a network drive' });
    const [alice, bob] = await Promise.all([factory.user(), factory.user()]);
    const vote = async (person: Person, helpful: boolean) => {
      const { rateArticle } = await person.client.data(RateArticleDocument, { input: { id, helpful } });
      expect(rateArticle.userErrors).toEqual([]);
      return rateArticle.article!;
    };
    expect(await vote(alice, true)).toMatchObject({ helpfulCount: 1, notHelpfulCount: 0, viewerVote: true, version: 3 });
    expect(await vote(alice, true)).toMatchObject({ helpfulCount: 1, notHelpfulCount: 0, viewerVote: true });
    expect(await vote(alice, false)).toMatchObject({ helpfulCount: 0, notHelpfulCount: 1, viewerVote: false });
    expect(await vote(bob, true)).toMatchObject({ helpfulCount: 1, notHelpfulCount: 1, viewerVote: true });
    expect(await vote(author, true)).toMatchObject({ helpfulCount: 2, notHelpfulCount: 1, viewerVote: true, version: 3 });
    expect((await alice.client.data(ArticleDocument, { id })).article).toMatchObject({ helpfulCount: 2, notHelpfulCount: 1, viewerVote: false });
    // Votes do not make an editor's version stale.
    const { updateArticle } = await author.client.data(UpdateArticleDocument, { input: { id, expectedVersion: 3, body: 'Open Explorer, then Map network drive.' } });
    expect(updateArticle.article).toMatchObject({ version: 4, helpfulCount: 2 });
  });

  it('keeps counts and votes in step when one person’s votes race', async () => {
    const { id } = await knowledge.article({ title: 'Printer offline' });
    const person = await factory.user();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => person.client.data(RateArticleDocument, { input: { id, helpful: index % 2 === 0 } })),
    );
    expect(results.every((result) => result.rateArticle.userErrors.length === 0)).toBe(true);
    const [row] = await server.orm.em.fork().execute(
      `select a.helpful_count, a.not_helpful_count, (select count(*) from article_votes v where v.article_id = a.id)::int as votes,
              (select bool_and(helpful) from article_votes v where v.article_id = a.id) as helpful
         from articles a where a.id = ?`,
      [(await server.orm.em.fork().execute(`select id from articles where title = 'Printer offline'`))[0].id],
    );
    expect(row.votes).toBe(1);
    expect([row.helpful_count, row.not_helpful_count]).toEqual(row.helpful ? [1, 0] : [0, 1]);
  });

  it('refuses votes on unpublished articles and from analysts, writing nothing', async () => {
    const { id } = await knowledge.article({ status: Status.IN_REVIEW });
    const before = await rowCounts();
    const { rateArticle } = await reviewer.client.data(RateArticleDocument, { input: { id, helpful: true } });
    expect(rateArticle).toMatchObject({ article: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_ALLOWED' }] });
    const { rateArticle: hidden } = await requester.client.data(RateArticleDocument, { input: { id, helpful: true } });
    expect(errorsOf(hidden)).toEqual([[['input', 'id'], 'NOT_FOUND']]);
    const published = await knowledge.article();
    expect(errorCodes(await analyst.client.request(RateArticleDocument, { input: { id: published.id, helpful: true } }))).toEqual(['FORBIDDEN']);
    expect((await rowCounts()).votes).toBe(before.votes);
  });
});

describe('links', () => {
  it('links an article once to a ticket the agent sees', async () => {
    const { id } = await knowledge.article();
    const made = await factory.ticket(requester);
    await author.client.data(LinkArticleToTicketDocument, { input: { articleId: id, ticketId: made.id } });
    const before = await rowCounts();
    const { linkArticleToTicket: again } = await author.client.data(LinkArticleToTicketDocument, { input: { articleId: id, ticketId: made.id } });
    expect(again).toMatchObject({ article: null, ticket: null, userErrors: [{ field: ['input', 'ticketId'], code: 'ALREADY_EXISTS' }] });
    const { linkArticleToTicket: unknown } = await author.client.data(LinkArticleToTicketDocument, { input: { articleId: id, ticketId: id } });
    expect(errorsOf(unknown)).toEqual([[['input', 'ticketId'], 'NOT_FOUND']]);
    expect(await rowCounts()).toEqual(before);
    expect(errorCodes(await requester.client.request(LinkArticleToTicketDocument, { input: { articleId: id, ticketId: made.id } }))).toEqual(['FORBIDDEN']);
  });
});

describe('known errors', () => {
  it('publishes an internal article linked to the problem, suggested first on its incidents to agents only', async () => {
    const problem = await factory.ticket(author, {
      type: TicketType.PROBLEM,
      title: 'Mail gateway drops large attachments',
      description: 'The relay rejects messages over 10 MB since the upgrade.',
      category: 'mail',
    });
    const incident = await factory.ticket(requester, { title: 'Cannot send the quarterly report', description: 'Outlook says the message bounced.' });
    const { linkTickets } = await author.client.data(LinkTicketsDocument, { input: { fromId: incident.id, toId: problem.id, kind: TicketLinkKind.CausedBy } });
    expect(linkTickets.userErrors).toEqual([]);

    const { recordKnownError } = await author.client.data(RecordKnownErrorDocument, {
      input: { problemId: problem.id, workaround: 'Share large files through the file portal instead of attaching them.' },
    });
    expect(recordKnownError.userErrors).toEqual([]);
    const article = recordKnownError.article!;
    expect(article).toMatchObject({
      title: 'Mail gateway drops large attachments',
      status: 'PUBLISHED',
      visibility: 'INTERNAL',
      category: 'mail',
      tags: ['known-error'],
      version: 1,
      publishedBy: { id: author.id },
      knownError: { problem: { id: problem.id }, workaround: 'Share large files through the file portal instead of attaching them.' },
      linkedTickets: [{ id: problem.id }],
    });
    expect(article.body).toContain('Share large files through the file portal');
    const { ticket: problemView } = await author.client.data(TicketKnowledgeDocument, { id: problem.id });
    expect(problemView!.linkedArticles.map((linked) => linked.id)).toEqual([article.id]);
    expect(problemView!.history.nodes.filter((entry) => entry.field === 'article').map((entry) => entry.to)).toEqual([article.id]);

    // The incident shares no word with the problem: the CAUSED_BY link finds it, first.
    const { ticket: seenByAgent } = await reviewer.client.data(TicketKnowledgeDocument, { id: incident.id });
    expect(seenByAgent!.suggestedArticles[0]).toMatchObject({
      article: { id: article.id, visibility: 'INTERNAL', knownError: { problem: { id: problem.id } } },
    });
    expect(seenByAgent!.suggestedArticles[0].rank).toBeGreaterThanOrEqual(1);
    const { ticket: seenByRequester } = await requester.client.data(TicketKnowledgeDocument, { id: incident.id });
    expect(seenByRequester!.suggestedArticles.map((suggestion) => suggestion.article.id)).not.toContain(article.id);
    const { searchArticles } = await requester.client.data(SearchArticlesDocument, { query: 'attachments' });
    expect(searchArticles.edges.map((edge) => edge.node.id)).not.toContain(article.id);
    const { searchArticles: staffSearch } = await reviewer.client.data(SearchArticlesDocument, { query: 'large attachments file portal' });
    expect(staffSearch.edges[0].node.id).toBe(article.id);

    // Recording it again revises the same article.
    const { recordKnownError: revised } = await reviewer.client.data(RecordKnownErrorDocument, {
      input: { problemId: problem.id, workaround: 'Use the file portal, or zip the attachment under 10 MB.' },
    });
    expect(revised.article).toMatchObject({
      id: article.id,
      version: 2,
      status: 'PUBLISHED',
      knownError: { workaround: 'Use the file portal, or zip the attachment under 10 MB.' },
      versions: [{ version: 2 }, { version: 1 }],
      linkedTickets: [{ id: problem.id }],
    });
  });

  it('refuses anything but a problem, and bad input, writing nothing', async () => {
    const problem = await factory.ticket(author, { type: TicketType.PROBLEM, title: 'Slow logins' });
    const incident = await factory.ticket(requester, { title: 'Slow login' });
    const before = await rowCounts();
    const cases: [Record<string, unknown>, string[], string][] = [
      [{ problemId: incident.id }, ['input', 'problemId'], 'INVALID_INPUT'],
      [{ problemId: Buffer.from('Ticket:00000000-0000-4000-8000-000000000000').toString('base64url') }, ['input', 'problemId'], 'NOT_FOUND'],
      [{ problemId: 'not-an-id' }, ['input', 'problemId'], 'NOT_FOUND'],
      [{ workaround: '   ' }, ['input', 'workaround'], 'INVALID_INPUT'],
      [{ language: 'klingon' }, ['input', 'language'], 'INVALID_INPUT'],
    ];
    for (const [input, field, code] of cases) {
      const { recordKnownError } = await author.client.data(RecordKnownErrorDocument, { input: { problemId: problem.id, workaround: 'Restart.', ...input } });
      expect({ input, article: recordKnownError.article, errors: errorsOf(recordKnownError) }).toEqual({ input, article: null, errors: [[field, code]] });
    }
    expect(await rowCounts()).toEqual(before);
    expect(errorCodes(await requester.client.request(RecordKnownErrorDocument, { input: { problemId: problem.id, workaround: 'Restart.' } }))).toEqual(['FORBIDDEN']);
  });
});

describe('bad input', () => {
  it('refuses blank text, unknown languages and oversized values with a code and a field, writing nothing', async () => {
    const before = await rowCounts();
    const cases: [Partial<CreateArticleInput>, string[], string][] = [
      [{ title: '   ' }, ['input', 'title'], 'INVALID_INPUT'],
      [{ title: 'x'.repeat(201) }, ['input', 'title'], 'INVALID_INPUT'],
      [{ body: '' }, ['input', 'body'], 'INVALID_INPUT'],
      [{ body: ' \n ' }, ['input', 'body'], 'INVALID_INPUT'],
      [{ language: 'de' }, ['input', 'language'], 'INVALID_INPUT'],
      [{ language: 'english' }, ['input', 'language'], 'INVALID_INPUT'],
      [{ language: '' }, ['input', 'language'], 'INVALID_INPUT'],
      [{ tags: ['x'.repeat(51)] }, ['input', 'tags'], 'INVALID_INPUT'],
      [{ category: '  ' }, ['input', 'category'], 'INVALID_INPUT'],
    ];
    for (const [input, field, code] of cases) {
      const { createArticle } = await author.client.data(CreateArticleDocument, { input: { title: 'Valid title', body: 'Valid body', ...input } });
      expect({ input, article: createArticle.article, errors: errorsOf(createArticle) }).toEqual({ input, article: null, errors: [[field, code]] });
    }
    // Several at once, all reported.
    const { createArticle } = await author.client.data(CreateArticleDocument, { input: { title: '', body: '', language: 'xx' } });
    expect(errorsOf(createArticle)).toEqual([
      [['input', 'title'], 'INVALID_INPUT'],
      [['input', 'body'], 'INVALID_INPUT'],
      [['input', 'language'], 'INVALID_INPUT'],
    ]);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses bad edits and unknown ids, writing nothing', async () => {
    const article = await write(author.client);
    const before = await rowCounts();
    const cases: [Record<string, unknown>, string[], string][] = [
      [{ title: '' }, ['input', 'title'], 'INVALID_INPUT'],
      [{ body: '   ' }, ['input', 'body'], 'INVALID_INPUT'],
      [{ language: 'es' }, ['input', 'language'], 'INVALID_INPUT'],
      [{ id: 'garbage' }, ['input', 'id'], 'NOT_FOUND'],
      [{ id: Buffer.from('Article:00000000-0000-4000-8000-000000000000').toString('base64url') }, ['input', 'id'], 'NOT_FOUND'],
      [{ id: author.id }, ['input', 'id'], 'NOT_FOUND'],
    ];
    for (const [input, field, code] of cases) {
      const { updateArticle } = await author.client.data(UpdateArticleDocument, { input: { id: article.id, ...input } });
      expect({ input, article: updateArticle.article, errors: errorsOf(updateArticle) }).toEqual({ input, article: null, errors: [[field, code]] });
    }
    expect(await rowCounts()).toEqual(before);
    expect((await author.client.data(ArticleDocument, { id: article.id })).article).toMatchObject({ version: 1, title: 'Reset your password' });
  });

  it('accepts language codes in any case and defaults to the author’s locale', async () => {
    expect((await write(author.client, { language: ' FR ' })).language).toBe('fr');
    const francophone = await factory.agent({ locale: 'fr-CA' });
    expect((await write(francophone.client)).language).toBe('fr');
    expect((await write(author.client)).language).toBe('en');
  });

  it('keeps making a published article public to the four eyes', async () => {
    const { id } = await knowledge.article({ visibility: Visibility.INTERNAL });
    const { updateArticle } = await author.client.data(UpdateArticleDocument, { input: { id, visibility: ArticleVisibility.Public } });
    expect(errorsOf(updateArticle)).toEqual([[['input', 'visibility'], 'NOT_ALLOWED']]);
    const { updateArticle: reviewed } = await reviewer.client.data(UpdateArticleDocument, { input: { id, visibility: ArticleVisibility.Public } });
    expect(reviewed.article).toMatchObject({ visibility: 'PUBLIC', status: 'PUBLISHED' });
  });
});

describe('suggestions on a page of tickets', () => {
  it('are ranked in one statement, for 2 tickets as for 12', async () => {
    await knowledge.article({ title: 'Wallaby badge reader', body: 'Re-enrol your wallaby badge at the front desk.' });
    const tickets: Awaited<ReturnType<Factory['ticket']>>[] = [];
    for (let index = 0; index < 12; index += 1) tickets.push(await factory.ticket(requester, { title: `Wallaby badge ${index} not working` }));
    const run = async (count: number) => {
      let result: TicketsWithSuggestionsQuery | undefined;
      const counted = await countStatements(server.orm, async () => {
        result = await author.client.data(TicketsWithSuggestionsDocument, { ids: tickets.slice(0, count).map((made) => made.id), first: 3 });
      });
      // Knowledge statements only: the server's background work (SLA timers…) comes and goes.
      return { knowledge: counted.statements.filter((statement) => /\barticles?\b|article_/.test(statement)), result: result! };
    };
    const small = await run(2);
    const large = await run(12);
    expect(large.result.tickets.nodes).toHaveLength(12);
    expect(large.result.tickets.nodes.every((node) => node.suggestedArticles.length > 0)).toBe(true);
    expect(small.knowledge).toHaveLength(1);
    expect(large.knowledge).toHaveLength(1);
  });
});
