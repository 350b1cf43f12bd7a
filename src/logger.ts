import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Secrets are redacted wherever they might appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'deskgraph' },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'headers.authorization',
        'variables.input.password',
        'variables.password',
        'connectionParams.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
