import { Kind, visit, type DocumentNode } from 'graphql';
import { badUserInput } from '../errors';

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.values(value).some(holdsNul);
  return false;
}

/**
 * PostgreSQL cannot store or compare the NUL character in text: any argument holding one would
 * fail deep in a query as an internal error. It is refused up front, for every operation and every
 * transport, as the client's mistake it is: in the variables and in the document's string literals
 * (where `\u0000` is an escape the parser decodes). Checked once per operation rather than as a
 * field middleware, which would make every field of every response go through a promise.
 */
export function refuseNulCharacters(document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  let found = holdsNul(variables);
  if (!found) {
    visit(document, {
      [Kind.STRING]: (node) => {
        if (node.value.includes('\u0000')) found = true;
      },
    });
  }
  if (found) throw badUserInput('Text arguments must not contain the NUL character (\\u0000).');
}
