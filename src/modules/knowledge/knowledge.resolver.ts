import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { Context } from '../../graphql/context';
import { filterId, filterIds, parseId } from '../../graphql/global-id';
import { ConnectionArgs, toConnection } from '../../graphql/relay';
import { toPayload } from '../../graphql/user-errors';
import { Ticket } from '../tickets/tickets.entities';
import { ticketById } from '../tickets/tickets.loaders';
import { ticketsPolicy } from '../tickets/tickets.policy';
import { TicketNode } from '../tickets/tickets.types';
import { userById } from '../users/users.loaders';
import { usersPolicy } from '../users/users.policy';
import { UserNode } from '../users/users.types';
import { Article, ArticleVersion } from './knowledge.entities';
import {
  articleById,
  articleIdsByTicketId,
  latestVersionByArticleId,
  suggestionsByTicket,
  ticketIdsByArticleId,
  versionsByArticleId,
  voteByUserArticle,
} from './knowledge.loaders';
import { knowledgePolicy } from './knowledge.policy';
import { KnowledgeService, type ScoredArticle, suggestionCount } from './knowledge.service';
import {
  ArchiveArticleInput,
  ArchiveArticlePayload,
  ArticleConnection,
  ArticleFilter,
  ArticleNode,
  ArticleSearchConnection,
  ArticleSuggestion,
  ArticleVersionNode,
  CreateArticleInput,
  CreateArticlePayload,
  KnownErrorNode,
  LinkArticleToTicketInput,
  LinkArticleToTicketPayload,
  PublishArticleInput,
  PublishArticlePayload,
  RateArticleInput,
  RateArticlePayload,
  RecordKnownErrorInput,
  RecordKnownErrorPayload,
  SearchArticlesArgs,
  SubmitArticleForReviewInput,
  SubmitArticleForReviewPayload,
  UpdateArticleInput,
  UpdateArticlePayload,
} from './knowledge.types';

const WORKERS = [Role.AGENT, Role.ADMIN];
const VOTERS = [Role.REQUESTER, Role.AGENT, Role.ADMIN];

const toSuggestion = (scored: ScoredArticle) =>
  Object.assign(new ArticleSuggestion(), { article: ArticleNode.from(scored.article), rank: scored.rank, snippet: scored.snippet });

/**
 * Reading the knowledge base. No class-level @Authorized: anonymous callers read it too, and see
 * published public articles only (knowledgePolicy decides on every path).
 */
@Resolver(() => ArticleNode)
export class ArticlesResolver {
  @Query(() => ArticleNode, { nullable: true, description: 'An article; null when unknown or not visible.' })
  async article(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ArticleNode | null> {
    const article = await ctx.loaders.get(articleById).load(filterId(id, 'Article'));
    return article && knowledgePolicy.canSee(ctx.viewer, article) ? ArticleNode.from(article) : null;
  }

  @Query(() => ArticleConnection, { description: 'Articles the viewer may see, most recently changed first.' })
  async articles(@Args() args: ConnectionArgs, @Arg('filter', () => ArticleFilter, { nullable: true }) filter: ArticleFilter | null, @Ctx() ctx: Context) {
    const page = await new KnowledgeService(ctx).list(ctx.viewer, { ...filter, authorIds: filterIds(filter?.authorIds, 'User') }, args);
    return toConnection(ArticleConnection, page, ArticleNode.from);
  }

  @Query(() => ArticleSearchConnection, {
    description:
      'Full-text search, best first, each article in its own language (word forms, accents ignored), with typo tolerance. Requesters and anonymous callers search published public articles only.',
  })
  async searchArticles(@Args() args: SearchArticlesArgs, @Ctx() ctx: Context): Promise<ArticleSearchConnection> {
    const page = await new KnowledgeService(ctx).search(ctx.viewer, args, args);
    const edges = page.edges.map((edge) => ({ cursor: edge.cursor, node: ArticleNode.from(edge.article), rank: edge.rank, snippet: edge.snippet }));
    return Object.assign(new ArticleSearchConnection(), { edges, nodes: edges.map((edge) => edge.node), pageInfo: page.pageInfo, countTotal: page.totalCount });
  }

  @Query(() => [ArticleSuggestion], {
    description: 'Published articles that may answer a draft (e.g. a ticket’s title and description before it is opened), best first, within the viewer’s visibility.',
  })
  async suggestArticles(
    @Arg('text') text: string,
    @Arg('language', () => String, { nullable: true, description: 'Only articles in this language; default: every language.' }) language: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Default 5, at most 20.' }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ArticleSuggestion[]> {
    return (await new KnowledgeService(ctx).suggest(ctx.viewer, text, { language, first })).map(toSuggestion);
  }

  // The people of an article are seen as users are (anonymous callers see none).
  @FieldResolver(() => UserNode, { nullable: true, description: 'Who wrote it.' })
  async author(@Root() article: ArticleNode, @Ctx() ctx: Context): Promise<UserNode | null> {
    // Anonymous callers see no one (usersPolicy): not even worth a query.
    const user = ctx.viewer ? await ctx.loaders.get(userById).load(article.authorId) : null;
    return user && usersPolicy.canSeeUser(ctx.viewer, user) ? UserNode.from(user) : null;
  }

  @FieldResolver(() => UserNode, { nullable: true, description: 'Who published it: the reviewer, or who recorded the known error.' })
  async publishedBy(@Root() article: ArticleNode, @Ctx() ctx: Context): Promise<UserNode | null> {
    const user = ctx.viewer && article.publishedById ? await ctx.loaders.get(userById).load(article.publishedById) : null;
    return user && usersPolicy.canSeeUser(ctx.viewer, user) ? UserNode.from(user) : null;
  }

  @FieldResolver(() => [ArticleVersionNode], {
    description: 'Its text after each edit, newest first (for staff; others see the current version only).',
  })
  async versions(@Root() article: ArticleNode, @Ctx() ctx: Context): Promise<ArticleVersionNode[]> {
    if (knowledgePolicy.canSeeHistory(ctx.viewer)) return (await ctx.loaders.get(versionsByArticleId).load(article.databaseId)).map(ArticleVersionNode.from);
    const latest = await ctx.loaders.get(latestVersionByArticleId).load(article.databaseId);
    return latest ? [ArticleVersionNode.from(latest)] : [];
  }

  @FieldResolver(() => KnownErrorNode, { nullable: true, description: 'Set when the article is the known error of a problem the viewer may see.' })
  async knownError(@Root() article: ArticleNode, @Ctx() ctx: Context): Promise<KnownErrorNode | null> {
    if (!article.knownErrorProblemId || article.knownErrorWorkaround === null) return null;
    const problem = await ctx.loaders.get(ticketById).load(article.knownErrorProblemId);
    if (!problem || !ticketsPolicy.canSee(ctx.viewer, problem)) return null;
    return Object.assign(new KnownErrorNode(), { problem: TicketNode.from(problem), workaround: article.knownErrorWorkaround });
  }

  @FieldResolver(() => [TicketNode], { description: 'Tickets it helped with ("resolved with"), among those the viewer may see.' })
  async linkedTickets(@Root() article: ArticleNode, @Ctx() ctx: Context): Promise<TicketNode[]> {
    const ids = await ctx.loaders.get(ticketIdsByArticleId).load(article.databaseId);
    const tickets = await ctx.loaders.get(ticketById).loadMany(ids);
    return tickets.filter((ticket): ticket is Ticket => ticket instanceof Ticket && ticketsPolicy.canSee(ctx.viewer, ticket)).map(TicketNode.from);
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'The viewer’s vote: true (helpful), false (not helpful), or null.' })
  async viewerVote(@Root() article: ArticleNode, @Ctx() ctx: Context): Promise<boolean | null> {
    return ctx.viewer ? ctx.loaders.get(voteByUserArticle).load(`${ctx.viewer.id}:${article.databaseId}`) : null;
  }
}

@Authorized()
@Resolver()
export class ArticleMutationsResolver {
  @Authorized(...WORKERS)
  @Mutation(() => CreateArticlePayload, { description: 'A DRAFT, and its first version.' })
  createArticle(@Arg('input') input: CreateArticleInput, @Ctx() ctx: Context): Promise<CreateArticlePayload> {
    return toPayload(CreateArticlePayload, 'article', async () => ArticleNode.from(await new KnowledgeService(ctx).createArticle(input)));
  }

  @Authorized(...WORKERS)
  @Mutation(() => UpdateArticlePayload, { description: 'Edits an article; every edit is a new, immutable version.' })
  updateArticle(@Arg('input') input: UpdateArticleInput, @Ctx() ctx: Context): Promise<UpdateArticlePayload> {
    return toPayload(UpdateArticlePayload, 'article', async () =>
      ArticleNode.from(await new KnowledgeService(ctx).updateArticle({ ...input, id: parseId(input.id, 'Article', 'id') })),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => SubmitArticleForReviewPayload, { description: 'DRAFT (or ARCHIVED) → IN_REVIEW.' })
  submitArticleForReview(@Arg('input') input: SubmitArticleForReviewInput, @Ctx() ctx: Context): Promise<SubmitArticleForReviewPayload> {
    return toPayload(SubmitArticleForReviewPayload, 'article', async () =>
      ArticleNode.from(await new KnowledgeService(ctx).submitArticleForReview({ ...input, id: parseId(input.id, 'Article', 'id') })),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => PublishArticlePayload, { description: 'IN_REVIEW → PUBLISHED, by an admin or an agent other than the author.' })
  publishArticle(@Arg('input') input: PublishArticleInput, @Ctx() ctx: Context): Promise<PublishArticlePayload> {
    return toPayload(PublishArticlePayload, 'article', async () =>
      ArticleNode.from(await new KnowledgeService(ctx).publishArticle({ ...input, id: parseId(input.id, 'Article', 'id') })),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => ArchiveArticlePayload, { description: 'Withdraws an article (from any other status).' })
  archiveArticle(@Arg('input') input: ArchiveArticleInput, @Ctx() ctx: Context): Promise<ArchiveArticlePayload> {
    return toPayload(ArchiveArticlePayload, 'article', async () =>
      ArticleNode.from(await new KnowledgeService(ctx).archiveArticle({ ...input, id: parseId(input.id, 'Article', 'id') })),
    );
  }

  @Authorized(...VOTERS)
  @Mutation(() => RateArticlePayload, { description: 'Says whether a published article helped: one vote per person, which voting again changes.' })
  rateArticle(@Arg('input') input: RateArticleInput, @Ctx() ctx: Context): Promise<RateArticlePayload> {
    return toPayload(RateArticlePayload, 'article', async () =>
      ArticleNode.from(await new KnowledgeService(ctx).rateArticle({ ...input, id: parseId(input.id, 'Article', 'id') })),
    );
  }

  @Authorized(...WORKERS)
  @Mutation(() => LinkArticleToTicketPayload, { description: 'Records that an article helped with a ticket ("resolved with").' })
  async linkArticleToTicket(@Arg('input') input: LinkArticleToTicketInput, @Ctx() ctx: Context): Promise<LinkArticleToTicketPayload> {
    let ticket: TicketNode | null = null;
    const payload = await toPayload(LinkArticleToTicketPayload, 'article', async () => {
      const linked = await new KnowledgeService(ctx).linkArticleToTicket({
        articleId: parseId(input.articleId, 'Article', 'articleId'),
        ticketId: parseId(input.ticketId, 'Ticket', 'ticketId'),
      });
      ticket = TicketNode.from(linked.ticket);
      return ArticleNode.from(linked.article);
    });
    payload.ticket = payload.article ? ticket : null;
    return payload;
  }

  @Authorized(...WORKERS)
  @Mutation(() => RecordKnownErrorPayload, {
    description: 'Publishes a problem’s known error as an INTERNAL article with its workaround, linked to the problem and suggested first on its incidents.',
  })
  recordKnownError(@Arg('input') input: RecordKnownErrorInput, @Ctx() ctx: Context): Promise<RecordKnownErrorPayload> {
    return toPayload(RecordKnownErrorPayload, 'article', async () =>
      ArticleNode.from(await new KnowledgeService(ctx).recordKnownError({ ...input, problemId: parseId(input.problemId, 'Ticket', 'problemId') })),
    );
  }
}

@Resolver(() => ArticleVersionNode)
export class ArticleVersionResolver {
  @FieldResolver(() => UserNode, { nullable: true, description: 'Who made the edit.' })
  async editor(@Root() version: ArticleVersionNode, @Ctx() ctx: Context): Promise<UserNode | null> {
    const user = ctx.viewer ? await ctx.loaders.get(userById).load(version.editorId) : null;
    return user && usersPolicy.canSeeUser(ctx.viewer, user) ? UserNode.from(user) : null;
  }

  @FieldResolver(() => ArticleNode, { description: 'The article, as it is now.' })
  async article(@Root() version: ArticleVersionNode, @Ctx() ctx: Context): Promise<ArticleNode> {
    return ArticleNode.from((await ctx.loaders.get(articleById).load(version.articleId))!);
  }
}

/** Knowledge on tickets, added to the Ticket type from this module. */
@Authorized()
@Resolver(() => TicketNode)
export class TicketKnowledgeResolver {
  @FieldResolver(() => [ArticleSuggestion], {
    description:
      'Published articles that may answer this ticket, ranked against its title and description, within the viewer’s visibility; the known error of a problem it is caused by comes first.',
  })
  async suggestedArticles(
    @Root() ticket: TicketNode,
    @Arg('first', () => Int, { nullable: true, description: 'Default 5, at most 20.' }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ArticleSuggestion[]> {
    const count = suggestionCount(first);
    const key = `${knowledgePolicy.scopeKey(ctx.viewer)}:${count}:${ticket.databaseId}`;
    return (await ctx.loaders.get(suggestionsByTicket).load(key)).map(toSuggestion);
  }

  @FieldResolver(() => [ArticleNode], { description: 'Articles linked to this ticket ("resolved with") that the viewer may read.' })
  async linkedArticles(@Root() ticket: TicketNode, @Ctx() ctx: Context): Promise<ArticleNode[]> {
    const ids = await ctx.loaders.get(articleIdsByTicketId).load(ticket.databaseId);
    const articles = await ctx.loaders.get(articleById).loadMany(ids);
    return articles.filter((article): article is Article => article instanceof Article && knowledgePolicy.canSee(ctx.viewer, article)).map(ArticleNode.from);
  }
}

export const knowledgeNodeFetchers = {
  Article: async (ctx: Context, id: string) => {
    const article = await ctx.loaders.get(articleById).load(id);
    return article && knowledgePolicy.canSee(ctx.viewer, article) ? ArticleNode.from(article) : null;
  },
  ArticleVersion: async (ctx: Context, id: string) => {
    const version = await ctx.em.findOne(ArticleVersion, id);
    const article = version && (await ctx.loaders.get(articleById).load(version.article.id));
    if (!version || !article || !knowledgePolicy.canSee(ctx.viewer, article)) return null;
    // Without the history, only the current text.
    if (!knowledgePolicy.canSeeHistory(ctx.viewer) && version.version !== (await ctx.loaders.get(latestVersionByArticleId).load(article.id))?.version) return null;
    return ArticleVersionNode.from(version);
  },
};
