import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';

function likePattern(text: string): string {
  return `%${text.trim().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * A filter matching rows where any of `columns` contains `text`, ignoring case and accents
 * ("helene" finds "Hélène"). For short lookups (people, organizations), not full-text search.
 * It is an `id in (subquery)` rather than a raw-key condition so the same filter can serve both
 * the page query and its count.
 */
export function containsText<E extends { id: string }>(em: EntityManager, entity: EntityName<E>, columns: string[], text: string): FilterQuery<E> {
  const knex = em.getKnex();
  const table = em.getMetadata().get(entity).tableName;
  const matching = knex
    .select('id')
    .from(table)
    .whereRaw(`unaccent(lower(concat_ws(' ', ${columns.map(() => '??').join(', ')}))) like unaccent(lower(?))`, [...columns, likePattern(text)]);
  return { id: { $in: matching } } as unknown as FilterQuery<E>;
}
