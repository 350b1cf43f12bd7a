import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer';
import { unauthenticated } from '../errors';
import type { AppServices, Context } from '../graphql/context';
import { Loaders } from '../graphql/loaders';
import type { Logger } from '../logger';
import { loadViewer } from '../modules/users/session.service';

/**
 * A fresh unit of work for one operation: forked EntityManager, its own loaders, the viewer. The
 * EntityManager and the logger are made on first use: a subscription holds its context for hours
 * but resolves its events in a shared unit of work (see tickets.events.ts), and thousands of idle
 * subscriptions should not each keep an identity map and a child logger.
 */
export function createContext(app: AppServices, viewer: Viewer | null, requestId: string, ip: string): Context {
  let log: Logger | undefined;
  const context = {
    viewer,
    requestId,
    ip,
    app,
    get log() {
      return (log ??= app.log.child({ requestId, viewerId: viewer?.id }));
    },
  } as Context;
  startNewUnitOfWork(context);
  return context;
}

/**
 * Gives the context a new, lazily forked EntityManager and empty loaders, dropping what it loaded so
 * far. A subscription calls it once its source stream is set up: what authorizing it loaded (the
 * ticket, the viewer's rows) is not worth holding for the life of the socket.
 */
export function startNewUnitOfWork(context: Context): void {
  let em: EntityManager | undefined;
  Object.defineProperty(context, 'em', {
    get: () => (em ??= context.app.orm.em.fork()),
    set: (value: EntityManager) => {
      em = value;
    },
    enumerable: true,
    configurable: true,
  });
  context.loaders = new Loaders(context);
}

/**
 * The viewer for a bearer token: null without a token; UNAUTHENTICATED for a token that is forged,
 * expired, or whose user is gone or deactivated (the client must log in again, not continue anonymous).
 */
export async function authenticate(orm: MikroORM, app: AppServices, token: string | null): Promise<{ viewer: Viewer; expiresAt: Date } | null> {
  if (!token) return null;
  const claims = app.tokens.verify(token);
  const viewer = claims && (await loadViewer(orm.em.fork(), claims.userId));
  if (!claims || !viewer) throw unauthenticated('Your session is invalid or has expired; log in again.');
  return { viewer, expiresAt: claims.expiresAt };
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** Keeps a caller's X-Request-Id when it looks sane, so logs can be joined across services. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
