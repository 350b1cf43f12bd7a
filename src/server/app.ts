import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import cors from 'cors';
import express, { type ErrorRequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { bearerToken, TokenService } from '../auth/tokens';
import type { Config } from '../config';
import { connectDatabase, jwtSecret } from '../db/database';
import { maskError, PUBLIC_ERROR_CODES } from '../errors';
import type { AppServices, Context } from '../graphql/context';
import { deskgraphSchema } from '../graphql/schema';
import { MODULES } from '../modules';
import type { Logger } from '../logger';
import { authenticate, createContext, requestIdFrom } from './context';
import { explorerRouter } from './explorer';
import { prepareData } from './prepare-data';
import { EventDispatcher, PostgresDoorbell } from '../modules/events/dispatcher';
import { RedisDoorbell } from '../modules/events/redis-doorbell';
import { alertHooks } from '../modules/assets/alerts.http';
import { schedulePruning } from '../modules/events/event-log';
import { queryProtection } from './protection';
import { attachWebSocketServer } from './websocket';

export interface RunningServer {
  url: string;
  port: number;
  orm: MikroORM;
  /** Graceful: stop accepting, close sockets with 1001, drain requests, close the database. */
  stop(): Promise<void>;
}

/** Logs what clients will only see masked, and tags masked errors with the request id. */
function errorPlugin(log: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (typeof code !== 'string' || !PUBLIC_ERROR_CODES.has(code)) {
              (contextValue?.log ?? log).error({ err: error.originalError ?? error, path: error.path }, 'internal error');
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => maskError(error, contextValue?.requestId));
        },
      };
    },
  };
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const database = await connectDatabase(config, log);
  try {
    return await serve(config, log, database.orm, database.embedded, database.close);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function serve(config: Config, log: Logger, orm: MikroORM, embedded: boolean, closeDatabase: () => Promise<void>): Promise<RunningServer> {
  await prepareData(orm, config, embedded, log);
  const doorbell = config.redisUrl ? new RedisDoorbell(config.redisUrl, orm, log) : new PostgresDoorbell(orm.config.get('clientUrl')!, log);
  const events = new EventDispatcher(orm, doorbell, log);
  await events.start();
  const pruner = schedulePruning(orm, config.eventRetentionSeconds, log);
  const app: AppServices = { config, log, orm, events, tokens: new TokenService(jwtSecret(config), config.jwtTtlSeconds) };
  const background = MODULES.flatMap((module) => (module.background ? [module.background(app)] : []));

  const schema = deskgraphSchema();
  const protection = queryProtection(schema, config.queryLimits);
  const expressApp = express();
  const httpServer = http.createServer(expressApp);
  let websockets: { dispose(): Promise<void> } | undefined;

  const apollo = new ApolloServer<Context>({
    schema,
    validationRules: protection.validationRules,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { async serverWillStart() { return { drainServer: async () => websockets?.dispose() }; } },
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of GraphQL responses here: its per-field hooks would cost every request.
      ApolloServerPluginCacheControlDisabled(),
      errorPlugin(log),
      ...protection.plugins,
    ],
    formatError: (formatted) => maskError(formatted, undefined),
    hideSchemaDetailsFromClientErrors: true,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Shutdown is ours (src/main.ts): Apollo's own handler would re-raise the signal before the database closes.
    stopOnTerminationSignals: false,
    logger: log,
  });
  await apollo.start();

  expressApp.disable('x-powered-by');
  expressApp.use((req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const started = process.hrtime.bigint();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.debug({ requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  });
  expressApp.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  expressApp.get('/readyz', async (_req, res) => {
    try {
      const pending = await orm.getMigrator().getPendingMigrations();
      if (pending.length) return res.status(503).json({ status: 'migrating', pendingMigrations: pending.length });
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });
  // POST /hooks/alerts: monitoring webhooks, authenticated by integration tokens (not user sessions).
  expressApp.use(alertHooks(app));
  // Before the explorer's GET route, whose router would answer CORS preflights on its own.
  expressApp.use('/graphql', cors({ origin: config.corsOrigins.includes('*') ? true : config.corsOrigins, credentials: false, maxAge: 600 }));
  expressApp.use(explorerRouter());
  expressApp.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        let session;
        try {
          session = await authenticate(orm, app, bearerToken(req.headers.authorization));
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          // Plugins do not see failures here: log the cause, tell the client only the request id.
          log.error({ err: error, requestId }, 'internal error while authenticating');
          throw new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId, http: { status: 500 } } });
        }
        return createContext(app, session?.viewer ?? null, requestId, req.socket.remoteAddress ?? '');
      },
    }),
  );
  const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status < 500 ? error.status : 500;
    if (status === 500) log.error({ err: error, requestId: res.locals.requestId }, 'unhandled HTTP error');
    res.status(status).json({ errors: [{ message: status === 500 ? 'Internal server error' : 'Malformed request body', extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  };
  expressApp.use(errorHandler);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`${config.host}:${config.port} is already in use (set PORT or HOST)`) : error),
    );
    httpServer.listen(config.port, config.host, () => resolve());
  });
  // Attached once listening, so that a port in use is reported once, by us.
  websockets = attachWebSocketServer(httpServer, schema, orm, app, protection);
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/graphql`;
  log.info({ url }, 'deskgraph is serving');

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    orm,
    stop: () =>
      (stopping ??= (async () => {
        await apollo.stop();
        await Promise.all(background.map((job) => job.stop()));
        clearInterval(pruner);
        await events.stop();
        await closeDatabase();
        log.info('deskgraph stopped');
      })()),
  };
}
