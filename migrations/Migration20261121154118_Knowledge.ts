import { Migration } from '@mikro-orm/migrations';

export class Migration20261121154118_Knowledge extends Migration {

  override async up(): Promise<void> {
    // Trigram similarity, for typo tolerance (a trusted contrib extension, like unaccent).
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create type "article_status" as enum ('DRAFT', 'IN_REVIEW', 'PUBLISHED', 'ARCHIVED');`);
    this.addSql(`create type "article_visibility" as enum ('PUBLIC', 'INTERNAL');`);
    this.addSql(`create table "article_words" ("word" text not null, constraint "article_words_pkey" primary key ("word"));`);
    this.addSql(`create index "article_words_trgm_idx" on "article_words" using gin ("word" gin_trgm_ops);`);

    this.addSql(`create table "articles" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "title" text not null, "body" text not null, "status" "article_status" not null default 'DRAFT', "visibility" "article_visibility" not null default 'PUBLIC', "language" text not null, "category" text null, "tags" text[] not null default '{}', "author_id" uuid not null, "published_at" timestamptz null, "published_by_id" uuid null, "helpful_count" int not null default 0, "not_helpful_count" int not null default 0, "known_error_problem_id" uuid null, "known_error_workaround" text null, "search_vector" tsvector null, constraint "articles_pkey" primary key ("id"));`);
    this.addSql(`create unique index "articles_known_error_problem_idx" on "articles" ("known_error_problem_id") where "known_error_problem_id" is not null;`);
    this.addSql(`create index "articles_tags_idx" on "articles" using gin ("tags");`);
    this.addSql(`create index "articles_search_idx" on "articles" using gin ("search_vector");`);
    this.addSql(`create index "articles_author_id_updated_at_index" on "articles" ("author_id", "updated_at");`);
    this.addSql(`create index "articles_status_visibility_updated_at_id_index" on "articles" ("status", "visibility", "updated_at", "id");`);
    this.addSql(`create index "articles_updated_at_id_index" on "articles" ("updated_at", "id");`);

    this.addSql(`create table "article_votes" ("article_id" uuid not null, "user_id" uuid not null, "helpful" boolean not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "article_votes_pkey" primary key ("article_id", "user_id"));`);
    this.addSql(`create index "article_votes_user_id_index" on "article_votes" ("user_id");`);

    this.addSql(`create table "article_versions" ("id" uuid not null, "article_id" uuid not null, "version" int not null, "title" text not null, "body" text not null, "language" text not null, "visibility" "article_visibility" not null, "category" text null, "tags" text[] not null default '{}', "editor_id" uuid not null, "created_at" timestamptz not null, constraint "article_versions_pkey" primary key ("id"));`);
    this.addSql(`alter table "article_versions" add constraint "article_versions_article_id_version_unique" unique ("article_id", "version");`);

    this.addSql(`create table "article_ticket_links" ("article_id" uuid not null, "ticket_id" uuid not null, "created_by_id" uuid null, "created_at" timestamptz not null, constraint "article_ticket_links_pkey" primary key ("article_id", "ticket_id"));`);
    this.addSql(`create index "article_ticket_links_ticket_id_index" on "article_ticket_links" ("ticket_id");`);

    this.addSql(`alter table "articles" add constraint "articles_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "articles" add constraint "articles_published_by_id_foreign" foreign key ("published_by_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "articles" add constraint "articles_known_error_problem_id_foreign" foreign key ("known_error_problem_id") references "tickets" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "article_votes" add constraint "article_votes_article_id_foreign" foreign key ("article_id") references "articles" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "article_votes" add constraint "article_votes_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "article_versions" add constraint "article_versions_article_id_foreign" foreign key ("article_id") references "articles" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "article_versions" add constraint "article_versions_editor_id_foreign" foreign key ("editor_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "article_ticket_links" add constraint "article_ticket_links_article_id_foreign" foreign key ("article_id") references "articles" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "article_ticket_links" add constraint "article_ticket_links_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "article_ticket_links" add constraint "article_ticket_links_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);

    // The text search configuration of each article language (ARTICLE_LANGUAGES in knowledge.enums.ts).
    this.addSql(`create function article_search_config(language text) returns regconfig language sql immutable parallel safe as $$
      select case language when 'fr' then 'deskgraph_french'::regconfig else 'deskgraph_english'::regconfig end
    $$;`);
    // articles.search_vector: title (weight A), category and tags (B), body (C), in the article's language.
    this.addSql(`create function articles_search_vector_refresh() returns trigger language plpgsql as $$
      declare
        config regconfig := article_search_config(new.language);
      begin
        new.search_vector := setweight(to_tsvector(config, new.title), 'A')
          || setweight(to_tsvector(config, coalesce(new.category, '') || ' ' || array_to_string(new.tags, ' ')), 'B')
          || setweight(to_tsvector(config, new.body), 'C');
        return new;
      end
    $$;`);
    this.addSql(`create trigger articles_search_vector before insert or update of title, body, language, category, tags on articles
      for each row execute function articles_search_vector_refresh();`);

    // Lower case, accents removed: how words are compared for typo tolerance.
    this.addSql(`create function knowledge_fold(text) returns text language sql stable parallel safe as $$
      select lower(unaccent($1))
    $$;`);
    // The vocabulary (article_words): every word of every article (the words of the 'simple'
    // parser, accents removed, lower case), added set-wise per statement, in word order so that
    // concurrent writers take their locks in the same order.
    this.addSql(`create function article_words_text(title text, body text, category text, tags text[]) returns text language sql stable parallel safe as $$
      select unaccent(title || ' ' || body || ' ' || coalesce(category, '') || ' ' || array_to_string(tags, ' '))
    $$;`);
    this.addSql(`create function article_words_collect() returns trigger language plpgsql as $$
      begin
        insert into article_words (word)
        select word
          from (select distinct word
                  from changed_articles a,
                       unnest(tsvector_to_array(to_tsvector('simple', article_words_text(a.title, a.body, a.category, a.tags)))) word) words
         where word ~ '^[a-z]{3,40}$'
         order by word
        on conflict do nothing;
        return null;
      end
    $$;`);
    this.addSql(`create trigger article_words_on_insert after insert on articles
      referencing new table as changed_articles for each statement execute function article_words_collect();`);
    this.addSql(`create function article_words_collect_changed() returns trigger language plpgsql as $$
      begin
        insert into article_words (word)
        select word
          from (select distinct word
                  from changed_articles a
                  join previous_articles p on p.id = a.id,
                       unnest(tsvector_to_array(to_tsvector('simple', article_words_text(a.title, a.body, a.category, a.tags)))) word
                 where (a.title, a.body, a.category, a.tags) is distinct from (p.title, p.body, p.category, p.tags)) words
         where word ~ '^[a-z]{3,40}$'
         order by word
        on conflict do nothing;
        return null;
      end
    $$;`);
    this.addSql(`create trigger article_words_on_update after update on articles
      referencing old table as previous_articles new table as changed_articles for each statement execute function article_words_collect_changed();`);

    // A search query as a tsquery in one configuration, with typo tolerance: a word of 4 letters or
    // more that no article contains also matches up to 3 vocabulary words close to it by trigrams
    // ("pasword" also matches "password"). any_word = false: websearch_to_tsquery semantics (all
    // words, "or", -word), kept as is when no word needed correcting; any_word = true: any of the
    // words, for suggestions from free text (a ticket's title and description).
    this.addSql(`create function knowledge_tsquery(config regconfig, query text, any_word boolean) returns tsquery
      language plpgsql stable parallel safe as $$
      declare
        token text[];
        word text;
        expression text := '';
        operator text := ' & ';
        negate boolean := false;
        corrected integer := 0;
        seen text[] := '{}';
        alternatives text;
      begin
        for token in select regexp_matches(knowledge_fold(coalesce(query, '')), '[a-z0-9]+|[^a-z0-9]+', 'g') loop
          word := token[1];
          if word !~ '^[a-z0-9]' then
            negate := not any_word and word ~ '(^|\\s)-$';
            continue;
          end if;
          if not any_word and word = 'or' then
            operator := ' | ';
            continue;
          end if;
          if any_word and word = any(seen) then
            continue;
          end if;
          seen := seen || word;
          alternatives := null;
          if corrected < 10 and word ~ '^[a-z]{4,}$' and not exists (select 1 from article_words w where w.word = token[1]) then
            select string_agg(' | ' || close.word, '' order by close.similarity desc, close.word) into alternatives
              from (select w.word, similarity(w.word, token[1]) as similarity
                      from article_words w
                     where w.word % token[1]
                     order by 2 desc, 1
                     limit 3) close
             where close.similarity >= 0.4;
            if alternatives is not null then
              corrected := corrected + 1;
            end if;
          end if;
          expression := expression
            || case when expression = '' then '' when any_word then ' | ' else operator end
            || case when negate then '!' else '' end
            || '(' || word || coalesce(alternatives, '') || ')';
          operator := ' & ';
          negate := false;
        end loop;
        if not any_word and corrected = 0 then
          return websearch_to_tsquery(config, coalesce(query, ''));
        end if;
        return to_tsquery(config, expression);
      end
    $$;`);

    // What a snippet is cut from: the Markdown body as plain text, HTML-escaped, so that the only
    // markup of a snippet is the <mark> of its hits.
    this.addSql(`create function article_snippet_text(body text) returns text language sql immutable parallel safe as $$
      select replace(replace(replace(
               regexp_replace(
                 regexp_replace(body, '!?\\[([^\\]]*)\\]\\([^)]*\\)', '\\1', 'g'),
                 '(^|\\n)[ \\t]{0,3}(#{1,6}|>|[-*+]|\\d+\\.)[ \\t]+|\\*{1,3}|\`+|~~|<[^>\\n]*>', '\\1', 'g'),
             '&', '&amp;'), '<', '&lt;'), '>', '&gt;')
    $$;`);

    // Versions are immutable: the database itself refuses to rewrite them.
    this.addSql(`create function article_versions_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'article_versions rows are immutable';
      end
    $$;`);
    this.addSql(`create trigger article_versions_immutable before update or delete on article_versions
      for each row execute function article_versions_immutable();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists article_versions_immutable on article_versions;`);
    this.addSql(`drop function if exists article_versions_immutable();`);
    this.addSql(`drop function if exists article_snippet_text(text);`);
    this.addSql(`drop function if exists knowledge_tsquery(regconfig, text, boolean);`);
    this.addSql(`drop trigger if exists article_words_on_update on articles;`);
    this.addSql(`drop function if exists article_words_collect_changed();`);
    this.addSql(`drop trigger if exists article_words_on_insert on articles;`);
    this.addSql(`drop function if exists article_words_collect();`);
    this.addSql(`drop function if exists article_words_text(text, text, text, text[]);`);
    this.addSql(`drop function if exists knowledge_fold(text);`);
    this.addSql(`drop trigger if exists articles_search_vector on articles;`);
    this.addSql(`drop function if exists articles_search_vector_refresh();`);
    this.addSql(`drop function if exists article_search_config(text);`);

    this.addSql(`alter table "article_votes" drop constraint "article_votes_article_id_foreign";`);

    this.addSql(`alter table "article_versions" drop constraint "article_versions_article_id_foreign";`);

    this.addSql(`alter table "article_ticket_links" drop constraint "article_ticket_links_article_id_foreign";`);

    this.addSql(`drop table if exists "article_words" cascade;`);

    this.addSql(`drop table if exists "articles" cascade;`);

    this.addSql(`drop table if exists "article_votes" cascade;`);

    this.addSql(`drop table if exists "article_versions" cascade;`);

    this.addSql(`drop table if exists "article_ticket_links" cascade;`);

    this.addSql(`drop type "article_status";`);
    this.addSql(`drop type "article_visibility";`);
    // pg_trgm stays: other migrations may rely on it by then.
  }

}
