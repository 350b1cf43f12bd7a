import { AlertStatus } from './alerts.enums';

/**
 * The Prometheus Alertmanager webhook, version 4
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), checked field by
 * field before anything is written: a notification is taken whole or not at all.
 */

export interface ParsedAlert {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  /** Null while firing (Alertmanager sends the zero time 0001-01-01T00:00:00Z). */
  endsAt: Date | null;
  generatorUrl: string | null;
  fingerprint: string;
}

export interface ParsedNotification {
  receiver: string | null;
  status: AlertStatus;
  externalUrl: string | null;
  alerts: ParsedAlert[];
}

export interface WebhookProblem {
  /** Where in the body, e.g. ["alerts", "0", "fingerprint"]. */
  path: string[];
  message: string;
}

export const MAX_ALERTS = 1000;
const MAX_LABEL_TEXT = 10_000;
const MAX_FINGERPRINT = 128;

type Result = { notification: ParsedNotification; problems: [] } | { notification: null; problems: WebhookProblem[] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function status(value: unknown): AlertStatus | null {
  return value === 'firing' ? AlertStatus.FIRING : value === 'resolved' ? AlertStatus.RESOLVED : null;
}

/** RFC 3339 as Alertmanager writes it; Go's zero time (year 1) means "not set". */
function time(value: unknown): Date | null | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  if (value.startsWith('0001-01-01')) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function parseAlertmanagerWebhook(body: unknown): Result {
  const problems: WebhookProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path: path.map(String), message });
  if (!isObject(body)) return { notification: null, problems: [{ path: [], message: 'The body must be a JSON object (an Alertmanager webhook notification).' }] };

  if (body.version !== '4') add(['version'], `Only version "4" of the Alertmanager webhook is understood, got ${JSON.stringify(body.version ?? null)}.`);
  const groupStatus = status(body.status);
  if (!groupStatus) add(['status'], 'status must be "firing" or "resolved".');
  const texts = (value: unknown, path: (string | number)[], required: boolean): Record<string, string> => {
    if (value === undefined || value === null) {
      if (required) add(path, 'Required: an object of strings.');
      return {};
    }
    if (!isObject(value) || Object.values(value).some((item) => typeof item !== 'string')) {
      add(path, 'Must be an object whose values are strings.');
      return {};
    }
    if (JSON.stringify(value).length > MAX_LABEL_TEXT) add(path, `Must be at most ${MAX_LABEL_TEXT} characters of JSON.`);
    return value as Record<string, string>;
  };
  for (const key of ['receiver', 'groupKey', 'externalURL'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') add([key], `${key} must be a string.`);
  }
  for (const key of ['groupLabels', 'commonLabels', 'commonAnnotations'] as const) texts(body[key], [key], false);
  if (body.truncatedAlerts !== undefined && !Number.isInteger(body.truncatedAlerts)) add(['truncatedAlerts'], 'truncatedAlerts must be a whole number.');

  const alerts: ParsedAlert[] = [];
  if (!Array.isArray(body.alerts)) {
    add(['alerts'], 'alerts must be a list of alerts.');
  } else if (body.alerts.length > MAX_ALERTS) {
    add(['alerts'], `At most ${MAX_ALERTS} alerts per notification.`);
  } else {
    body.alerts.forEach((alert: unknown, index: number) => {
      const at = (key: string) => ['alerts', index, key];
      if (!isObject(alert)) return add(['alerts', index], 'Each alert must be an object.');
      const alertStatus = status(alert.status);
      if (!alertStatus) add(at('status'), 'status must be "firing" or "resolved".');
      const labels = texts(alert.labels, at('labels'), true);
      const annotations = texts(alert.annotations, at('annotations'), false);
      const startsAt = time(alert.startsAt);
      if (!startsAt) add(at('startsAt'), 'startsAt must be an RFC 3339 time.');
      const endsAt = alert.endsAt === undefined ? null : time(alert.endsAt);
      if (endsAt === undefined) add(at('endsAt'), 'endsAt must be an RFC 3339 time.');
      if (alert.generatorURL !== undefined && typeof alert.generatorURL !== 'string') add(at('generatorURL'), 'generatorURL must be a string.');
      const fingerprint = alert.fingerprint;
      if (typeof fingerprint !== 'string' || !fingerprint.trim() || fingerprint.length > MAX_FINGERPRINT) {
        add(at('fingerprint'), `fingerprint must be a non-empty string of at most ${MAX_FINGERPRINT} characters.`);
      }
      if (alertStatus && startsAt && endsAt !== undefined && typeof fingerprint === 'string') {
        alerts.push({
          status: alertStatus,
          labels,
          annotations,
          startsAt,
          endsAt,
          generatorUrl: typeof alert.generatorURL === 'string' && alert.generatorURL ? alert.generatorURL : null,
          fingerprint: fingerprint.trim(),
        });
      }
    });
  }
  if (problems.length) return { notification: null, problems };
  return {
    notification: {
      receiver: typeof body.receiver === 'string' ? body.receiver : null,
      status: groupStatus!,
      externalUrl: typeof body.externalURL === 'string' && body.externalURL ? body.externalURL : null,
      alerts,
    },
    problems: [],
  };
}
