import type { EntityManager } from '@mikro-orm/postgresql';
import { Article, type ArticleRecord } from './knowledge.entities';
import { ARTICLE_LANGUAGES, type ArticleLanguage, type ArticleStatus, type ArticleVisibility } from './knowledge.enums';

/**
 * The SQL of search and suggestions, one statement each, shared by the service and the benchmark's
 * baseline (which runs the very same statements without GraphQL).
 *
 * An article is matched in its own language: its search vector was built with that language's
 * configuration (see the Knowledge migration), so the query is parsed with each configuration and
 * each article is tested against the query of its language. `knowledge_tsquery()` adds typo
 * tolerance (unknown words also match close vocabulary words by trigrams). Ranks are `ts_rank`
 * with normalization 1|32: shorter documents first among equals, and always below 1, so that a
 * known error of the ticket's problem (rank 1 + text rank) sorts above any text match.
 */

/** ts_headline options: hits in <mark>…</mark>, up to two fragments of about 15 to 35 words. */
const HEADLINE = 'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "';

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** Verbatim SQL text inside an `sql` template. */
class Raw {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new Raw(text);

/**
 * An SQL statement from a template: interpolated statements are inlined with their parameters,
 * `raw()` text verbatim, anything else becomes a `?` parameter, so parameters are always in the
 * order of their placeholders.
 */
function sql(strings: TemplateStringsArray, ...parts: unknown[]): SqlStatement {
  let text = strings[0];
  const params: unknown[] = [];
  parts.forEach((part, index) => {
    if (part instanceof Raw) text += part.text;
    else if (isStatement(part)) {
      text += part.sql;
      params.push(...part.params);
    } else {
      text += '?';
      params.push(part);
    }
    text += strings[index + 1];
  });
  return { sql: text, params };
}
const isStatement = (part: unknown): part is SqlStatement => typeof part === 'object' && part !== null && 'sql' in part && 'params' in part;
const EMPTY = sql``;

const pgArray = (values: readonly string[]) => `{${values.map((value) => `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`).join(',')}}`;

const columnLists = new WeakMap<object, string>();

/** `a.col1, a.col2 …`: the columns an Article entity is mapped from (the search vector left out); computed once per ORM. */
function articleColumns(em: EntityManager): string {
  const meta = em.getMetadata().get(Article);
  let columns = columnLists.get(meta);
  if (!columns) {
    columns = meta.props
      .filter((prop) => !prop.lazy && prop.persist !== false && prop.fieldNames?.length)
      .flatMap((prop) => prop.fieldNames)
      .map((column) => `a."${column}"`)
      .join(', ');
    columnLists.set(meta, columns);
  }
  return columns;
}

const timestamp = (value: unknown) => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));
const reference = (value: unknown) => (value === null || value === undefined ? null : { id: String(value) });

/**
 * An article from the columns of articleColumns(), without an entity: search results are only
 * read, and hydrating entities costs more than the rest of the mapping together.
 */
export function articleFromRow(row: Record<string, unknown>): ArticleRecord {
  return {
    id: String(row.id),
    title: String(row.title),
    body: String(row.body),
    status: row.status as ArticleStatus,
    visibility: row.visibility as ArticleVisibility,
    language: String(row.language),
    category: (row.category as string | null) ?? null,
    tags: (row.tags as string[]) ?? [],
    version: Number(row.version),
    publishedAt: timestamp(row.published_at),
    helpfulCount: Number(row.helpful_count),
    notHelpfulCount: Number(row.not_helpful_count),
    knownErrorWorkaround: (row.known_error_workaround as string | null) ?? null,
    createdAt: timestamp(row.created_at)!,
    updatedAt: timestamp(row.updated_at)!,
    author: reference(row.author_id)!,
    publishedBy: reference(row.published_by_id),
    knownErrorProblem: reference(row.known_error_problem_id),
  };
}

/** Per-language pieces of the statements, for the languages searched. */
function languageSql(languages: readonly ArticleLanguage[], queries: string) {
  const config = (code: ArticleLanguage) => `'${ARTICLE_LANGUAGES[code]}'::regconfig`;
  return {
    /** One tsquery column per language: q_en, q_fr … built from `text` (an SQL expression). */
    columns: (text: string, anyWord: boolean) =>
      languages.map((code) => `knowledge_tsquery(${config(code)}, ${text}, ${anyWord}) as q_${code}`).join(', '),
    /** The article matches the query of its language. */
    match: languages.map((code) => `(a.language = '${code}' and a.search_vector @@ ${queries}.q_${code})`).join(' or '),
    /** The query of the article's language. */
    query: `case a.language ${languages.map((code) => `when '${code}' then ${queries}.q_${code}`).join(' ')} end`,
    /** The configuration of the article's language. */
    config: `case a.language ${languages.map((code) => `when '${code}' then ${config(code)}`).join(' ')} end`,
  };
}

/** A snippet of the body around the hits; when the body has none (a title hit), of title and body. */
function snippetSql(config: string, query: string): string {
  return `(select case when strpos(body_hits.snippet, '<mark>') > 0 then body_hits.snippet
                       else ts_headline(${config}, article_snippet_text(a.title || E'\\n' || a.body), ${query}, '${HEADLINE}') end
             from (select ts_headline(${config}, article_snippet_text(a.body), ${query}, '${HEADLINE}') as snippet) body_hits)`;
}

export interface SearchSpec {
  query: string;
  languages: readonly ArticleLanguage[];
  /** An SQL condition on the article `a`: knowledgePolicy.sqlScope(). */
  scope: string;
  statuses?: readonly string[] | null;
}

/** The CTEs `tq` (the query in each language) and `hits` (every matching article with its rank). */
function searchHits(spec: SearchSpec): SqlStatement {
  const language = languageSql(spec.languages, 'tq');
  const statuses = spec.statuses?.length ? sql`and a.status = any(${pgArray(spec.statuses)}::article_status[])` : EMPTY;
  return sql`tq as materialized (select ${raw(language.columns('input.query', false))} from (select ${spec.query}::text as query) input),
  hits as (
    select a.id, ts_rank(a.search_vector, ${raw(language.query)}, 33)::float8 as rank
      from articles a, tq
     where (${raw(spec.scope)}) ${statuses} and (${raw(language.match)})
  )`;
}

/**
 * One page of search results by rank (then id), after a keyset position: up to `size` + 1 rows
 * (the extra one only says that there is a next page, and gets no snippet) with the articles'
 * columns, `rank` and `snippet`.
 */
export function searchPageSql(em: EntityManager, spec: SearchSpec, page: { after: { rank: number; id: string } | null; size: number }): SqlStatement {
  const language = languageSql(spec.languages, 'tq');
  const after = page.after
    ? sql`where hits.rank < ${page.after.rank}::float8 or (hits.rank = ${page.after.rank}::float8 and hits.id > ${page.after.id}::uuid)`
    : EMPTY;
  return sql`with ${searchHits(spec)},
  page as (select hits.id, hits.rank, row_number() over (order by hits.rank desc, hits.id) as position
             from hits ${after} order by hits.rank desc, hits.id limit ${page.size + 1})
select ${raw(articleColumns(em))}, page.rank,
       case when page.position <= ${page.size} then ${raw(snippetSql(language.config, language.query))} end as snippet
  from page
  join articles a on a.id = page.id
  cross join tq
 order by page.rank desc, page.id`;
}

/** How many articles the search matches, across pages. */
export function searchCountSql(spec: SearchSpec): SqlStatement {
  return sql`with ${searchHits(spec)} select count(*)::int as count from hits`;
}

export type SuggestionSource =
  /** Each ticket's title and description; known errors of the problems it is CAUSED_BY (or is) come first. */
  | { tickets: readonly string[] }
  /** A draft's text (the self-service flow, before a ticket exists). */
  | { text: string };

export interface SuggestSpec {
  source: SuggestionSource;
  languages: readonly ArticleLanguage[];
  /** An SQL condition on the article `a`: knowledgePolicy.sqlScope(…, 'suggest'). */
  scope: string;
  limit: number;
}

/** A suggestion's text: the title and the start of the description, which say what the ticket is about. */
const SUGGESTION_TEXT_CHARS = 2000;

/**
 * Up to `limit` suggestions per source row, ranked against its text with any-word matching: the
 * articles' columns, `suggestion_key` (the ticket id, or 'text'), `rank` and `snippet`.
 */
export function suggestionsSql(em: EntityManager, spec: SuggestSpec): SqlStatement {
  const language = languageSql(spec.languages, 'queries');
  const source =
    'tickets' in spec.source
      ? sql`select t.id::text as key, t.title || E'\\n' || left(t.description, ${raw(String(SUGGESTION_TEXT_CHARS))}) as text,
                array(select l.to_id from ticket_links l where l.from_id = t.id and l.kind = 'CAUSED_BY') || t.id as problems
           from tickets t
          where t.id = any(${pgArray(spec.source.tickets)}::uuid[])`
      : sql`select 'text'::text as key, ${spec.source.text}::text as text, '{}'::uuid[] as problems`;
  return sql`with source as (${source}),
  queries as materialized (select source.key, source.problems, ${raw(language.columns('source.text', true))} from source)
select queries.key as suggestion_key, ${raw(articleColumns(em))}, hit.rank, ${raw(snippetSql(language.config, language.query))} as snippet
  from queries
  cross join lateral (
    select a.id, (coalesce(a.known_error_problem_id = any(queries.problems), false)::int + ts_rank(a.search_vector, ${raw(language.query)}, 33))::float8 as rank
      from articles a
     where (${raw(spec.scope)}) and (${raw(language.match)} or a.known_error_problem_id = any(queries.problems))
     order by rank desc, a.id
     limit ${spec.limit}
  ) hit
  join articles a on a.id = hit.id
 order by queries.key, hit.rank desc, hit.id`;
}
