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
  // Synchronous writes: logs are sparse (lifecycle, one line per game), and an asynchronous
  // stream loses its last lines when a shutdown re-raises SIGTERM to end the process.
  const destination = pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '***' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
