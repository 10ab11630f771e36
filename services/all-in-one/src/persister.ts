// turn-persister fed by the in-process queue instead of RabbitMQ. Its own parts do the work
// (the migrations, the Batcher with its retry and ack-after-commit rules, storeTurns with its
// SQL and metrics); only the transport differs, so this mirrors startTurnPersister with the
// AMQP consumer replaced by the queue.
import type { Registry } from 'prom-client';
import type { Logger, ReadinessCheck } from '@snakepit/common';
import { Batcher } from '@snakepit/turn-persister/batcher';
import { createPersisterMetrics } from '@snakepit/turn-persister/metrics';
import { runMigrations } from '@snakepit/turn-persister/migrate';
import { databaseAnswers, type PersisterConfig } from '@snakepit/turn-persister/service';
import { createDatabasePool, storeTurns } from '@snakepit/turn-persister/store';
import type { InProcessQueue } from './queue/in-process-queue.ts';

/** Options of the queue-fed persister. */
export interface QueuePersisterOptions {
  /** turn-persister's settings; its databaseUrl must be the real one (server or embedded). */
  config: PersisterConfig;
  queue: InProcessQueue;
  logger: Logger;
  registry: Registry;
}

/** A running queue-fed persister. */
export interface QueuePersister {
  /** database: the last write succeeded and the database answers now. */
  readiness: ReadinessCheck[];
  /** Stops taking deliveries, stores and acks what is in hand, closes the pool. */
  close(): Promise<void>;
}

/** Applies migrations (unless MIGRATE_ON_START=false), then stores what the queue delivers. */
export async function startQueuePersister(options: QueuePersisterOptions): Promise<QueuePersister> {
  const { config, queue, logger } = options;
  const pool = createDatabasePool(config.databaseUrl, config.databasePoolSize);
  pool.on('error', (err) => logger.debug({ err }, 'idle database connection lost'));
  if (config.migrateOnStart) {
    await runMigrations(pool, logger).catch(async (err: unknown) => {
      await pool.end();
      throw err;
    });
  }
  const batcher = new Batcher({
    batchSize: config.batchSize,
    batchMaxWaitMs: config.batchMaxWaitMs,
    write: (rows) => storeTurns(pool, rows),
    metrics: createPersisterMetrics(options.registry),
    logger,
  });
  queue.consume((delivery) => batcher.push(delivery));
  return {
    readiness: [
      { name: 'database', ready: async () => batcher.databaseUp && (await databaseAnswers(pool)) },
    ],
    close: async () => {
      queue.stopConsuming();
      // Keep a second of the budget for closing; what is not stored by then stays in the queue.
      await batcher.drain(Date.now() + Math.max(0, config.shutdownTimeoutMs - 1_000));
      await pool.end();
    },
  };
}
