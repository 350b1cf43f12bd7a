import { alignMany, alignOne, defineLoader } from '../../graphql/loaders';
import { Article, ArticleTicketLink, ArticleVersion, ArticleVote } from './knowledge.entities';
import type { ArticleScope } from './knowledge.policy';
import { KnowledgeService, type ScoredArticle } from './knowledge.service';

const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

export const articleById = defineLoader<string, Article | null>('articleById', async ({ em }, ids) =>
  alignOne(ids, await em.find(Article, { id: { $in: [...ids] } }), (article) => article.id),
);

/** Every version of each article, newest first. */
export const versionsByArticleId = defineLoader<string, ArticleVersion[]>('versionsByArticleId', async ({ em }, ids) =>
  alignMany(ids, await em.find(ArticleVersion, { article: { $in: [...ids] } }, { orderBy: { article: 'ASC', version: 'DESC' } }), (version) => version.article.id),
);

/** The current version of each article only (what someone who may not read the history sees). */
export const latestVersionByArticleId = defineLoader<string, ArticleVersion | null>('latestVersionByArticleId', async ({ em, read }, ids) => {
  const rows = await read<Record<string, unknown>>(
    'select distinct on (article_id) * from article_versions where article_id = any(?::uuid[]) order by article_id, version desc',
    [uuidArray(ids)],
  );
  return alignOne(ids, rows.map((row) => em.map(ArticleVersion, row)), (version) => version.article.id);
});

/** The tickets each article is linked to, oldest link first. */
export const ticketIdsByArticleId = defineLoader<string, string[]>('ticketIdsByArticleId', async ({ em }, ids) => {
  const links = await em.find(ArticleTicketLink, { article: { $in: [...ids] } }, { orderBy: { createdAt: 'ASC', ticket: 'ASC' } });
  return alignMany(ids, links, (link) => link.article.id).map((list) => list.map((link) => link.ticket.id));
});

/** The articles linked to each ticket, oldest link first. */
export const articleIdsByTicketId = defineLoader<string, string[]>('articleIdsByTicketId', async ({ em }, ids) => {
  const links = await em.find(ArticleTicketLink, { ticket: { $in: [...ids] } }, { orderBy: { createdAt: 'ASC', article: 'ASC' } });
  return alignMany(ids, links, (link) => link.ticket.id).map((list) => list.map((link) => link.article.id));
});

/** A person's vote on an article, keyed `userId:articleId` (the key names the voter, so it does not depend on who asks). */
export const voteByUserArticle = defineLoader<string, boolean | null>('voteByUserArticle', async ({ em }, keys) => {
  const pairs = keys.map((key) => key.split(':'));
  const votes = await em.find(ArticleVote, { $or: pairs.map(([user, article]) => ({ user, article })) });
  return alignOne(keys, votes, (vote) => `${vote.user.id}:${vote.article.id}`).map((vote) => vote?.helpful ?? null);
});

/**
 * Suggestions for tickets, keyed `scope:first:ticketId`: the tickets of one scope and page size are
 * ranked in one statement, however many tickets a page shows.
 */
export const suggestionsByTicket = defineLoader<string, ScoredArticle[]>('suggestionsByTicket', async (ctx, keys) => {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const [scope, first, ticketId] = key.split(':');
    const group = `${scope}:${first}`;
    groups.set(group, [...(groups.get(group) ?? []), ticketId]);
  }
  const results = new Map<string, ScoredArticle[]>();
  for (const [group, ticketIds] of groups) {
    const [scope, first] = group.split(':');
    const byTicket = await new KnowledgeService(ctx).suggestForTickets(scope as ArticleScope, ticketIds, Number(first));
    for (const ticketId of ticketIds) results.set(`${group}:${ticketId}`, byTicket.get(ticketId) ?? []);
  }
  return keys.map((key) => results.get(key) ?? []);
});
