import { registerEnumType } from 'type-graphql';

export enum ArticleStatus {
  DRAFT = 'DRAFT',
  IN_REVIEW = 'IN_REVIEW',
  PUBLISHED = 'PUBLISHED',
  ARCHIVED = 'ARCHIVED',
}

export enum ArticleVisibility {
  PUBLIC = 'PUBLIC',
  INTERNAL = 'INTERNAL',
}

registerEnumType(ArticleStatus, {
  name: 'ArticleStatus',
  valuesConfig: {
    DRAFT: { description: 'Being written; staff only.' },
    IN_REVIEW: { description: 'Submitted for review: an admin, or an agent other than the author, may publish it.' },
    PUBLISHED: { description: 'Live: requesters and anonymous callers see it when it is PUBLIC too.' },
    ARCHIVED: { description: 'Withdrawn; staff only. Submitting it for review again revives it.' },
  },
});
registerEnumType(ArticleVisibility, {
  name: 'ArticleVisibility',
  valuesConfig: {
    PUBLIC: { description: 'For everyone once published, anonymous callers included.' },
    INTERNAL: { description: 'For the desk’s staff only (procedures, known errors).' },
  },
});

/** The lifecycle: every move not listed here is INVALID_TRANSITION. */
export const ARTICLE_TRANSITIONS: Record<ArticleStatus, readonly ArticleStatus[]> = {
  DRAFT: [ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED],
  IN_REVIEW: [ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED],
  PUBLISHED: [ArticleStatus.ARCHIVED],
  ARCHIVED: [ArticleStatus.IN_REVIEW],
};

/**
 * The languages articles may be written in, each with the text search configuration that builds
 * its search vector (stemming, accents folded: see the Tickets and Knowledge migrations). Adding
 * one means a configuration and `article_search_config()` in a migration too.
 */
export const ARTICLE_LANGUAGES = {
  en: 'deskgraph_english',
  fr: 'deskgraph_french',
} as const;

export type ArticleLanguage = keyof typeof ARTICLE_LANGUAGES;

export const LANGUAGE_CODES = Object.keys(ARTICLE_LANGUAGES) as ArticleLanguage[];

/** 'en', 'FR ', … to a supported code; null for anything else. */
export function articleLanguage(value: string): ArticleLanguage | null {
  const code = value.trim().toLowerCase();
  return Object.hasOwn(ARTICLE_LANGUAGES, code) ? (code as ArticleLanguage) : null;
}
