import { LockMode, type EntityManager, type EntityName } from '@mikro-orm/postgresql';
import { fail, UserErrorCode } from '../graphql/user-errors';

/**
 * The row a command changes (or deletes), locked for the rest of its transaction, or NOT_FOUND on
 * `field` when it does not exist or `visible` (the domain's policy for the actor) hides it. Two
 * commands on one row then take turns, instead of the second failing a version check its client
 * never asked for (both would read version n, and the later flush would find n + 1); a command that
 * comes after a delete finds nothing.
 */
export async function rowToChange<E extends object>(
  em: EntityManager,
  entity: EntityName<E>,
  id: string,
  notFound: string,
  field = 'id',
  visible: (row: E) => boolean = () => true,
): Promise<E> {
  const row = (await em.findOne(entity, id as never, { lockMode: LockMode.PESSIMISTIC_WRITE })) as E | null;
  if (!row || !visible(row)) fail(UserErrorCode.NOT_FOUND, notFound, field);
  return row;
}
