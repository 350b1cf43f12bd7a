import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../graphql/global-id';
import { ConnectionType, Node, PageInfo } from '../../graphql/relay';
import { Payload } from '../../graphql/user-errors';
import { TicketNode } from '../tickets/tickets.types';
import type { ArticleRecord, ArticleVersion } from './knowledge.entities';
import { ArticleStatus, ArticleVisibility } from './knowledge.enums';

@ObjectType('Article', { implements: Node, description: 'A knowledge base article: an answer for requesters, or an internal procedure or known error.' })
export class ArticleNode extends Node {
  @Field() title!: string;
  @Field({ description: 'Markdown.' }) body!: string;
  @Field(() => ArticleStatus) status!: ArticleStatus;
  @Field(() => ArticleVisibility) visibility!: ArticleVisibility;
  @Field({ description: 'Language code: en or fr. Search stems words by it.' }) language!: string;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => [String]) tags!: string[];
  @Field(() => Int, { description: 'Moves on with every change of the article (edit or status); pass it as `expectedVersion`.' }) version!: number;
  @Field(() => Date, { nullable: true, description: 'When it was last published.' }) publishedAt!: Date | null;
  @Field(() => Int, { description: 'People who found it helpful.' }) helpfulCount!: number;
  @Field(() => Int, { description: 'People who did not.' }) notHelpfulCount!: number;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  databaseId!: string;
  authorId!: string;
  publishedById!: string | null;
  knownErrorProblemId!: string | null;
  knownErrorWorkaround!: string | null;

  static from(article: ArticleRecord): ArticleNode {
    return Object.assign(new ArticleNode(), {
      id: toGlobalId('Article', article.id),
      databaseId: article.id,
      title: article.title,
      body: article.body,
      status: article.status,
      visibility: article.visibility,
      language: article.language,
      category: article.category,
      tags: article.tags,
      version: article.version,
      publishedAt: article.publishedAt,
      helpfulCount: article.helpfulCount,
      notHelpfulCount: article.notHelpfulCount,
      createdAt: article.createdAt,
      updatedAt: article.updatedAt,
      authorId: article.author.id,
      publishedById: article.publishedBy?.id ?? null,
      knownErrorProblemId: article.knownErrorProblem?.id ?? null,
      knownErrorWorkaround: article.knownErrorWorkaround,
    });
  }
}

@ObjectType('ArticleVersion', { implements: Node, description: 'The text of an article as one edit left it; immutable.' })
export class ArticleVersionNode extends Node {
  @Field(() => Int, { description: 'The article’s `version` once this edit was saved.' }) version!: number;
  @Field() title!: string;
  @Field({ description: 'Markdown.' }) body!: string;
  @Field() language!: string;
  @Field(() => ArticleVisibility) visibility!: ArticleVisibility;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => [String]) tags!: string[];
  @Field({ description: 'When the edit was saved.' }) createdAt!: Date;
  editorId!: string;
  articleId!: string;

  static from(version: ArticleVersion): ArticleVersionNode {
    return Object.assign(new ArticleVersionNode(), {
      id: toGlobalId('ArticleVersion', version.id),
      version: version.version,
      title: version.title,
      body: version.body,
      language: version.language,
      visibility: version.visibility,
      category: version.category,
      tags: version.tags,
      createdAt: version.createdAt,
      editorId: version.editor.id,
      articleId: version.article.id,
    });
  }
}

@ObjectType('KnownError', { description: 'A problem’s known error (KEDB): its workaround until the root cause is fixed.' })
export class KnownErrorNode {
  @Field(() => TicketNode, { description: 'The PROBLEM ticket.' }) problem!: TicketNode;
  @Field({ description: 'What to do meanwhile.' }) workaround!: string;
}

@ObjectType('ArticleSearchEdge', { description: 'A search hit.' })
export class ArticleSearchEdge {
  @Field() cursor!: string;
  @Field(() => ArticleNode) node!: ArticleNode;
  @Field(() => Float, { description: 'Relevance: higher is better (title hits weigh most, then category and tags, then body).' }) rank!: number;
  @Field({ description: 'HTML-escaped text around the hits, each hit in <mark>…</mark>.' }) snippet!: string;
}

@ObjectType('ArticleSearchConnection', { description: 'Search results, best first.' })
export class ArticleSearchConnection {
  @Field(() => [ArticleSearchEdge]) edges!: ArticleSearchEdge[];
  @Field(() => [ArticleNode]) nodes!: ArticleNode[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  countTotal!: () => Promise<number>;

  @Field(() => Int, { description: 'All articles matching, across every page.' })
  totalCount(): Promise<number> {
    return this.countTotal();
  }
}

@ObjectType('ArticleSuggestion', { description: 'An article that may answer a ticket or a draft.' })
export class ArticleSuggestion {
  @Field(() => ArticleNode) article!: ArticleNode;
  @Field(() => Float, { description: 'Relevance: higher is better; 1 and above for the known error of a problem the ticket is caused by.' })
  rank!: number;
  @Field({ description: 'HTML-escaped text around the hits, each hit in <mark>…</mark>.' }) snippet!: string;
}

export const ArticleConnection = ConnectionType(ArticleNode, 'Article');

@InputType({ description: 'Lists are OR within a field, fields are AND; an absent field does not filter.' })
export class ArticleFilter {
  @Field(() => [ArticleStatus], { nullable: true }) status?: ArticleStatus[];
  @Field(() => [ArticleVisibility], { nullable: true }) visibility?: ArticleVisibility[];
  @Field(() => [String], { nullable: true, description: 'Language codes.' }) languages?: string[];
  @Field(() => [String], { nullable: true }) categories?: string[];
  @Field(() => [String], { nullable: true, description: 'Any of these tags.' }) tags?: string[];
  @Field(() => [ID], { nullable: true }) authorIds?: string[];
}

@ArgsType()
export class SearchArticlesArgs {
  @Field({ description: 'Words as in a web search engine: all of them, "a phrase", this or that, -not this. Misspelled words also match close ones.' })
  query!: string;

  @Field(() => String, { nullable: true, description: 'Only articles in this language (en, fr), with its word forms; default: every language, each in its own.' })
  language?: string | null;

  @Field(() => [ArticleStatus], { nullable: true, description: 'Only these statuses (staff see every status; others published articles only).' })
  status?: ArticleStatus[] | null;

  @Field(() => Int, { nullable: true, description: 'Results after `after`; default 20, at most 100.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@InputType()
export class CreateArticleInput {
  @Field({ description: '1 to 200 characters.' }) title!: string;
  @Field({ description: 'Markdown, not blank.' }) body!: string;
  @Field({ nullable: true, description: 'en or fr; default: the author’s locale when it is one of them, else en.' }) language?: string;
  @Field(() => ArticleVisibility, { nullable: true, description: 'Default PUBLIC (it is seen outside the desk only once published, after review).' })
  visibility?: ArticleVisibility;
  @Field({ nullable: true }) category?: string;
  @Field(() => [String], { nullable: true }) tags?: string[];
}

@ObjectType()
export class CreateArticlePayload extends Payload {
  @Field(() => ArticleNode, { nullable: true }) article!: ArticleNode | null;
}

@InputType()
export class UpdateArticleInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
  @Field({ nullable: true }) title?: string;
  @Field({ nullable: true }) body?: string;
  @Field({ nullable: true }) language?: string;
  @Field(() => ArticleVisibility, { nullable: true, description: 'Making a published article PUBLIC takes an admin or an agent other than the author.' })
  visibility?: ArticleVisibility;
  @Field(() => String, { nullable: true, description: 'null removes it.' }) category?: string | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the tags.' }) tags?: string[];
}

@ObjectType()
export class UpdateArticlePayload extends Payload {
  @Field(() => ArticleNode, { nullable: true }) article!: ArticleNode | null;
}

@InputType()
export class SubmitArticleForReviewInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@ObjectType()
export class SubmitArticleForReviewPayload extends Payload {
  @Field(() => ArticleNode, { nullable: true }) article!: ArticleNode | null;
}

@InputType()
export class PublishArticleInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true, description: 'The version the reviewer read: a later edit makes it STALE_VERSION.' }) expectedVersion?: number | null;
}

@ObjectType()
export class PublishArticlePayload extends Payload {
  @Field(() => ArticleNode, { nullable: true }) article!: ArticleNode | null;
}

@InputType()
export class ArchiveArticleInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@ObjectType()
export class ArchiveArticlePayload extends Payload {
  @Field(() => ArticleNode, { nullable: true }) article!: ArticleNode | null;
}

@InputType()
export class RateArticleInput {
  @Field(() => ID) id!: string;
  @Field({ description: 'Whether the article helped; voting again changes the vote.' }) helpful!: boolean;
}

@ObjectType()
export class RateArticlePayload extends Payload {
  @Field(() => ArticleNode, { nullable: true }) article!: ArticleNode | null;
}

@InputType()
export class LinkArticleToTicketInput {
  @Field(() => ID) articleId!: string;
  @Field(() => ID) ticketId!: string;
}

@ObjectType()
export class LinkArticleToTicketPayload extends Payload {
  @Field(() => ArticleNode, { nullable: true }) article!: ArticleNode | null;
  @Field(() => TicketNode, { nullable: true }) ticket!: TicketNode | null;
}

@InputType()
export class RecordKnownErrorInput {
  @Field(() => ID, { description: 'A PROBLEM ticket.' }) problemId!: string;
  @Field({ description: 'What to do until the root cause is fixed (Markdown).' }) workaround!: string;
  @Field({ nullable: true, description: 'Default: the problem’s title.' }) title?: string;
  @Field({ nullable: true, description: 'en or fr; default: the recorder’s locale when it is one of them, else en.' }) language?: string;
}

@ObjectType()
export class RecordKnownErrorPayload extends Payload {
  @Field(() => ArticleNode, { nullable: true, description: 'The INTERNAL, published known error article.' }) article!: ArticleNode | null;
}
