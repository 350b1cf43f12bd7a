import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * The thrown GraphQL errors of the contract. Everything else a client may fix (validation, business
 * rules) is a `userErrors` entry in a mutation payload, never a thrown error.
 */
export const PUBLIC_ERROR_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
  'CURSOR_EXPIRED',
  // Emitted by graphql-js and Apollo for documents that do not parse or validate.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export const unauthenticated = (message = 'You must be logged in.') =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export const forbidden = (message = 'You are not allowed to do this.') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

export const badUserInput = (message: string, argument?: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } });

export const rateLimited = (retryAfterSeconds: number, message = `Too many attempts. Try again in ${retryAfterSeconds} s.`) =>
  new GraphQLError(message, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
  });

// Statistics over budget or over time are the client's to narrow: BAD_USER_INPUT (the contract's
// thrown codes are fixed), told apart by `extensions.analytics` (BUDGET_EXCEEDED or TIMEOUT).

/** A statistics question that would cost more than the viewer's budget (planner cost, or rows). */
export const analyticsBudgetExceeded = (message: string, details: Record<string, unknown>) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', analytics: 'BUDGET_EXCEEDED', ...details } });

/** A statistics statement that ran past its time limit and was cancelled by PostgreSQL. */
export const analyticsTimeout = (timeoutMs: number) =>
  new GraphQLError(`These statistics took longer than ${timeoutMs} ms and were stopped: narrow the filter or group by fewer dimensions.`, {
    extensions: { code: 'BAD_USER_INPUT', analytics: 'TIMEOUT', timeoutMs },
  });

/**
 * What a client sees of an error: public codes pass through, anything else becomes a bare
 * INTERNAL_SERVER_ERROR carrying the request id, so that the log (which keeps the cause) can be found.
 */
export function maskError(formatted: GraphQLFormattedError, requestId: string | undefined): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code)) {
    const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  // A request id put there by us (see server/app.ts) survives; nothing else of the original does.
  const id = requestId ?? (typeof formatted.extensions?.requestId === 'string' ? formatted.extensions.requestId : undefined);
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(id ? { requestId: id } : {}) },
  };
}
