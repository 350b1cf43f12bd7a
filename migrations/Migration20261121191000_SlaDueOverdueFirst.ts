import { Migration } from '@mikro-orm/migrations';

/** TicketOrder SLA_DUE now counts breached clocks that still run: recompute what was stored before. */
export class Migration20261121191000_SlaDueOverdueFirst extends Migration {

  override async up(): Promise<void> {
    this.addSql(`update tickets t set sla_due_at = c.due
      from (select ticket_id, min(due_at) as due from ticket_sla_clocks
             where running_since is not null and status in ('RUNNING', 'BREACHED') and due_at is not null
             group by ticket_id) c
     where t.id = c.ticket_id and t.sla_due_at is distinct from c.due;`);
  }

  override async down(): Promise<void> {
    this.addSql(`update tickets t set sla_due_at = coalesce(c.due, '9999-12-31T00:00:00Z')
      from (select ticket_id, min(due_at) filter (where running_since is not null and status = 'RUNNING') as due
              from ticket_sla_clocks group by ticket_id) c
     where t.id = c.ticket_id and t.sla_due_at is distinct from coalesce(c.due, '9999-12-31T00:00:00Z');`);
  }

}
