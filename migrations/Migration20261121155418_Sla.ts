import { Migration } from '@mikro-orm/migrations';

export class Migration20261121155418_Sla extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "sla_metric" as enum ('FIRST_RESPONSE', 'RESOLUTION');`);
    this.addSql(`create type "sla_clock_status" as enum ('RUNNING', 'PAUSED', 'MET', 'BREACHED');`);
    this.addSql(`create table "business_calendars" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "timezone" text not null, "hours" jsonb not null, "holidays" jsonb not null, constraint "business_calendars_pkey" primary key ("id"));`);
    this.addSql(`alter table "business_calendars" add constraint "business_calendars_name_unique" unique ("name");`);

    this.addSql(`create table "sla_policies" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "position" int not null, "applies_to" jsonb not null, "calendar_id" uuid null, "targets" jsonb not null, "warn_at_percent" int not null default 80, "pause_statuses" text[] not null, "escalate_to_group_id" uuid null, constraint "sla_policies_pkey" primary key ("id"));`);
    this.addSql(`alter table "sla_policies" add constraint "sla_policies_name_unique" unique ("name");`);
    this.addSql(`create index "sla_policies_position_index" on "sla_policies" ("position");`);

    this.addSql(`create table "ticket_sla_clocks" ("ticket_id" uuid not null, "metric" "sla_metric" not null, "policy_id" uuid null, "target_seconds" int not null, "elapsed_millis" bigint not null, "running_since" timestamptz null, "status" "sla_clock_status" not null, "due_at" timestamptz null, "warn_at" timestamptz null, "warned_at" timestamptz null, "breached_at" timestamptz null, "met_at" timestamptz null, "next_fire_at" timestamptz null, constraint "ticket_sla_clocks_pkey" primary key ("ticket_id", "metric"));`);
    this.addSql(`create index "ticket_sla_clocks_next_fire_idx" on "ticket_sla_clocks" ("next_fire_at") where "next_fire_at" is not null;`);

    this.addSql(`alter table "sla_policies" add constraint "sla_policies_calendar_id_foreign" foreign key ("calendar_id") references "business_calendars" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "sla_policies" add constraint "sla_policies_escalate_to_group_id_foreign" foreign key ("escalate_to_group_id") references "groups" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "ticket_sla_clocks" add constraint "ticket_sla_clocks_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "ticket_sla_clocks" add constraint "ticket_sla_clocks_policy_id_foreign" foreign key ("policy_id") references "sla_policies" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "tickets" add column "sla_due_at" timestamptz not null default '9999-12-31T00:00:00Z', add column "sla_breached" boolean not null default false;`);
    this.addSql(`create index "tickets_sla_due_at_id_index" on "tickets" ("sla_due_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "sla_policies" drop constraint "sla_policies_calendar_id_foreign";`);

    this.addSql(`alter table "ticket_sla_clocks" drop constraint "ticket_sla_clocks_policy_id_foreign";`);

    this.addSql(`drop table if exists "business_calendars" cascade;`);

    this.addSql(`drop table if exists "sla_policies" cascade;`);

    this.addSql(`drop table if exists "ticket_sla_clocks" cascade;`);

    this.addSql(`drop index "tickets_sla_due_at_id_index";`);
    this.addSql(`alter table "tickets" drop column "sla_due_at", drop column "sla_breached";`);

    this.addSql(`drop type "sla_metric";`);
    this.addSql(`drop type "sla_clock_status";`);
  }

}
