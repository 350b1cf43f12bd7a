import { Migration } from '@mikro-orm/migrations';

export class Migration20261121180722_Analytics extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "tickets_analytics_idx" on "tickets" ("created_at") include ("id", "group_id", "assignee_id", "organization_id", "requester_id", "status", "priority", "type", "channel", "category", "resolved_at", "first_responded_at", "updated_at", "sla_breached", "reopened_count", "rating");`);

    this.addSql(`create index "ticket_sla_clocks_analytics_idx" on "ticket_sla_clocks" ("metric", "ticket_id") include ("status");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ticket_sla_clocks_analytics_idx";`);

    this.addSql(`drop index "tickets_analytics_idx";`);
  }

}
