import { Migration } from '@mikro-orm/migrations';

export class Migration20261121155748_Assets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "alert_status" as enum ('FIRING', 'RESOLVED');`);
    this.addSql(`create type "change_approval_status" as enum ('REQUESTED', 'APPROVED', 'REJECTED');`);
    this.addSql(`create type "asset_relation_kind" as enum ('DEPENDS_ON', 'RUNS_ON', 'CONNECTED_TO', 'INSTALLED_ON', 'LICENSED_TO');`);
    this.addSql(`create table "integrations" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "token_hash" text not null, "token_prefix" text not null, "service_user_id" uuid not null, "created_by_id" uuid null, "active" boolean not null default true, "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "integrations_pkey" primary key ("id"));`);
    this.addSql(`alter table "integrations" add constraint "integrations_name_unique" unique ("name");`);
    this.addSql(`alter table "integrations" add constraint "integrations_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "alert_tickets" ("id" uuid not null, "integration_id" uuid not null, "fingerprint" text not null, "ticket_id" uuid not null, "status" "alert_status" not null, "labels" jsonb not null, "starts_at" timestamptz not null, "ends_at" timestamptz null, "generator_url" text null, "notifications" int not null default 1, "last_notified_at" timestamptz not null, "created_at" timestamptz not null, constraint "alert_tickets_pkey" primary key ("id"));`);
    this.addSql(`alter table "alert_tickets" add constraint "alert_tickets_ticket_id_unique" unique ("ticket_id");`);
    this.addSql(`create index "alert_tickets_integration_id_fingerprint_created_at_index" on "alert_tickets" ("integration_id", "fingerprint", "created_at");`);

    this.addSql(`create table "change_approvals" ("ticket_id" uuid not null, "status" "change_approval_status" not null default 'REQUESTED', "window_start" timestamptz not null, "window_end" timestamptz not null, "requested_by_id" uuid null, "requested_at" timestamptz not null, "decided_by_id" uuid null, "decided_at" timestamptz null, "comment" text null, "version" int not null default 1, constraint "change_approvals_pkey" primary key ("ticket_id"), constraint change_approvals_window_order check (window_start < window_end));`);

    this.addSql(`create table "change_approvers" ("approval_ticket_id" uuid not null, "user_id" uuid not null, constraint "change_approvers_pkey" primary key ("approval_ticket_id", "user_id"));`);
    this.addSql(`create index "change_approvers_user_id_index" on "change_approvers" ("user_id");`);

    this.addSql(`create table "asset_kind_schemas" ("kind" "asset_kind" not null, "schema" jsonb not null, "updated_at" timestamptz not null, "updated_by_id" uuid null, "version" int not null default 1, constraint "asset_kind_schemas_pkey" primary key ("kind"));`);

    this.addSql(`create table "asset_relations" ("id" uuid not null, "from_id" uuid not null, "to_id" uuid not null, "kind" "asset_relation_kind" not null, "created_by_id" uuid null, "created_at" timestamptz not null, constraint "asset_relations_pkey" primary key ("id"), constraint asset_relations_not_self check (from_id <> to_id));`);
    this.addSql(`create index "asset_relations_to_id_index" on "asset_relations" ("to_id");`);
    this.addSql(`create index "asset_relations_dependency_idx" on "asset_relations" ("to_id", "from_id") where kind <> 'LICENSED_TO';`);
    this.addSql(`alter table "asset_relations" add constraint "asset_relations_from_id_to_id_kind_unique" unique ("from_id", "to_id", "kind");`);

    this.addSql(`create index "assets_out_of_service_idx" on "assets" ("id") where status in ('RETIRED', 'DISPOSED');`);

    this.addSql(`create table "asset_history" ("id" bigserial primary key, "asset_id" uuid not null, "actor_id" uuid null, "at" timestamptz not null, "field" text not null, "from_value" jsonb null, "to_value" jsonb null);`);
    this.addSql(`create index "asset_history_asset_id_id_index" on "asset_history" ("asset_id", "id");`);

    this.addSql(`alter table "integrations" add constraint "integrations_service_user_id_foreign" foreign key ("service_user_id") references "users" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "integrations" add constraint "integrations_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "alert_tickets" add constraint "alert_tickets_integration_id_foreign" foreign key ("integration_id") references "integrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "alert_tickets" add constraint "alert_tickets_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "change_approvals" add constraint "change_approvals_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "change_approvals" add constraint "change_approvals_requested_by_id_foreign" foreign key ("requested_by_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "change_approvals" add constraint "change_approvals_decided_by_id_foreign" foreign key ("decided_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "change_approvers" add constraint "change_approvers_approval_ticket_id_foreign" foreign key ("approval_ticket_id") references "change_approvals" ("ticket_id") on update cascade on delete cascade;`);
    this.addSql(`alter table "change_approvers" add constraint "change_approvers_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "asset_kind_schemas" add constraint "asset_kind_schemas_updated_by_id_foreign" foreign key ("updated_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "asset_relations" add constraint "asset_relations_from_id_foreign" foreign key ("from_id") references "assets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "asset_relations" add constraint "asset_relations_to_id_foreign" foreign key ("to_id") references "assets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "asset_relations" add constraint "asset_relations_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "asset_history" add constraint "asset_history_asset_id_foreign" foreign key ("asset_id") references "assets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "asset_history" add constraint "asset_history_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on update cascade on delete set null;`);

    // Asset history is append-only, like ticket history: the database itself refuses to rewrite it.
    this.addSql(`create function asset_history_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'asset_history is append-only';
      end
    $$;`);
    this.addSql(`create trigger asset_history_append_only before update or delete on asset_history
      for each row execute function asset_history_append_only();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists asset_history_append_only on asset_history;`);
    this.addSql(`drop function if exists asset_history_append_only();`);
    this.addSql(`alter table "alert_tickets" drop constraint "alert_tickets_integration_id_foreign";`);

    this.addSql(`alter table "change_approvers" drop constraint "change_approvers_approval_ticket_id_foreign";`);

    this.addSql(`drop table if exists "integrations" cascade;`);

    this.addSql(`drop table if exists "alert_tickets" cascade;`);

    this.addSql(`drop table if exists "change_approvals" cascade;`);

    this.addSql(`drop table if exists "change_approvers" cascade;`);

    this.addSql(`drop table if exists "asset_kind_schemas" cascade;`);

    this.addSql(`drop table if exists "asset_relations" cascade;`);

    this.addSql(`drop table if exists "asset_history" cascade;`);

    this.addSql(`drop index if exists "assets_out_of_service_idx";`);

    this.addSql(`drop type "alert_status";`);
    this.addSql(`drop type "change_approval_status";`);
    this.addSql(`drop type "asset_relation_kind";`);
  }

}
