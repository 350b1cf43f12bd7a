import { createHash } from 'node:crypto';
import { LockMode, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer';
import { badUserInput } from '../../errors';
import type { ServiceContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { type ConnectionArgs, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate } from '../../graphql/relay';
import { fail, Problems, UserErrorCode } from '../../graphql/user-errors';
import { checkText, checkVersion, normalizeTags } from '../../validation';
import { Ticket } from '../tickets/tickets.entities';
import { ticketKey, TicketType } from '../tickets/tickets.enums';
import { transactionWithEvents } from '../events/outbox';
import { TicketChangeLog, TicketEventKind } from '../tickets/tickets.history';
import { ticketToChange } from '../tickets/tickets.service';
import { User } from '../users/users.entities';
import { Article, type ArticleRecord, ArticleTicketLink, ArticleVersion, ArticleVote } from './knowledge.entities';
import { ARTICLE_TRANSITIONS, articleLanguage, type ArticleLanguage, ArticleStatus, ArticleVisibility, LANGUAGE_CODES } from './knowledge.enums';
import { type ArticleScope, knowledgePolicy } from './knowledge.policy';
import { articleFromRow, searchCountSql, searchPageSql, suggestionsSql, type SuggestionSource } from './knowledge.search';
import { rowToChange } from '../../db/row-to-change';

export const MAX_TITLE = 200;
export const MAX_BODY = 100_000;
/** Longest search query, and longest draft text to suggest articles for. */
export const MAX_QUERY = 1000;
export const MAX_SUGGESTION_TEXT = 20_000;
export const DEFAULT_SUGGESTIONS = 5;
export const MAX_SUGGESTIONS = 20;

export interface CreateArticleCommand {
  title: string;
  body: string;
  language?: string;
  visibility?: ArticleVisibility;
  category?: string;
  tags?: string[];
}

export interface UpdateArticleCommand {
  id: string;
  expectedVersion?: number | null;
  title?: string;
  body?: string;
  language?: string;
  visibility?: ArticleVisibility;
  /** null removes the category. */
  category?: string | null;
  tags?: string[];
}

export interface MoveArticleCommand {
  id: string;
  expectedVersion?: number | null;
}

export interface RateArticleCommand {
  id: string;
  helpful: boolean;
}

export interface LinkArticleToTicketCommand {
  articleId: string;
  ticketId: string;
}

export interface RecordKnownErrorCommand {
  problemId: string;
  workaround: string;
  /** Default: the problem's title. */
  title?: string;
  /** Default: the recorder's locale when it is an article language, else English. */
  language?: string;
}

/** What `articles` filters on; lists are OR within a field, fields are AND. */
export interface ArticleCriteria {
  status?: ArticleStatus[] | null;
  visibility?: ArticleVisibility[] | null;
  languages?: string[] | null;
  categories?: string[] | null;
  tags?: string[] | null;
  authorIds?: string[] | null;
}

export interface SearchCriteria {
  query: string;
  language?: string | null;
  status?: ArticleStatus[] | null;
}

export interface ScoredArticle {
  article: ArticleRecord;
  rank: number;
  snippet: string;
}

export interface SearchPage {
  edges: (ScoredArticle & { cursor: string })[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount(): Promise<number>;
}

/** A supported language code, or a user error on `field` (the code is then null). */
function checkLanguage(problems: Problems, value: string | undefined, field = 'language'): ArticleLanguage | null | undefined {
  if (value === undefined) return undefined;
  const code = articleLanguage(value);
  if (!code) problems.add(UserErrorCode.INVALID_INPUT, `${field} must be one of ${LANGUAGE_CODES.join(', ')}.`, field);
  return code;
}

/** For queries (thrown, not userErrors): the languages to search, all of them by default. */
export function searchLanguages(language: string | null | undefined): ArticleLanguage[] {
  if (language === undefined || language === null) return [...LANGUAGE_CODES];
  const code = articleLanguage(language);
  if (!code) throw badUserInput(`\`language\` must be one of ${LANGUAGE_CODES.join(', ')}.`, 'language');
  return [code];
}

export function suggestionCount(first: number | null | undefined): number {
  const count = first ?? DEFAULT_SUGGESTIONS;
  if (!Number.isInteger(count) || count < 0 || count > MAX_SUGGESTIONS) {
    throw badUserInput(`\`first\` must be between 0 and ${MAX_SUGGESTIONS}, got ${count}.`, 'first');
  }
  return count;
}

/** Search cursors: the rank and id of the last row, signed with the search they belong to. */
function searchSignature(query: string, languages: readonly string[], status: readonly string[] | null | undefined): string {
  return createHash('sha1')
    .update(JSON.stringify([query, languages, status ?? null]))
    .digest('base64url')
    .slice(0, 8);
}

function encodeSearchCursor(signature: string, rank: number, id: string): string {
  return Buffer.from(JSON.stringify({ s: signature, v: [rank, id] })).toString('base64url');
}

/** The cursor of a search hit: what the edges of a page of that search carry. */
export function searchCursor(query: string, languages: readonly string[], status: readonly string[] | null | undefined, rank: number, id: string): string {
  return encodeSearchCursor(searchSignature(query, languages, status), rank, id);
}

function decodeSearchCursor(cursor: string, signature: string): { rank: number; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: string; v?: unknown[] };
    const [rank, id] = parsed.v ?? [];
    if (parsed.s === signature && typeof rank === 'number' && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)) return { rank, id };
  } catch {
    // reported below
  }
  throw badUserInput('`after` is not a cursor of this search.', 'after');
}

/** The knowledge base: writing articles through review, search, suggestions, votes, links and known errors. */
export class KnowledgeService {
  constructor(private readonly ctx: ServiceContext) {}

  private get actor(): Viewer {
    if (!this.ctx.viewer) throw new Error('knowledge commands need an acting user');
    return this.ctx.viewer;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Articles the viewer may see, most recently changed first. */
  list(viewer: Viewer | null, criteria: ArticleCriteria, args: ConnectionArgs) {
    const where: FilterQuery<Article>[] = [knowledgePolicy.scope(viewer)];
    const anyOf = <T>(values: T[] | null | undefined) => (values && values.length ? { $in: values } : undefined);
    const lists = {
      status: anyOf(criteria.status),
      visibility: anyOf(criteria.visibility),
      language: anyOf(criteria.languages?.map((language) => language.trim().toLowerCase())),
      category: anyOf(criteria.categories),
      author: anyOf(criteria.authorIds),
    };
    for (const [field, condition] of Object.entries(lists)) {
      if (condition) where.push({ [field]: condition } as FilterQuery<Article>);
    }
    if (criteria.tags?.length) where.push({ tags: { $overlap: criteria.tags.map((tag) => tag.trim().toLowerCase()) } });
    return paginate(this.ctx.em, Article, { $and: where }, [{ field: 'updatedAt', direction: 'DESC' }, { field: 'id', direction: 'DESC' }], args);
  }

  /**
   * Full-text search in each article's language, best first. Requesters and anonymous callers
   * search published public articles only.
   */
  async search(viewer: Viewer | null, criteria: SearchCriteria, args: { first?: number | null; after?: string | null }): Promise<SearchPage> {
    const languages = searchLanguages(criteria.language);
    if (criteria.query.length > MAX_QUERY) throw badUserInput(`\`query\` must be at most ${MAX_QUERY} characters.`, 'query');
    const size = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}, got ${size}.`, 'first');
    const query = criteria.query.trim();
    const signature = searchSignature(query, languages, criteria.status);
    const after = args.after ? decodeSearchCursor(args.after, signature) : null;
    const spec = { query, languages, scope: knowledgePolicy.sqlScope(knowledgePolicy.scopeKey(viewer), 'a', 'search'), statuses: criteria.status };

    const empty = !query || size === 0;
    const rows = empty ? [] : await this.scored(searchPageSql(this.ctx.em, spec, { after, size }));
    const more = rows.length > size;
    const edges = rows.slice(0, size).map(({ article, rank, snippet }) => ({ article, rank, snippet, cursor: encodeSearchCursor(signature, rank, article.id) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: more,
        hasPreviousPage: Boolean(after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: async () => {
        if (!query) return 0;
        const count = searchCountSql(spec);
        const [row] = await this.ctx.em.execute<{ count: number }[]>(count.sql, count.params);
        return row.count;
      },
    };
  }

  /** Suggestions for a draft's text (before a ticket exists), within the viewer's visibility. */
  async suggest(viewer: Viewer | null, text: string, options: { language?: string | null; first?: number | null }): Promise<ScoredArticle[]> {
    const languages = searchLanguages(options.language);
    const limit = suggestionCount(options.first);
    if (text.length > MAX_SUGGESTION_TEXT) throw badUserInput(`\`text\` must be at most ${MAX_SUGGESTION_TEXT} characters.`, 'text');
    if (!text.trim() || limit === 0) return [];
    return (await this.suggestions(knowledgePolicy.scopeKey(viewer), { text }, languages, limit)).get('text') ?? [];
  }

  /** Suggestions for each ticket (by database id), for a visibility scope; one statement for all of them. */
  async suggestForTickets(scope: ArticleScope, ticketIds: readonly string[], first: number | null | undefined): Promise<Map<string, ScoredArticle[]>> {
    const limit = suggestionCount(first);
    if (limit === 0 || ticketIds.length === 0) return new Map();
    return this.suggestions(scope, { tickets: ticketIds }, [...LANGUAGE_CODES], limit);
  }

  private async suggestions(scope: ArticleScope, source: SuggestionSource, languages: ArticleLanguage[], limit: number) {
    const statement = suggestionsSql(this.ctx.em, { source, languages, scope: knowledgePolicy.sqlScope(scope, 'a', 'suggest'), limit });
    const bySource = new Map<string, ScoredArticle[]>();
    for (const row of await this.scored(statement)) {
      const key = row.row.suggestion_key as string;
      const list = bySource.get(key) ?? [];
      list.push({ article: row.article, rank: row.rank, snippet: row.snippet });
      bySource.set(key, list);
    }
    return bySource;
  }

  /** Runs a search statement and maps its rows: the article, its rank and snippet (and the row, for other columns). */
  private async scored(statement: { sql: string; params: unknown[] }) {
    const rows = await this.ctx.em.execute<Record<string, unknown>[]>(statement.sql, statement.params);
    return rows.map((row) => ({ article: articleFromRow(row), rank: Number(row.rank), snippet: String(row.snippet ?? ''), row }));
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  async createArticle(command: CreateArticleCommand): Promise<Article> {
    const actor = this.actor;
    return this.ctx.em.transactional(async (em) => {
      const problems = new Problems();
      this.checkWriter(problems, actor, 'title');
      checkText(problems, command.title, 'title', MAX_TITLE);
      checkText(problems, command.body, 'body', MAX_BODY);
      checkText(problems, command.category, 'category', 100);
      const language = checkLanguage(problems, command.language);
      const tags = normalizeTags(problems, command.tags) ?? [];
      problems.throwIfAny();

      const article = em.create(Article, {
        title: command.title.trim(),
        body: command.body.trim(),
        language: language ?? (await this.preferredLanguage(em, actor)),
        visibility: command.visibility ?? ArticleVisibility.PUBLIC,
        category: command.category?.trim() || null,
        tags,
        author: actor.id,
      });
      this.recordVersion(em, article, actor, 1);
      return article;
    });
  }

  /** Every edit, even one that changes nothing, is a new version; the text of each stays readable. */
  async updateArticle(command: UpdateArticleCommand): Promise<Article> {
    const actor = this.actor;
    return this.ctx.em.transactional(async (em) => {
      const article = await this.lockedArticle(em, actor, command.id, 'id');
      const problems = new Problems();
      this.checkWriter(problems, actor, 'id');
      checkVersion(problems, article.version, command.expectedVersion);
      checkText(problems, command.title, 'title', MAX_TITLE);
      checkText(problems, command.body, 'body', MAX_BODY);
      checkText(problems, command.category, 'category', 100);
      const language = checkLanguage(problems, command.language);
      const tags = normalizeTags(problems, command.tags);
      if (article.status === ArticleStatus.ARCHIVED) {
        problems.add(UserErrorCode.NOT_ALLOWED, 'An archived article cannot change; submit it for review to revive it.', 'id');
      }
      // Showing a published article to requesters is a publication: the same four eyes.
      const goesPublic = command.visibility === ArticleVisibility.PUBLIC && article.visibility !== ArticleVisibility.PUBLIC;
      if (goesPublic && article.status === ArticleStatus.PUBLISHED && !knowledgePolicy.canPublish(actor, article)) {
        problems.add(UserErrorCode.NOT_ALLOWED, 'Making a published article public is a publication: an admin or another agent does it.', 'visibility');
      }
      problems.throwIfAny();

      if (command.title !== undefined) article.title = command.title.trim();
      if (command.body !== undefined) article.body = command.body.trim();
      if (language) article.language = language;
      if (command.visibility !== undefined) article.visibility = command.visibility;
      if (command.category !== undefined) article.category = command.category?.trim() || null;
      if (tags !== undefined) article.tags = tags;
      // Always an update, so that the version moves on even when nothing else changed.
      article.updatedAt = new Date();
      this.recordVersion(em, article, actor, article.version + 1);
      return article;
    });
  }

  async submitArticleForReview(command: MoveArticleCommand): Promise<Article> {
    return this.move(command, ArticleStatus.IN_REVIEW);
  }

  async publishArticle(command: MoveArticleCommand): Promise<Article> {
    return this.move(command, ArticleStatus.PUBLISHED);
  }

  async archiveArticle(command: MoveArticleCommand): Promise<Article> {
    return this.move(command, ArticleStatus.ARCHIVED);
  }

  private async move(command: MoveArticleCommand, status: ArticleStatus): Promise<Article> {
    const actor = this.actor;
    return this.ctx.em.transactional(async (em) => {
      const article = await this.lockedArticle(em, actor, command.id, 'id');
      const problems = new Problems();
      this.checkWriter(problems, actor, 'id');
      checkVersion(problems, article.version, command.expectedVersion);
      if (!ARTICLE_TRANSITIONS[article.status].includes(status)) {
        problems.add(
          UserErrorCode.INVALID_TRANSITION,
          status === ArticleStatus.PUBLISHED && article.status !== ArticleStatus.PUBLISHED
            ? `A ${article.status} article cannot be published: it must be submitted for review first.`
            : `A ${article.status} article cannot move to ${status}.`,
          'id',
        );
      }
      if (status === ArticleStatus.PUBLISHED && knowledgePolicy.canWrite(actor) && !knowledgePolicy.canPublish(actor, article)) {
        problems.add(UserErrorCode.NOT_ALLOWED, 'The author cannot publish their own article: an admin or another agent reviews it.', 'id');
      }
      problems.throwIfAny();
      article.status = status;
      if (status === ArticleStatus.PUBLISHED) {
        article.publishedAt = new Date();
        article.publishedBy = em.getReference(User, actor.id, { wrapped: true });
      }
      article.updatedAt = new Date();
      return article;
    });
  }

  /** One vote per person, changeable; the counts change with it, the article's version does not. */
  async rateArticle(command: RateArticleCommand): Promise<Article> {
    const actor = this.actor;
    return this.ctx.em.transactional(async (em) => {
      // The article's row lock orders the votes on it, so counts and votes always agree.
      const article = await this.lockedArticle(em, actor, command.id, 'id');
      const problems = new Problems();
      if (!knowledgePolicy.canVote(actor)) problems.add(UserErrorCode.NOT_ALLOWED, 'Analysts read articles; they do not vote.', 'id');
      if (article.status !== ArticleStatus.PUBLISHED) problems.add(UserErrorCode.NOT_ALLOWED, 'Only a published article takes votes.', 'id');
      problems.throwIfAny();

      const vote = await em.findOne(ArticleVote, { article: article.id, user: actor.id });
      if (vote?.helpful === command.helpful) return article;
      const previous = vote?.helpful ?? null;
      const delta = (helpful: boolean) => (command.helpful === helpful ? 1 : 0) - (previous === helpful ? 1 : 0);
      if (vote) {
        vote.helpful = command.helpful;
        vote.updatedAt = new Date();
      } else {
        em.create(ArticleVote, { article: article.id, user: actor.id, helpful: command.helpful });
      }
      // Counts are kept behind the entity's back: a vote must not make an editor's version stale.
      await em.execute('update articles set helpful_count = helpful_count + ?, not_helpful_count = not_helpful_count + ? where id = ?', [
        delta(true),
        delta(false),
        article.id,
      ]);
      await em.flush();
      return em.refresh(article).then((fresh) => fresh ?? article);
    });
  }

  async linkArticleToTicket(command: LinkArticleToTicketCommand): Promise<{ article: Article; ticket: Ticket }> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      if (!knowledgePolicy.canWrite(actor)) fail(UserErrorCode.NOT_ALLOWED, 'Only agents and admins link articles to tickets.', 'articleId');
      const article = await this.lockedArticle(em, actor, command.articleId, 'articleId');
      const ticket = await ticketToChange(em, actor, command.ticketId, 'ticketId');
      if (await em.count(ArticleTicketLink, { article: article.id, ticket: ticket.id })) {
        fail(UserErrorCode.ALREADY_EXISTS, 'This article is already linked to this ticket.', 'ticketId');
      }
      await this.link(em, actor, article, ticket);
      return { article, ticket };
    });
  }

  /**
   * Publishes the known error of a problem as an INTERNAL article (its workaround), linked to the
   * problem, so that the problem's incidents find it first among their suggestions. Recording it
   * again revises that article: a new version, published again.
   */
  async recordKnownError(command: RecordKnownErrorCommand): Promise<Article> {
    const actor = this.actor;
    return transactionWithEvents(this.ctx.em, async (em) => {
      if (!knowledgePolicy.canWrite(actor)) fail(UserErrorCode.NOT_ALLOWED, 'Only agents and admins record known errors.', 'problemId');
      const problem = await ticketToChange(em, actor, command.problemId, 'problemId');
      const problems = new Problems();
      if (problem.type !== TicketType.PROBLEM) problems.add(UserErrorCode.INVALID_INPUT, 'A known error is recorded on a PROBLEM ticket.', 'problemId');
      checkText(problems, command.workaround, 'workaround', MAX_BODY / 2);
      checkText(problems, command.title, 'title', MAX_TITLE);
      const language = checkLanguage(problems, command.language);
      problems.throwIfAny();

      const workaround = command.workaround.trim();
      const title = command.title?.trim() || problem.title;
      const description = problem.description.trim();
      const body = [`**Known error** of ${ticketKey(problem.type, problem.number)}: ${problem.title}`, ...(description ? ['## Problem', description] : []), '## Workaround', workaround].join('\n\n');
      const now = new Date();
      const existing = await em.findOne(Article, { knownErrorProblem: problem.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const article =
        existing ??
        em.create(Article, {
          title,
          body,
          language: language ?? (await this.preferredLanguage(em, actor)),
          visibility: ArticleVisibility.INTERNAL,
          category: problem.category,
          tags: [...new Set([...problem.tags, 'known-error'])],
          author: actor.id,
          knownErrorProblem: problem,
          knownErrorWorkaround: workaround,
        });
      if (existing) {
        existing.title = title;
        existing.body = body;
        if (language) existing.language = language;
        existing.knownErrorWorkaround = workaround;
        existing.updatedAt = now;
      }
      if (article.status !== ArticleStatus.PUBLISHED) {
        article.status = ArticleStatus.PUBLISHED;
        article.publishedAt = now;
        article.publishedBy = em.getReference(User, actor.id, { wrapped: true });
      }
      this.recordVersion(em, article, actor, existing ? existing.version + 1 : 1);
      if (!existing || !(await em.count(ArticleTicketLink, { article: article.id, ticket: problem.id }))) await this.link(em, actor, article, problem);
      return article;
    });
  }

  // ---------------------------------------------------------------------------------------------

  private checkWriter(problems: Problems, actor: Viewer, field: string): void {
    if (!knowledgePolicy.canWrite(actor)) problems.add(UserErrorCode.NOT_ALLOWED, 'Only agents and admins write articles.', field);
  }

  /** The article behind an id, locked for the command; NOT_FOUND when it does not exist or is hidden from the actor. */
  private async lockedArticle(em: EntityManager, actor: Viewer, id: string, field: string): Promise<Article> {
    return rowToChange(em, Article, id, 'No article has this id.', field, (article) => knowledgePolicy.canSee(actor, article));
  }

  /** The author's language when articles may be written in it (their locale's primary tag), else English. */
  private async preferredLanguage(em: EntityManager, actor: Viewer): Promise<ArticleLanguage> {
    const user = await em.findOne(User, actor.id);
    return (user && articleLanguage(user.locale.split('-')[0])) || 'en';
  }

  /** The immutable copy of the article's text at `version` (its version once this command commits). */
  private recordVersion(em: EntityManager, article: Article, actor: Viewer, version: number): void {
    em.create(ArticleVersion, {
      article,
      version,
      title: article.title,
      body: article.body,
      language: article.language,
      visibility: article.visibility,
      category: article.category,
      tags: [...article.tags],
      editor: actor.id,
    });
  }

  /**
   * Links an article to a ticket, and tells the ticket's history and subscribers. Requesters hear of
   * it only when they may read the article.
   */
  private async link(em: EntityManager, actor: Viewer, article: Article, ticket: Ticket): Promise<void> {
    em.create(ArticleTicketLink, { article, ticket, createdBy: actor.id });
    const internal = !knowledgePolicy.canSee(null, article);
    await new TicketChangeLog(ticket, actor.id)
      .add([{ field: 'article', from: null, to: toGlobalId('Article', article.id) }], { internal })
      .write(em, TicketEventKind.LINKED);
  }
}
