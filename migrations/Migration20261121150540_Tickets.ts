import { Migration } from '@mikro-orm/migrations';

export class Migration20261121150540_Tickets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "ticket_type" as enum ('INCIDENT', 'SERVICE_REQUEST', 'QUESTION', 'PROBLEM', 'CHANGE');`);
    this.addSql(`create type "ticket_status" as enum ('NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'RESOLVED', 'CLOSED', 'CANCELLED');`);
    this.addSql(`create type "ticket_impact" as enum ('HIGH', 'MEDIUM', 'LOW');`);
    this.addSql(`create type "ticket_urgency" as enum ('HIGH', 'MEDIUM', 'LOW');`);
    this.addSql(`create type "ticket_priority" as enum ('P1', 'P2', 'P3', 'P4');`);
    this.addSql(`create type "ticket_channel" as enum ('PORTAL', 'EMAIL', 'PHONE', 'CHAT', 'API', 'MONITORING');`);
    this.addSql(`create type "ticket_link_kind" as enum ('DUPLICATES', 'CAUSED_BY', 'RELATES_TO', 'PARENT_OF');`);
    this.addSql(`create type "asset_kind" as enum ('HARDWARE', 'SOFTWARE', 'LICENSE', 'SERVICE', 'NETWORK', 'VIRTUAL_MACHINE');`);
    this.addSql(`create type "asset_status" as enum ('IN_STOCK', 'IN_USE', 'IN_REPAIR', 'RETIRED', 'DISPOSED');`);
    // Human ticket numbers. A sequence may skip a number when a transaction rolls back; numbers
    // still only grow, which is what people rely on.
    this.addSql(`create sequence "ticket_number_seq";`);
    // Full-text search in English and French word forms, accents folded ("réseaux" ~ "reseau").
    this.addSql(`create text search configuration deskgraph_english (copy = english);`);
    this.addSql(`alter text search configuration deskgraph_english alter mapping for hword, hword_part, word with unaccent, english_stem;`);
    this.addSql(`create text search configuration deskgraph_french (copy = french);`);
    this.addSql(`alter text search configuration deskgraph_french alter mapping for hword, hword_part, word with unaccent, french_stem;`);
    this.addSql(`create table "tickets" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "number" int not null default nextval('ticket_number_seq'), "type" "ticket_type" not null, "title" text not null, "description" text not null default '', "status" "ticket_status" not null default 'NEW', "impact" "ticket_impact" not null, "urgency" "ticket_urgency" not null, "priority" "ticket_priority" not null, "priority_override" "ticket_priority" null, "channel" "ticket_channel" not null default 'PORTAL', "category" text null, "tags" text[] not null default '{}', "requester_id" uuid not null, "assignee_id" uuid null, "group_id" uuid null, "organization_id" uuid null, "created_by_id" uuid not null, "idempotency_key" text null, "first_responded_at" timestamptz null, "resolved_at" timestamptz null, "closed_at" timestamptz null, "resolution" text null, "reopened_count" int not null default 0, "rating" smallint null, "rating_comment" text null, "rated_at" timestamptz null, "search_vector" tsvector null, constraint "tickets_pkey" primary key ("id"));`);
    this.addSql(`alter sequence "ticket_number_seq" owned by "tickets"."number";`);
    this.addSql(`alter table "tickets" add constraint "tickets_number_unique" unique ("number");`);
    this.addSql(`create index "tickets_search_idx" on "tickets" using gin ("search_vector");`);
    this.addSql(`create index "tickets_tags_idx" on "tickets" using gin ("tags");`);
    this.addSql(`create index "tickets_open_assignee_idx" on "tickets" ("assignee_id", "priority", "created_at", "id") where status in ('NEW', 'OPEN', 'PENDING', 'ON_HOLD');`);
    this.addSql(`create index "tickets_open_group_priority_idx" on "tickets" ("group_id", "priority", "created_at", "id") where status in ('NEW', 'OPEN', 'PENDING', 'ON_HOLD');`);
    this.addSql(`create index "tickets_organization_id_created_at_index" on "tickets" ("organization_id", "created_at");`);
    this.addSql(`create index "tickets_requester_id_created_at_index" on "tickets" ("requester_id", "created_at");`);
    this.addSql(`create index "tickets_status_index" on "tickets" ("status");`);
    this.addSql(`create index "tickets_priority_created_at_id_index" on "tickets" ("priority", "created_at", "id");`);
    this.addSql(`create index "tickets_updated_at_id_index" on "tickets" ("updated_at", "id");`);
    this.addSql(`create index "tickets_created_at_id_index" on "tickets" ("created_at", "id");`);
    this.addSql(`alter table "tickets" add constraint "tickets_created_by_id_idempotency_key_unique" unique ("created_by_id", "idempotency_key");`);

    this.addSql(`create table "ticket_links" ("id" uuid not null, "from_id" uuid not null, "to_id" uuid not null, "kind" "ticket_link_kind" not null, "created_by_id" uuid null, "created_at" timestamptz not null, constraint "ticket_links_pkey" primary key ("id"));`);
    this.addSql(`create index "ticket_links_to_id_index" on "ticket_links" ("to_id");`);
    this.addSql(`alter table "ticket_links" add constraint "ticket_links_from_id_to_id_kind_unique" unique ("from_id", "to_id", "kind");`);

    this.addSql(`create table "ticket_history" ("id" bigserial primary key, "ticket_id" uuid not null, "actor_id" uuid null, "at" timestamptz not null, "field" text not null, "from_value" jsonb null, "to_value" jsonb null, "internal" boolean not null default false);`);
    this.addSql(`create index "ticket_history_ticket_id_id_index" on "ticket_history" ("ticket_id", "id");`);

    this.addSql(`create table "ticket_comments" ("id" uuid not null, "ticket_id" uuid not null, "author_id" uuid not null, "body" text not null, "internal" boolean not null default false, "created_at" timestamptz not null, constraint "ticket_comments_pkey" primary key ("id"));`);
    this.addSql(`create index "ticket_comments_ticket_id_created_at_id_index" on "ticket_comments" ("ticket_id", "created_at", "id");`);

    this.addSql(`create table "assets" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "tag" text not null, "name" text not null, "kind" "asset_kind" not null, "status" "asset_status" not null default 'IN_STOCK', "owner_id" uuid null, "location" text null, "serial_number" text null, "purchased_at" date null, "warranty_until" date null, "attributes" jsonb not null, constraint "assets_pkey" primary key ("id"));`);
    this.addSql(`alter table "assets" add constraint "assets_tag_unique" unique ("tag");`);
    this.addSql(`create index "assets_owner_id_index" on "assets" ("owner_id");`);

    this.addSql(`create table "ticket_assets" ("ticket_id" uuid not null, "asset_id" uuid not null, constraint "ticket_assets_pkey" primary key ("ticket_id", "asset_id"));`);
    this.addSql(`create index "ticket_assets_asset_id_index" on "ticket_assets" ("asset_id");`);

    this.addSql(`alter table "tickets" add constraint "tickets_requester_id_foreign" foreign key ("requester_id") references "users" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "tickets" add constraint "tickets_assignee_id_foreign" foreign key ("assignee_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "ticket_links" add constraint "ticket_links_from_id_foreign" foreign key ("from_id") references "tickets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "ticket_links" add constraint "ticket_links_to_id_foreign" foreign key ("to_id") references "tickets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "ticket_links" add constraint "ticket_links_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "ticket_history" add constraint "ticket_history_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "ticket_history" add constraint "ticket_history_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "ticket_comments" add constraint "ticket_comments_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "ticket_comments" add constraint "ticket_comments_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "assets" add constraint "assets_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "ticket_assets" add constraint "ticket_assets_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "ticket_assets" add constraint "ticket_assets_asset_id_foreign" foreign key ("asset_id") references "assets" ("id") on update cascade on delete cascade;`);

    // tickets.search_vector: title (weight A), description and public comments (B), in both languages.
    this.addSql(`create function ticket_text_vector(body text, weight "char") returns tsvector language sql stable as $$
      select setweight(to_tsvector('deskgraph_english', coalesce(body, '')), weight) || setweight(to_tsvector('deskgraph_french', coalesce(body, '')), weight)
    $$;`);
    this.addSql(`create function tickets_search_vector_refresh() returns trigger language plpgsql as $$
      begin
        new.search_vector := ticket_text_vector(new.title, 'A') || ticket_text_vector(new.description, 'B')
          || coalesce((select ticket_text_vector(string_agg(body, ' '), 'B') from ticket_comments where ticket_id = new.id and not internal), '');
        return new;
      end
    $$;`);
    this.addSql(`create trigger tickets_search_vector before insert or update of title, description on tickets
      for each row execute function tickets_search_vector_refresh();`);
    // Comments are never edited: a public one adds its words to its ticket's vector.
    this.addSql(`create function ticket_comments_search_vector() returns trigger language plpgsql as $$
      begin
        update tickets set search_vector = coalesce(search_vector, '') || ticket_text_vector(new.body, 'B') where id = new.ticket_id;
        return null;
      end
    $$;`);
    this.addSql(`create trigger ticket_comments_search_vector after insert on ticket_comments
      for each row when (not new.internal) execute function ticket_comments_search_vector();`);

    // History is append-only: the database itself refuses to rewrite it.
    this.addSql(`create function ticket_history_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'ticket_history is append-only';
      end
    $$;`);
    this.addSql(`create trigger ticket_history_append_only before update or delete on ticket_history
      for each row execute function ticket_history_append_only();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists ticket_history_append_only on ticket_history;`);
    this.addSql(`drop function if exists ticket_history_append_only();`);
    this.addSql(`drop trigger if exists ticket_comments_search_vector on ticket_comments;`);
    this.addSql(`drop function if exists ticket_comments_search_vector();`);
    this.addSql(`drop trigger if exists tickets_search_vector on tickets;`);
    this.addSql(`drop function if exists tickets_search_vector_refresh();`);
    this.addSql(`drop function if exists ticket_text_vector(text, "char");`);
    this.addSql(`alter table "ticket_links" drop constraint "ticket_links_from_id_foreign";`);

    this.addSql(`alter table "ticket_links" drop constraint "ticket_links_to_id_foreign";`);

    this.addSql(`alter table "ticket_history" drop constraint "ticket_history_ticket_id_foreign";`);

    this.addSql(`alter table "ticket_comments" drop constraint "ticket_comments_ticket_id_foreign";`);

    this.addSql(`alter table "ticket_assets" drop constraint "ticket_assets_ticket_id_foreign";`);

    this.addSql(`alter table "ticket_assets" drop constraint "ticket_assets_asset_id_foreign";`);

    this.addSql(`drop table if exists "tickets" cascade;`);

    this.addSql(`drop table if exists "ticket_links" cascade;`);

    this.addSql(`drop table if exists "ticket_history" cascade;`);

    this.addSql(`drop table if exists "ticket_comments" cascade;`);

    this.addSql(`drop table if exists "assets" cascade;`);

    this.addSql(`drop table if exists "ticket_assets" cascade;`);

    this.addSql(`drop text search configuration if exists deskgraph_english;`);
    this.addSql(`drop text search configuration if exists deskgraph_french;`);
    this.addSql(`drop type "ticket_type";`);
    this.addSql(`drop type "ticket_status";`);
    this.addSql(`drop type "ticket_impact";`);
    this.addSql(`drop type "ticket_urgency";`);
    this.addSql(`drop type "ticket_priority";`);
    this.addSql(`drop type "ticket_channel";`);
    this.addSql(`drop type "ticket_link_kind";`);
    this.addSql(`drop type "asset_kind";`);
    this.addSql(`drop type "asset_status";`);
  }

}
