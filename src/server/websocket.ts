import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError, parse, validate, specifiedRules, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerToken } from '../auth/tokens';
import type { Viewer } from '../auth/viewer';
import { maskError } from '../errors';
import type { AppServices, Context } from '../graphql/context';
import { authenticate, createContext, requestIdFrom } from './context';
import type { QueryProtection } from './protection';
import { type NextWriter, subscribeSharingExecutions } from './shared-subscriptions';

interface SocketState {
  viewer?: Viewer;
  requestId?: string;
  expiryTimer?: NodeJS.Timeout;
}

const UNAUTHORIZED = 4401;
const FORBIDDEN = 4403;
const KEEP_ALIVE_MS = 12_000;
const DOCUMENT_CACHE_SIZE = 1000;
/** A socket with more than this waiting to be sent has fallen behind: its subscription ends (it can resume). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Closes (4403) the sockets of people who were deactivated since they connected: one query for all. */
async function closeDeactivated(orm: MikroORM, open: Map<SocketState, { close(code: number, reason: string): void }>): Promise<void> {
  const ids = [...new Set([...open.keys()].map((state) => state.viewer!.id))];
  if (!ids.length) return;
  const rows: { id: string }[] = await orm.em.fork().execute('select id from users where id = any(?::uuid[]) and active', [`{${ids.join(',')}}`]);
  const active = new Set(rows.map((row) => row.id));
  for (const [state, socket] of open) {
    if (!active.has(state.viewer!.id)) socket.close(FORBIDDEN, 'Forbidden');
  }
}

/**
 * graphql-ws on the HTTP server's port and path. The token comes in `connection_init`; a bad or
 * missing one closes the socket with 4401, and the socket is closed when the token expires.
 * Every operation gets its own context (forked EntityManager, loaders) and the HTTP query limits.
 */
export function attachWebSocketServer(
  httpServer: http.Server,
  schema: GraphQLSchema,
  orm: MikroORM,
  app: AppServices,
  protection: QueryProtection,
): { dispose(): Promise<void> } {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: app.config.maxWebSocketPayload });
  const states = new WeakMap<object, SocketState>();
  const open = new Map<SocketState, { close(code: number, reason: string): void }>();
  // Deactivated people lose their sockets within one sweep (a token alone would outlive them).
  const sweep = setInterval(() => {
    void closeDeactivated(orm, open).catch((error) => app.log.warn({ err: error }, 'socket sweep failed'));
  }, app.config.webSocketRevalidateMs);
  sweep.unref();
  const operationKeys = new WeakMap<ExecutionArgs, string>();
  const writers = new WeakMap<ExecutionArgs, NextWriter>();
  /** Masks a result's errors as over HTTP (INTERNAL_SERVER_ERROR is logged and its message hidden). */
  const masked = (args: ExecutionArgs, result: ExecutionResult): ExecutionResult => {
    if (!result.errors?.length) return result;
    const requestId = (args.contextValue as { requestId?: string } | undefined)?.requestId;
    for (const error of result.errors) {
      if (maskError(error.toJSON(), undefined).extensions?.code === 'INTERNAL_SERVER_ERROR') {
        app.log.error({ err: error.originalError ?? error, requestId, path: error.path }, 'internal error in a websocket operation');
      }
    }
    return { ...result, errors: result.errors.map((error) => maskError(error.toJSON(), requestId)) } as unknown as ExecutionResult;
  };
  /**
   * The `next` messages of one subscription, written to its socket as graphql-ws would write them,
   * but with the payload serialised once for every subscription that shares it.
   */
  const nextWriter = (socket: WebSocket, id: string, args: ExecutionArgs): NextWriter => {
    const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    return ({ result, json }) => {
      if (socket.readyState !== WebSocket.OPEN) return true;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return false;
      socket.send(`${head}${json ?? JSON.stringify(masked(args, result))}}`);
      return true;
    };
  };
  // Parsed and validated once per distinct text (as Apollo's document store does over HTTP): a
  // thousand clients subscribing with one document share its AST instead of holding a copy each.
  const documents = new Map<string, DocumentNode>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let lastDocumentId = 0;
  const validDocument = (query: string): DocumentNode | readonly GraphQLError[] => {
    const known = documents.get(query);
    if (known) return known;
    let document;
    try {
      document = parse(query, { maxTokens: app.config.queryLimits.maxTokens });
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
    }
    const errors = validate(schema, document, [...specifiedRules, ...protection.validationRules]);
    if (errors.length) return errors;
    if (documents.size >= DOCUMENT_CACHE_SIZE) documents.delete(documents.keys().next().value!);
    documents.set(query, document);
    documentIds.set(document, (lastDocumentId += 1));
    return document;
  };
  const viewerOf = (args: ExecutionArgs) => (args.contextValue as Context).viewer ?? undefined;
  const stateOf = (socket: object) => {
    let state = states.get(socket);
    if (!state) states.set(socket, (state = {}));
    return state;
  };

  const server = useServer<Record<string, unknown> | undefined, { state?: SocketState }>(
    {
      schema,
      connectionInitWaitTimeout: app.config.webSocketInitTimeoutMs,
      // One execution per event for identical subscriptions of one viewer (see shared-subscriptions.ts).
      subscribe: (args) => subscribeSharingExecutions(args, viewerOf(args), operationKeys.get(args) ?? randomUUID(), writers.get(args)),
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const state = stateOf(socket);
        state.requestId = requestIdFrom(ctx.extra.request.headers['x-request-id']);
        let session;
        try {
          session = await authenticate(orm, app, bearerToken(ctx.connectionParams?.authorization));
        } catch {
          session = null;
        }
        if (!session) {
          socket.close(UNAUTHORIZED, 'Unauthorized');
          return false;
        }
        state.viewer = session.viewer;
        open.set(state, socket);
        const msUntilExpiry = Math.min(session.expiresAt.getTime() - Date.now(), 2 ** 31 - 1);
        state.expiryTimer = setTimeout(() => socket.close(UNAUTHORIZED, 'Token expired'), msUntilExpiry);
        return true;
      },
      onClose: (ctx) => {
        const state = stateOf(ctx.extra.socket);
        clearTimeout(state.expiryTimer);
        open.delete(state);
      },
      onSubscribe: (ctx, id, payload) => {
        // graphql-ws has already reserved this operation's slot: count it among the open ones.
        if (Object.keys(ctx.subscriptions).length > app.config.maxSubscriptionsPerSocket) {
          return [new GraphQLError(`At most ${app.config.maxSubscriptionsPerSocket} operations at once on one socket.`, { extensions: { code: 'BAD_USER_INPUT' } })];
        }
        const document = validDocument(payload.query);
        if (!('kind' in document)) return document;
        try {
          protection.checkOperation(document, payload.variables ?? undefined, payload.operationName ?? undefined);
        } catch (error) {
          return [error as GraphQLError];
        }
        const state = stateOf(ctx.extra.socket);
        const args = {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue: createContext(app, state.viewer ?? null, `${state.requestId}:${id}`, ctx.extra.request.socket.remoteAddress ?? ''),
        } satisfies ExecutionArgs;
        operationKeys.set(args, JSON.stringify([documentIds.get(document), payload.operationName ?? null, payload.variables ?? null]));
        writers.set(args, nextWriter(ctx.extra.socket, id, args));
        return args;
      },
      // Errors sent as `error` messages (validation, or a subscription refused while it is set up).
      onError: (ctx, id, _payload, errors) => {
        const requestId = `${stateOf(ctx.extra.socket).requestId}:${id}`;
        return errors.map((error) => {
          const masked = maskError(error.toJSON(), requestId);
          if (masked.extensions?.code === 'INTERNAL_SERVER_ERROR') app.log.error({ err: error.originalError ?? error, requestId }, 'internal error in a websocket operation');
          return masked.extensions?.code === 'INTERNAL_SERVER_ERROR' ? masked : error.toJSON();
        });
      },
      onNext: (_ctx, _id, _payload, args, result) => masked(args, result) as typeof result,
    },
    wss,
    KEEP_ALIVE_MS,
  );

  return {
    // Closes every socket with 1001 (going away) and stops accepting new ones.
    dispose: async () => {
      clearInterval(sweep);
      await server.dispose();
    },
  };
}

