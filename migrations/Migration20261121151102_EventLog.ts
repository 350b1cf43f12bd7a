import { Migration } from '@mikro-orm/migrations';

export class Migration20261121151102_EventLog extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "event_log_state" ("id" boolean not null, "pruned_through" bigint not null, constraint "event_log_state_pkey" primary key ("id"));`);

    this.addSql(`create table "events" ("seq" bigint not null, "topic" text not null, "kind" text not null, "ticket_id" uuid null, "actor_id" uuid null, "occurred_at" timestamptz not null, "internal" boolean not null, "data" jsonb not null, constraint "events_pkey" primary key ("seq"));`);
    this.addSql(`create index "events_occurred_at_index" on "events" ("occurred_at");`);
    this.addSql(`create index "events_ticket_id_seq_index" on "events" ("ticket_id", "seq");`);

    this.addSql(`create table "event_sequence" ("id" boolean not null, "value" bigint not null, constraint "event_sequence_pkey" primary key ("id"));`);

    this.addSql(`create index "events_topic_seq_index" on "events" ("topic", "seq");`);

    // One row each: the counter that orders commits (see src/modules/events/event-log.ts), and how far
    // the log was pruned (older cursors are expired).
    this.addSql(`insert into "event_sequence" ("id", "value") values (true, 0);`);
    this.addSql(`insert into "event_log_state" ("id", "pruned_through") values (true, 0);`);
    this.addSql(`alter table "event_sequence" add constraint "event_sequence_single_row" check ("id");`);
    this.addSql(`alter table "event_log_state" add constraint "event_log_state_single_row" check ("id");`);

    // The doorbell: rung at commit, once per inserting statement; it carries no payload.
    this.addSql(`create function events_ring() returns trigger language plpgsql as $$
      begin
        perform pg_notify('deskgraph_events', '');
        return null;
      end
    $$;`);
    this.addSql(`create trigger events_ring after insert on events for each statement execute function events_ring();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists events_ring on events;`);
    this.addSql(`drop function if exists events_ring();`);
    this.addSql(`drop table if exists "event_log_state" cascade;`);

    this.addSql(`drop table if exists "events" cascade;`);

    this.addSql(`drop table if exists "event_sequence" cascade;`);

  }

}
