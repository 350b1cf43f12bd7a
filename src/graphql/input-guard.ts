import type { MiddlewareFn } from 'type-graphql';
import { badUserInput } from '../errors';

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.values(value).some(holdsNul);
  return false;
}

/**
 * PostgreSQL cannot store or compare the NUL character in text: any argument holding one would
 * fail deep in a query as an internal error. It is refused up front, for every field and every
 * transport, as the client's mistake it is.
 */
export const refuseNulCharacters: MiddlewareFn = ({ args }, next) => {
  if (holdsNul(args)) throw badUserInput('Text arguments must not contain the NUL character (\\u0000).');
  return next();
};
