import { Migration } from '@mikro-orm/migrations';

export class Migration20261121144609_Initial extends Migration {

  override async up(): Promise<void> {
    // Case- and accent-insensitive matching of names (unaccent is a trusted contrib extension).
    this.addSql(`create extension if not exists unaccent;`);
    this.addSql(`create type "user_role" as enum ('REQUESTER', 'AGENT', 'ADMIN', 'ANALYST');`);
    this.addSql(`create table "groups" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "description" text null, "tier" smallint not null default 1, constraint "groups_pkey" primary key ("id"));`);
    this.addSql(`alter table "groups" add constraint "groups_name_unique" unique ("name");`);

    this.addSql(`create table "login_throttle" ("key" text not null, "failures" int not null, "window_started_at" timestamptz not null, constraint "login_throttle_pkey" primary key ("key"));`);

    this.addSql(`create table "organizations" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "domain" text null, "share_tickets" boolean not null default false, constraint "organizations_pkey" primary key ("id"));`);
    this.addSql(`alter table "organizations" add constraint "organizations_name_unique" unique ("name");`);
    this.addSql(`alter table "organizations" add constraint "organizations_domain_unique" unique ("domain");`);

    this.addSql(`create table "users" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "email" text not null, "name" text not null, "role" "user_role" not null, "active" boolean not null default true, "timezone" text not null default 'UTC', "locale" text not null default 'en', "password_hash" text null, "organization_id" uuid null, constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`create index "users_organization_id_index" on "users" ("organization_id");`);
    this.addSql(`create index "users_name_id_index" on "users" ("name", "id");`);

    this.addSql(`create table "group_members" ("group_id" uuid not null, "user_id" uuid not null, "created_at" timestamptz not null, constraint "group_members_pkey" primary key ("group_id", "user_id"));`);
    this.addSql(`create index "group_members_user_id_index" on "group_members" ("user_id");`);

    this.addSql(`alter table "users" add constraint "users_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "group_members" add constraint "group_members_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "group_members" add constraint "group_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "group_members" drop constraint "group_members_group_id_foreign";`);

    this.addSql(`alter table "users" drop constraint "users_organization_id_foreign";`);

    this.addSql(`alter table "group_members" drop constraint "group_members_user_id_foreign";`);

    this.addSql(`drop table if exists "groups" cascade;`);

    this.addSql(`drop table if exists "login_throttle" cascade;`);

    this.addSql(`drop table if exists "organizations" cascade;`);

    this.addSql(`drop table if exists "users" cascade;`);

    this.addSql(`drop table if exists "group_members" cascade;`);

    this.addSql(`drop type "user_role";`);
  }

}
