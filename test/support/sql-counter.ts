import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * The server's background work that may run during a measured request: the event dispatcher's
 * reads of the log (doorbell and one-second safety poll), the log's pruning, and the SLA
 * scheduler's look for due timers.
 */
const BACKGROUND = [
  /^select \* from events where seq > /,
  /^with gone as \(\s*delete from events/,
  /^select pruned_through from event_log_state/,
  /^select min\(next_fire_at\)/,
  /^select exists \(select 1 from ticket_sla_clocks where next_fire_at <= now\(\)\)/,
  /^select ticket_id, metric from ticket_sla_clocks where next_fire_at <= now\(\)/,
];

/** The statements of one send: several go in one round trip (ReadBatch, the event log's lock), each a select or with. */
export const statementsOf = (sql: string) => sql.split(/;\s+(?=(?:select|with)\b)/i);

/**
 * Counts the SQL statements the server sends for `work`, and the round trips (`sends`) that carry
 * them. Every forked EntityManager shares the ORM's one connection object, so wrapping its `execute`
 * sees the statements of every request; background statements are left out (they come and go with
 * timing). bench/queue-page.ts counts with this too.
 */
export async function countStatements(
  orm: MikroORM,
  work: () => Promise<unknown>,
): Promise<{ count: number; roundTrips: number; sends: string[]; statements: string[]; background: string[] }> {
  const connection = orm.em.getDriver().getConnection() as unknown as { execute: (...args: unknown[]) => Promise<unknown> };
  const original = connection.execute;
  const statements: string[] = [];
  connection.execute = function (this: unknown, ...args: unknown[]) {
    statements.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { sql?: string })?.sql ?? args[0]));
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    connection.execute = original;
  }
  const isBackground = (sql: string) => BACKGROUND.some((pattern) => pattern.test(sql.trim()));
  const own = statements.filter((sql) => !isBackground(sql));
  const ownStatements = own.flatMap(statementsOf);
  return { count: ownStatements.length, roundTrips: own.length, sends: own, statements: ownStatements, background: statements.filter(isBackground) };
}
