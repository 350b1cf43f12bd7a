import { Migration } from '@mikro-orm/migrations';

export class Migration20261121154216_Queues extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "routing_assignment" as enum ('NONE', 'ROUND_ROBIN', 'LEAST_LOADED');`);
    this.addSql(`create table "queues" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "filter" jsonb not null, "order_field" text not null default 'PRIORITY', "order_direction" text not null default 'ASC', "count" int not null default 0, constraint "queues_pkey" primary key ("id"));`);
    this.addSql(`alter table "queues" add constraint "queues_name_unique" unique ("name");`);

    this.addSql(`create table "queue_groups" ("queue_id" uuid not null, "group_id" uuid not null, constraint "queue_groups_pkey" primary key ("queue_id", "group_id"));`);
    this.addSql(`create index "queue_groups_group_id_index" on "queue_groups" ("group_id");`);

    this.addSql(`create table "routing_rules" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "position" int not null, "match" jsonb not null, "group_id" uuid not null, "assignment" "routing_assignment" not null default 'NONE', "last_assignee_id" uuid null, constraint "routing_rules_pkey" primary key ("id"));`);
    this.addSql(`create index "routing_rules_position_index" on "routing_rules" ("position");`);

    this.addSql(`alter table "queue_groups" add constraint "queue_groups_queue_id_foreign" foreign key ("queue_id") references "queues" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "queue_groups" add constraint "queue_groups_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "routing_rules" add constraint "routing_rules_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "routing_rules" add constraint "routing_rules_last_assignee_id_foreign" foreign key ("last_assignee_id") references "users" ("id") on update cascade on delete set null;`);

  }

  override async down(): Promise<void> {
    this.addSql(`alter table "queue_groups" drop constraint "queue_groups_queue_id_foreign";`);

    this.addSql(`drop table if exists "queues" cascade;`);

    this.addSql(`drop table if exists "queue_groups" cascade;`);

    this.addSql(`drop table if exists "routing_rules" cascade;`);

    this.addSql(`drop type "routing_assignment";`);
  }

}
