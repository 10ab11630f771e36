import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that may hold credentials; pino replaces them wherever they appear in a log object. */
const REDACT_PATHS = [
  'amqpUrl',
  'databaseUrl',
  '*.amqpUrl',
  '*.databaseUrl',
  'password',
  '*.password',
];

/**
 * The process logger: JSON lines on stdout, fields first then a short message.
 * `level` defaults to LOG_LEVEL's default, info; `service` becomes a field on every line.
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '***' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
