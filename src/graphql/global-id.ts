import { fail, UserErrorCode } from './user-errors';

/** Opaque global ids: base64url of "Type:databaseId", so any id names its own type for `node(id)`. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return null;
  return { type: decoded.slice(0, colon), id: decoded.slice(colon + 1) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Database keys are uuids; anything else would make PostgreSQL fail the query. */
export const isDatabaseId = (id: string) => UUID.test(id);

/** The database id behind a global id of the expected type, or null when it is not one. */
export function decodeId(globalId: string, expectedType: string): string | null {
  const decoded = fromGlobalId(globalId);
  return decoded && decoded.type === expectedType && isDatabaseId(decoded.id) ? decoded.id : null;
}

/**
 * For resolvers parsing mutation input: the database id, or a NOT_FOUND user error on `field`
 * (an id of the wrong type names nothing, just as an unknown one does).
 */
export function parseId(globalId: string, expectedType: string, field: string | string[]): string {
  const id = decodeId(globalId, expectedType);
  if (!id) fail(UserErrorCode.NOT_FOUND, `No ${expectedType.toLowerCase()} has this id.`, field);
  return id;
}

export function parseIds(globalIds: readonly string[], expectedType: string, field: string): string[] {
  return globalIds.map((globalId, index) => parseId(globalId, expectedType, [field, String(index)]));
}

/** A uuid no row has: an id in a filter that names nothing must match nothing, not be ignored. */
const NO_ROW = '00000000-0000-0000-0000-000000000000';

/** For filters: the database id behind a global id, or an id that matches no row. */
export function filterId(globalId: string, expectedType: string): string {
  return decodeId(globalId, expectedType) ?? NO_ROW;
}

export function filterIds(globalIds: readonly string[] | null | undefined, expectedType: string): string[] | undefined {
  return globalIds?.map((globalId) => filterId(globalId, expectedType));
}
