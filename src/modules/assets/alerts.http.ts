import express, { type ErrorRequestHandler, type Router } from 'express';
import { bearerToken } from '../../auth/tokens';
import type { AppServices } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { DomainError } from '../../graphql/user-errors';
import { Ticket } from '../tickets/tickets.entities';
import { ticketKey } from '../tickets/tickets.enums';
import { AlertsService } from './alerts.service';
import { parseAlertmanagerWebhook } from './alerts.webhook';

const MAX_BODY = '2mb';

/**
 * POST /hooks/alerts: Prometheus Alertmanager's webhook receiver (version 4). Configure Alertmanager
 * with
 *
 *   receivers:
 *     - name: deskgraph
 *       webhook_configs:
 *         - url: https://desk.example/hooks/alerts
 *           http_config: { authorization: { type: Bearer, credentials: <the integration's token> } }
 *
 * Answers 401 for a missing, unknown or revoked token, 400 for a body that is not JSON or not a
 * version 4 notification (with the reasons), in both cases before writing anything; 200 with what
 * each alert did. A failure of ours is a 500 that Alertmanager retries: the notification is applied
 * whole or not at all, so a retry is safe.
 */
export function alertHooks(app: AppServices): Router {
  const router = express.Router();
  router.post('/hooks/alerts', express.raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const requestId = res.locals.requestId as string | undefined;
    const em = app.orm.em.fork();
    const service = new AlertsService({ em, viewer: null });
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return res.status(401).json({ error: 'Missing bearer token: send Authorization: Bearer <integration token>.' });
    }
    const integration = await service.authenticate(token);
    if (!integration) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      return res.status(401).json({ error: 'Unknown or revoked integration token.' });
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      return res.status(400).json({ error: 'The body is not valid JSON.' });
    }
    const parsed = parseAlertmanagerWebhook(body);
    if (!parsed.notification) {
      return res.status(400).json({ error: 'Not an Alertmanager webhook notification (version 4).', problems: parsed.problems.map((problem) => ({ path: problem.path.join('.'), message: problem.message })) });
    }
    try {
      const results = await service.ingest(integration.id, parsed.notification);
      const tickets = await em.find(Ticket, { id: { $in: results.flatMap((result) => (result.ticketId ? [result.ticketId] : [])) } });
      app.log.info({ requestId, integrationId: integration.id, alerts: results.length }, 'alerts ingested');
      return res.json({
        alerts: results.map((result) => {
          const ticket = tickets.find((candidate) => candidate.id === result.ticketId);
          return {
            fingerprint: result.fingerprint,
            status: result.status.toLowerCase(),
            outcome: result.outcome,
            ticket: ticket ? { id: toGlobalId('Ticket', ticket.id), key: ticketKey(ticket.type, ticket.number) } : null,
          };
        }),
      });
    } catch (error) {
      if (error instanceof DomainError) {
        // Revoked between the token check and the integration's lock: the token is no longer good.
        if (error.errors.some((problem) => problem.field === 'integrationId')) return res.status(401).json({ error: 'Unknown or revoked integration token.' });
        // A ticket rule refused (nothing was written): the notification cannot be applied as it is.
        return res.status(409).json({ error: error.message });
      }
      app.log.error({ err: error, requestId, integrationId: integration.id }, 'ingesting alerts failed');
      return res.status(500).json({ error: 'Internal server error', requestId });
    }
  });
  const errorHandler: ErrorRequestHandler = (error, _req, res, next) => {
    if (error?.type === 'entity.too.large') return res.status(413).json({ error: `The body is larger than ${MAX_BODY}.` });
    next(error);
  };
  router.use(errorHandler);
  return router;
}
