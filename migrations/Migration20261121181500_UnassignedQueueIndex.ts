import { Migration } from '@mikro-orm/migrations';

export class Migration20261121181500_UnassignedQueueIndex extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "tickets_open_unassigned_priority_idx" on "tickets" ("priority", "created_at", "id") where "assignee_id" is null and status in ('NEW', 'OPEN', 'PENDING', 'ON_HOLD');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "tickets_open_unassigned_priority_idx";`);
  }

}
