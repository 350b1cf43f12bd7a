import { Migration } from '@mikro-orm/migrations';

export class Migration20261121211500_EventRingCarriesSeq extends Migration {

  override async up(): Promise<void> {
    // The doorbell now tells how far to look (the statement's last seq): an instance that has
    // dispatched its own commit from memory need not read the log again for it.
    this.addSql(`drop trigger if exists events_ring on events;`);
    this.addSql(`create or replace function events_ring() returns trigger language plpgsql as $$
      begin
        perform pg_notify('deskgraph_events', coalesce((select max(seq) from written), 0)::text);
        return null;
      end
    $$;`);
    this.addSql(`create trigger events_ring after insert on events referencing new table as written for each statement execute function events_ring();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists events_ring on events;`);
    this.addSql(`create or replace function events_ring() returns trigger language plpgsql as $$
      begin
        perform pg_notify('deskgraph_events', '');
        return null;
      end
    $$;`);
    this.addSql(`create trigger events_ring after insert on events for each statement execute function events_ring();`);
  }

}
