// The all-in-one process's configuration: the two services' own settings (read by their own
// readers, so every variable means the same here as in their containers), plus what only this
// process has: one admin port, the data folder, and the in-process queue.
import {
  readAmqpUrl,
  readChoice,
  readInt,
  readOptional,
  readString,
  readUrl,
} from '@snakepit/common';
import { readSnakeApiConfig, type SnakeApiConfig } from '@snakepit/snake-api/service';
import { readPersisterConfig, type PersisterConfig } from '@snakepit/turn-persister/service';

type Env = Readonly<Record<string, string | undefined>>;

/** Everything the all-in-one process reads from its environment. */
export interface AllInOneConfig {
  /** ADMIN_PORT: the one admin server (/healthz, /readyz of both services, /metrics); default 9100. */
  adminPort: number;
  /** LOG_LEVEL: pino level; default info. */
  logLevel: string;
  /** SHUTDOWN_TIMEOUT_MS: budget for the whole orderly stop after SIGTERM, in ms; default 10000. */
  shutdownTimeoutMs: number;
  /** DATA_DIR: embedded database, spool and dead letters; default ./data. */
  dataDir: string;
  /** AMQP_URL: RabbitMQ; unset (the default) = the in-process queue. */
  amqpUrl: string | undefined;
  /** DATABASE_URL: PostgreSQL; unset (the default) = embedded PGlite in DATA_DIR/pgdata. */
  databaseUrl: string | undefined;
  /** EMBEDDED_DATABASE_PORT: 127.0.0.1 port of the embedded database (for psql); default 0, any free one. */
  embeddedDatabasePort: number;
  /** QUEUE_CAPACITY: most turns the in-process queue holds before spooling; default 1000. */
  queueCapacity: number;
  /** The snake-api's settings (PORT, PERSIST_MODE, DEFAULT_STRATEGY, ...). */
  api: SnakeApiConfig;
  /**
   * turn-persister's settings (BATCH_SIZE, BATCH_MAX_WAIT_MS, PREFETCH, ...). Its amqpUrl and
   * databaseUrl are placeholders when the process runs without a broker or a database server.
   */
  persister: PersisterConfig;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// turn-persister's reader insists on both URLs (its container cannot run without them); these
// never reach a socket, the all-in-one process replaces them before anything connects.
const NO_BROKER = 'amqp://in-process.invalid';
const NO_DATABASE = 'postgres://embedded.invalid/postgres';
const DATABASE_URL_EXAMPLE = 'postgres://user:pass@host:5432/dbname';

/** Reads the all-in-one configuration; throws ConfigError naming the first bad variable. */
export function readAllInOneConfig(env: Env = process.env): AllInOneConfig {
  const amqpUrl = readAmqpUrl(env);
  const databaseUrl = readUrl(
    env,
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    DATABASE_URL_EXAMPLE,
  );
  const persister = readPersisterConfig({
    ...env,
    AMQP_URL: amqpUrl ?? NO_BROKER,
    DATABASE_URL: databaseUrl ?? NO_DATABASE,
  });
  return {
    adminPort: readInt(env, 'ADMIN_PORT', 9100, { max: 65535 }),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, { min: 1 }),
    dataDir: readString(env, 'DATA_DIR', './data'),
    amqpUrl,
    databaseUrl,
    embeddedDatabasePort: readInt(env, 'EMBEDDED_DATABASE_PORT', 0, { max: 65535 }),
    queueCapacity: readInt(env, 'QUEUE_CAPACITY', 1000, { min: 1, max: 1_000_000 }),
    api: readSnakeApiConfig(env),
    persister: { ...persister, databasePoolSize: poolSize(env, databaseUrl) },
  };
}

/** DATABASE_POOL_SIZE if set; else 4 for a server, 2 for PGlite (one session serves them all). */
function poolSize(env: Env, databaseUrl: string | undefined): number {
  const fallback = databaseUrl === undefined ? 2 : 4;
  return readOptional(env, 'DATABASE_POOL_SIZE') === undefined
    ? fallback
    : readInt(env, 'DATABASE_POOL_SIZE', fallback, { min: 1, max: 100 });
}
