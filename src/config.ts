import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
}

/**
 * Limits of `ticketStats`, so that one heavy question cannot starve the desk's own work. Budgets are
 * in PostgreSQL planner cost units; on the 2-CPU machine of bench/README.md, 100,000 is about 0.4 to
 * 1 s of work.
 */
export interface AnalyticsLimits {
  /** PostgreSQL's `statement_timeout` for each statistics statement. */
  statementTimeoutMs: number;
  /** Highest planner cost (EXPLAIN's total cost) a statement may have, by role of the viewer. */
  costBudgets: { AGENT: number; ANALYST: number; ADMIN: number };
  /** Most rows (groups) one answer may hold. */
  maxRows: number;
  /** Statistics one server computes at once (each holds a database connection); others wait their turn. */
  maxConcurrent: number;
  /** How long a question waits for its turn before RATE_LIMITED. */
  queueTimeoutMs: number;
}

export interface Config {
  port: number;
  host: string;
  /** Absent: an embedded PostgreSQL is started with its data in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Absent: generated once and kept in `dataDir`. */
  jwtSecret: string | undefined;
  jwtTtlSeconds: number;
  bootstrapAdmin: { email: string; password: string } | undefined;
  /** undefined: load into an empty embedded database only. */
  demoData: boolean | undefined;
  redisUrl: string | undefined;
  logLevel: LogLevel;
  corsOrigins: string[];
  databasePoolSize: number;
  queryLimits: QueryLimits;
  loginRateLimit: { maxFailures: number; windowSeconds: number };
  shutdownTimeoutMs: number;
  /** How long the event log keeps events (cursors older than this expire). */
  eventRetentionSeconds: number;
  /** Most subscriptions one socket may hold at once. */
  maxSubscriptionsPerSocket: number;
  /** Largest WebSocket message accepted, in bytes. */
  maxWebSocketPayload: number;
  /** A socket must send connection_init within this time. */
  webSocketInitTimeoutMs: number;
  /** How often open sockets are checked for deactivated users. */
  webSocketRevalidateMs: number;
  analytics: AnalyticsLimits;
}

/** A bad environment value: the process stops with this one line. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got something unparsable`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "86400", "90s", "15m", "24h", "7d" or an ISO 8601 duration such as PT24H: whole seconds. */
function duration(env: Env, name: string, fallbackSeconds: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallbackSeconds;
  const simple = /^(\d+)([smhd]?)$/.exec(raw);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(raw);
  const seconds = simple
    ? Number(simple[1]) * DURATION_UNITS[simple[2] || 's']
    : iso && raw !== 'P' && raw !== 'PT'
      ? Number(iso[1] ?? 0) * 86400 + Number(iso[2] ?? 0) * 3600 + Number(iso[3] ?? 0) * 60 + Number(iso[4] ?? 0)
      : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new ConfigError(`${name} must be a duration such as 24h, 90m or PT24H, got "${raw}"`);
  }
  return seconds;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Parses and validates the whole environment once, at start. */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const adminEmail = read(env, 'BOOTSTRAP_ADMIN_EMAIL');
  const adminPassword = read(env, 'BOOTSTRAP_ADMIN_PASSWORD');
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }

  if (adminEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail)) {
    throw new ConfigError(`BOOTSTRAP_ADMIN_EMAIL must be an e-mail address, got "${adminEmail}"`);
  }
  if (adminPassword && adminPassword.length < 10) {
    throw new ConfigError('BOOTSTRAP_ADMIN_PASSWORD must be at least 10 characters long');
  }

  const jwtSecret = read(env, 'JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters long');
  }

  const host = read(env, 'HOST') ?? '127.0.0.1';
  const corsOrigins = (read(env, 'CORS_ORIGINS') ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError(`CORS_ORIGINS must list origins like https://desk.example.com, got "${origin}"`);
    }
  }

  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres', 'postgresql']),
    dataDir: path.resolve(read(env, 'DATA_DIR') ?? '.data'),
    jwtSecret,
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    bootstrapAdmin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    demoData: flag(env, 'DEMO_DATA'),
    redisUrl: url(env, 'REDIS_URL', ['redis', 'rediss']),
    logLevel,
    corsOrigins,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    queryLimits: {
      maxDepth: integer(env, 'QUERY_MAX_DEPTH', 12, 2, 100),
      maxAliases: integer(env, 'QUERY_MAX_ALIASES', 30, 1, 1000),
      maxTokens: integer(env, 'QUERY_MAX_TOKENS', 5000, 100, 100000),
      maxDirectives: integer(env, 'QUERY_MAX_DIRECTIVES', 50, 1, 1000),
      maxCost: integer(env, 'QUERY_MAX_COST', 50000, 10, 10000000),
    },
    loginRateLimit: {
      maxFailures: integer(env, 'LOGIN_MAX_FAILURES', 10, 1, 10000),
      windowSeconds: integer(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 1, 86400),
    },
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 8000, 100, 60000),
    eventRetentionSeconds: duration(env, 'EVENT_RETENTION', 24 * 3600),
    maxSubscriptionsPerSocket: integer(env, 'WS_MAX_SUBSCRIPTIONS', 50, 1, 10000),
    maxWebSocketPayload: integer(env, 'WS_MAX_PAYLOAD_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    webSocketInitTimeoutMs: integer(env, 'WS_INIT_TIMEOUT_MS', 5000, 100, 60000),
    webSocketRevalidateMs: integer(env, 'WS_REVALIDATE_MS', 15000, 100, 3600000),
    analytics: {
      statementTimeoutMs: integer(env, 'ANALYTICS_STATEMENT_TIMEOUT_MS', 15000, 1, 600000),
      costBudgets: {
        AGENT: integer(env, 'ANALYTICS_COST_BUDGET_AGENT', 250_000, 1, Number.MAX_SAFE_INTEGER),
        ANALYST: integer(env, 'ANALYTICS_COST_BUDGET_ANALYST', 2_000_000, 1, Number.MAX_SAFE_INTEGER),
        ADMIN: integer(env, 'ANALYTICS_COST_BUDGET_ADMIN', 2_000_000, 1, Number.MAX_SAFE_INTEGER),
      },
      maxRows: integer(env, 'ANALYTICS_MAX_ROWS', 10000, 1, 1_000_000),
      maxConcurrent: integer(env, 'ANALYTICS_MAX_CONCURRENT', 3, 1, 1000),
      queueTimeoutMs: integer(env, 'ANALYTICS_QUEUE_TIMEOUT_MS', 5000, 0, 600000),
    },
  };
}
