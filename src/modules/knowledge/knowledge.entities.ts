import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, PrimaryKeyProp, Property, Unique, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base-entity';
import { Ticket } from '../tickets/tickets.entities';
import { User } from '../users/users.entities';
import { ArticleStatus, ArticleVisibility } from './knowledge.enums';

@Entity({ tableName: 'articles' })
@Index({ properties: ['updatedAt', 'id'] })
// What requesters list and search: published public articles.
@Index({ properties: ['status', 'visibility', 'updatedAt', 'id'] })
@Index({ properties: ['author', 'updatedAt'] })
@Index({ name: 'articles_search_idx', expression: 'create index "articles_search_idx" on "articles" using gin ("search_vector")' })
@Index({ name: 'articles_tags_idx', expression: 'create index "articles_tags_idx" on "articles" using gin ("tags")' })
// A problem has one known error.
@Index({
  name: 'articles_known_error_problem_idx',
  expression:
    'create unique index "articles_known_error_problem_idx" on "articles" ("known_error_problem_id") where "known_error_problem_id" is not null',
})
export class Article extends BaseEntity<
  | 'status'
  | 'visibility'
  | 'category'
  | 'tags'
  | 'publishedAt'
  | 'publishedBy'
  | 'helpfulCount'
  | 'notHelpfulCount'
  | 'knownErrorProblem'
  | 'knownErrorWorkaround'
> {
  @Property({ type: 'text' })
  title!: string;

  /** Markdown. */
  @Property({ type: 'text' })
  body!: string;

  @Enum({ items: () => ArticleStatus, nativeEnumName: 'article_status' })
  status: ArticleStatus = ArticleStatus.DRAFT;

  @Enum({ items: () => ArticleVisibility, nativeEnumName: 'article_visibility' })
  visibility: ArticleVisibility = ArticleVisibility.PUBLIC;

  /** A code of ARTICLE_LANGUAGES: it picks the text search configuration of the article. */
  @Property({ type: 'text' })
  language!: string;

  @Property({ type: 'text', nullable: true })
  category: string | null = null;

  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  tags: string[] = [];

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict' })
  author!: Ref<User>;

  @Property({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null = null;

  /** Who published it (the reviewer), or who recorded the known error. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  publishedBy: Ref<User> | null = null;

  /** Kept in step with article_votes by the voting command, without touching `version`. */
  @Property({ type: 'integer' })
  helpfulCount: number = 0;

  @Property({ type: 'integer' })
  notHelpfulCount: number = 0;

  /** Set on the known error of a problem (recordKnownError). */
  @ManyToOne(() => Ticket, { ref: true, nullable: true, deleteRule: 'set null' })
  knownErrorProblem: Ref<Ticket> | null = null;

  @Property({ type: 'text', nullable: true })
  knownErrorWorkaround: string | null = null;

  /**
   * Title (weight A), category and tags (B) and body (C) in the article's language, accents folded.
   * Kept by a trigger (see the migration); never written by the application.
   */
  @Property({ columnType: 'tsvector', nullable: true, lazy: true, hidden: true })
  searchVector?: string;
}

/**
 * What an article looks like to its readers: an Article entity has it, and so does a row of a
 * search statement mapped by articleFromRow() (search results are read-only: no entity needed).
 */
export type ArticleRecord = Pick<
  Article,
  | 'id'
  | 'title'
  | 'body'
  | 'status'
  | 'visibility'
  | 'language'
  | 'category'
  | 'tags'
  | 'version'
  | 'publishedAt'
  | 'helpfulCount'
  | 'notHelpfulCount'
  | 'knownErrorWorkaround'
  | 'createdAt'
  | 'updatedAt'
> & { author: { id: string }; publishedBy: { id: string } | null; knownErrorProblem: { id: string } | null };

/** The text of an article as one edit left it; immutable (a trigger refuses updates and deletes). */
@Entity({ tableName: 'article_versions' })
@Unique({ properties: ['article', 'version'] })
export class ArticleVersion {
  [OptionalProps]?: 'createdAt' | 'category' | 'tags';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Article, { ref: true, deleteRule: 'cascade' })
  article!: Ref<Article>;

  /** The article's `version` once this edit was saved. */
  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'text' })
  language!: string;

  @Enum({ items: () => ArticleVisibility, nativeEnumName: 'article_visibility' })
  visibility!: ArticleVisibility;

  @Property({ type: 'text', nullable: true })
  category: string | null = null;

  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  tags: string[] = [];

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict' })
  editor!: Ref<User>;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** One vote per person and article; voting again changes it. */
@Entity({ tableName: 'article_votes' })
export class ArticleVote {
  [PrimaryKeyProp]?: ['article', 'user'];
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @ManyToOne(() => Article, { primary: true, ref: true, deleteRule: 'cascade' })
  article!: Ref<Article>;

  @ManyToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade', index: true })
  user!: Ref<User>;

  @Property({ type: 'boolean' })
  helpful!: boolean;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

/** "Resolved with": an article that helps with a ticket. */
@Entity({ tableName: 'article_ticket_links' })
export class ArticleTicketLink {
  [PrimaryKeyProp]?: ['article', 'ticket'];
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Article, { primary: true, ref: true, deleteRule: 'cascade' })
  article!: Ref<Article>;

  @ManyToOne(() => Ticket, { primary: true, ref: true, deleteRule: 'cascade', index: true })
  ticket!: Ref<Ticket>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  createdBy!: Ref<User> | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/**
 * Every word (unaccented, lower case, 3 letters or more) that appears in an article: the
 * vocabulary that typo tolerance corrects unknown query words against, by trigram similarity.
 * Kept by triggers on articles (see the migration); it only grows.
 */
@Entity({ tableName: 'article_words' })
@Index({ name: 'article_words_trgm_idx', expression: 'create index "article_words_trgm_idx" on "article_words" using gin ("word" gin_trgm_ops)' })
export class ArticleWord {
  @PrimaryKey({ type: 'text' })
  word!: string;
}
