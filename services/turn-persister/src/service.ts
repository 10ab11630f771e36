// turn-persister as a unit: its configuration, and starting and stopping it. The process entry
// (main.ts), the all-in-one process and the tests all start it through here.
import type pg from 'pg';
import type { Registry } from 'prom-client';
import {
  ConfigError,
  readAmqpUrl,
  readBool,
  readChoice,
  readInt,
  readTurnTopology,
  type Logger,
  type ReadinessCheck,
  type TurnTopology,
} from '@snakepit/common';
import { Batcher, type Delivery } from './batcher.ts';
import { TurnConsumer } from './consumer.ts';
import { createPersisterMetrics } from './metrics.ts';
import { runMigrations } from './migrate.ts';
import { createDatabasePool, readDatabaseUrl, storeTurns } from './store.ts';

export interface PersisterConfig {
  /** ADMIN_PORT: /healthz, /readyz and /metrics; default 9101. */
  adminPort: number;
  /** LOG_LEVEL: pino level; default info. */
  logLevel: string;
  /** SHUTDOWN_TIMEOUT_MS: budget to finish the batch in hand after SIGTERM, in ms; default 10000. */
  shutdownTimeoutMs: number;
  /** AMQP_URL: the broker, amqp://user:pass@host:5672/vhost; required. */
  amqpUrl: string;
  /** DATABASE_URL: postgres://user:pass@host:5432/dbname; required. */
  databaseUrl: string;
  /** DATABASE_POOL_SIZE: connections to PostgreSQL; default 4. */
  databasePoolSize: number;
  /** BATCH_SIZE: most turns written in one transaction; default 500. */
  batchSize: number;
  /** BATCH_MAX_WAIT_MS: longest a turn waits for its batch to fill, in ms; default 200. */
  batchMaxWaitMs: number;
  /** PREFETCH: most unacked messages in hand; default 1000 (keep it above BATCH_SIZE). */
  prefetch: number;
  /** MIGRATE_ON_START: apply pending migrations before consuming; default true. */
  migrateOnStart: boolean;
  /** TURNS_EXCHANGE, TURNS_QUEUE, DEAD_LETTER_QUEUE, DELIVERY_LIMIT (see broker.ts). */
  topology: TurnTopology;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads turn-persister's configuration; throws ConfigError naming the first bad variable. */
export function readPersisterConfig(env: NodeJS.ProcessEnv = process.env): PersisterConfig {
  const amqpUrl = readAmqpUrl(env);
  if (amqpUrl === undefined) {
    throw new ConfigError('AMQP_URL', 'is not set', 'amqp://user:pass@host:5672/vhost');
  }
  return {
    adminPort: readInt(env, 'ADMIN_PORT', 9101, { max: 65535 }),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, { min: 1 }),
    amqpUrl,
    databaseUrl: readDatabaseUrl(env),
    databasePoolSize: readInt(env, 'DATABASE_POOL_SIZE', 4, { min: 1, max: 100 }),
    batchSize: readInt(env, 'BATCH_SIZE', 500, { min: 1, max: 10_000 }),
    batchMaxWaitMs: readInt(env, 'BATCH_MAX_WAIT_MS', 200, { min: 1, max: 60_000 }),
    prefetch: readInt(env, 'PREFETCH', 1000, { min: 1, max: 65_535 }),
    migrateOnStart: readBool(env, 'MIGRATE_ON_START', true),
    topology: readTurnTopology(env),
  };
}

/**
 * Where the turns come from. The service alone consumes RabbitMQ (TurnConsumer); the all-in-one
 * process hands in its in-process queue instead. Everything after the delivery (migrations,
 * batching, ack after commit, dead letters, metrics, readiness) is the same code either way.
 */
export interface DeliverySource {
  /** The readiness check's name: `broker` for RabbitMQ. */
  readonly name: string;
  /** True while deliveries can arrive (connected and consuming). */
  readonly consuming: boolean;
  start(): void;
  /** Stops new deliveries; those in hand can still be acked. */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
}

export interface TurnPersisterOptions {
  config: PersisterConfig;
  logger: Logger;
  /** Where the metrics are registered (served by the admin server). */
  registry: Registry;
  /** Builds the source that feeds `onDelivery`; default a TurnConsumer on `config.amqpUrl`. */
  source?: (onDelivery: (delivery: Delivery) => void) => DeliverySource;
}

export interface TurnPersister {
  /** broker: consuming; database: the last write succeeded and the database answers now. */
  readiness: ReadinessCheck[];
  /** Stops consuming, stores and acks what is in hand, closes the connections. */
  close(): Promise<void>;
}

/** Applies migrations (unless told not to), then consumes in the background. */
export async function startTurnPersister(options: TurnPersisterOptions): Promise<TurnPersister> {
  const { config, logger } = options;
  const pool = createDatabasePool(config.databaseUrl, config.databasePoolSize);
  // An idle connection that dies emits here; the next query simply takes a new one.
  pool.on('error', (err) => logger.debug({ err }, 'idle database connection lost'));
  if (config.migrateOnStart) {
    await runMigrations(pool, logger).catch(async (err: unknown) => {
      await pool.end();
      throw err;
    });
  }

  const metrics = createPersisterMetrics(options.registry);
  const batcher = new Batcher({
    batchSize: config.batchSize,
    batchMaxWaitMs: config.batchMaxWaitMs,
    write: (rows) => storeTurns(pool, rows),
    metrics,
    logger,
  });
  const onDelivery = (delivery: Delivery) => batcher.push(delivery);
  const consumer = options.source
    ? options.source(onDelivery)
    : new TurnConsumer({
        amqpUrl: config.amqpUrl,
        topology: config.topology,
        prefetch: config.prefetch,
        logger,
        onDelivery,
      });
  consumer.start();

  return {
    readiness: [
      { name: consumer.name, ready: () => consumer.consuming },
      {
        name: 'database',
        // The probe also keeps snakepit_database_up honest while no turns arrive to be written.
        ready: async () => {
          const up = batcher.databaseUp && (await databaseAnswers(pool));
          metrics.databaseUp.set(up ? 1 : 0);
          return up;
        },
      },
    ],
    close: async () => {
      await consumer.stopConsuming();
      // Keep a second of the shutdown budget for closing the connections.
      await batcher.drain(Date.now() + Math.max(0, config.shutdownTimeoutMs - 1_000));
      await consumer.close();
      await pool.end();
    },
  };
}

/** True when a trivial query succeeds within a second (a probe must not hang). */
export async function databaseAnswers(pool: pg.Pool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, 1_000, false)));
  try {
    return await Promise.race([pool.query('SELECT 1').then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
