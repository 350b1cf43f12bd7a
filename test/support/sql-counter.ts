import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Counts the SQL statements the server sends while `work` runs. Every forked EntityManager shares
 * the ORM's one connection object, so wrapping its `execute` sees the statements of every request.
 */
export async function countStatements(orm: MikroORM, work: () => Promise<unknown>): Promise<{ count: number; statements: string[] }> {
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
  return { count: statements.length, statements };
}
