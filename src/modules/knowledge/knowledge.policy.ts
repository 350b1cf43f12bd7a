import type { FilterQuery } from '@mikro-orm/core';
import { isStaff, Role } from '../../auth/roles';
import type { Viewer } from '../../auth/viewer';
import type { Article } from './knowledge.entities';
import { ArticleStatus, ArticleVisibility } from './knowledge.enums';

/** all: every article (staff); public: published public ones (everyone else). */
export type ArticleScope = 'all' | 'public';

/** What a visibility decision needs to know of an article (an Article entity has it). */
export interface ArticleExposure {
  status: ArticleStatus;
  visibility: ArticleVisibility;
}

/**
 * Who may see and do what with knowledge: every article path (lists, search, suggestions, node,
 * links, versions, snippets, mutations) asks here.
 *
 * Staff (agents, admins, analysts) see every article in every status. Everyone else, requesters
 * and anonymous callers alike, sees PUBLISHED + PUBLIC articles only, and of those only the
 * current text (never an earlier version, never a snippet of anything else). Agents and admins
 * write; an article is published by an admin or by an agent other than its author.
 */
export const knowledgePolicy = {
  /** Whether the viewer sees every article (else only published public ones). */
  seesAll(viewer: Viewer | null): boolean {
    return viewer !== null && isStaff(viewer.role);
  },

  /** The articles a viewer may see, as a query condition. */
  scope(viewer: Viewer | null): FilterQuery<Article> {
    return this.seesAll(viewer) ? {} : { status: ArticleStatus.PUBLISHED, visibility: ArticleVisibility.PUBLIC };
  },

  canSee(viewer: Viewer | null, article: ArticleExposure): boolean {
    return this.seesAll(viewer) || (article.status === ArticleStatus.PUBLISHED && article.visibility === ArticleVisibility.PUBLIC);
  },

  /** A key naming what a viewer may see (all, or published public), for loaders shared between viewers. */
  scopeKey(viewer: Viewer | null): ArticleScope {
    return this.seesAll(viewer) ? 'all' : 'public';
  },

  /**
   * The same rule as SQL over an `articles` row named `alias`, for search. Suggestions are answers,
   * so they come from published articles only, whoever asks.
   */
  sqlScope(scope: ArticleScope, alias: string, purpose: 'search' | 'suggest'): string {
    const published = `${alias}.status = '${ArticleStatus.PUBLISHED}'`;
    if (scope === 'all') return purpose === 'suggest' ? published : 'true';
    return `${published} and ${alias}.visibility = '${ArticleVisibility.PUBLIC}'`;
  },

  /** Earlier versions (drafts, text before review) are for staff; others read the current text only. */
  canSeeHistory(viewer: Viewer | null): boolean {
    return this.seesAll(viewer);
  },

  /** Agents and admins write articles, move them through review, and link them to tickets. */
  canWrite(viewer: Viewer | null): boolean {
    return viewer?.role === Role.AGENT || viewer?.role === Role.ADMIN;
  },

  /** Four eyes: an admin, or an agent who did not write the article. */
  canPublish(viewer: Viewer | null, article: { author: { id: string } }): boolean {
    return viewer?.role === Role.ADMIN || (viewer?.role === Role.AGENT && article.author.id !== viewer.id);
  },

  /** Everyone signed in who reads articles may say whether one helped; analysts only read. */
  canVote(viewer: Viewer | null): boolean {
    return viewer !== null && viewer.role !== Role.ANALYST;
  },
};
