// The whole system in one process: snake-api and turn-persister, joined by RabbitMQ when
// AMQP_URL is set and by the in-process queue otherwise, writing to PostgreSQL when
// DATABASE_URL is set and to the embedded PGlite in DATA_DIR otherwise.
//
// Stop order (SIGTERM): the API stops taking requests and answers those in flight; the
// publisher stops; the persister stores and acks what it holds; what is still unstored goes to
// the disk spool (replayed at the next start); then the embedded database closes. Each step
// waits for the one before, so no turn is between two owners when the process exits.
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import {
  readString,
  redactUrl,
  type Logger,
  type ReadinessCheck,
  type TurnSink,
} from '@snakepit/common';
import { startSnakeApi } from '@snakepit/snake-api/service';
import {
  createTurnSink,
  readPipelineConfig,
  type PipelineConfig,
} from '@snakepit/snake-api/pipeline/index';
import { Spool } from '@snakepit/snake-api/pipeline/spool';
import { runMigrations } from '@snakepit/turn-persister/migrate';
import { startTurnPersister, type PersisterConfig } from '@snakepit/turn-persister/service';
import { createDatabasePool } from '@snakepit/turn-persister/store';
import type { AllInOneConfig } from './config.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/database.ts';
import { fileDeadLetters } from './queue/dead-letters.ts';
import { InProcessQueue, queueSource, type QueuedMessage } from './queue/in-process-queue.ts';
import { InProcessTransport } from './queue/in-process-transport.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** What `startAllInOne` needs. */
export interface AllInOneOptions {
  config: AllInOneConfig;
  logger: Logger;
  /** One registry for both services (served by the one admin server). */
  registry: Registry;
  /** The environment, for settings the parts read themselves (SPOOL_DIR, ...); default process.env. */
  env?: Env;
}

/** The running process's parts. */
export interface AllInOne {
  /** The Battlesnake API port actually bound. */
  apiPort: number;
  /** Every readiness check of both services. */
  readiness: ReadinessCheck[];
  /** The orderly stop described above; resolves with the counts it logged. */
  close(): Promise<StopReport>;
}

/** What the orderly stop logs. */
export interface StopReport {
  /** Turns written to the turns table by this process since it started. */
  storedThisRun: number;
  /** Rows in the turns table after the stop (undefined when the database could not be asked). */
  turnsInDatabase: number | undefined;
  /** Turns left unstored and put into the disk spool for the next start. */
  spooled: number;
}

/** Starts everything; throws DataDirError or ConfigError when it cannot. */
export async function startAllInOne(options: AllInOneOptions): Promise<AllInOne> {
  const { config, logger, registry } = options;
  const env = options.env ?? process.env;
  const dataDir = path.resolve(config.dataDir);
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedDatabase({ dataDir, port: config.embeddedDatabasePort, logger });
  const databaseUrl = config.databaseUrl ?? (embedded as EmbeddedDatabase).url;
  logStart(config, dataDir, embedded, logger);

  const parts = await startPipeline(options, env, dataDir, databaseUrl).catch(async (err) => {
    await embedded?.close();
    throw err;
  });
  const api = await startSnakeApi({ config: config.api, logger, registry, sink: parts.sink });
  return {
    apiPort: api.port,
    readiness: [{ name: 'api', ready: () => api.server.listening }, ...parts.readiness],
    close: async () => {
      await api.close();
      const spooled = await parts.close();
      const report = {
        storedThisRun: await storedCounter(registry),
        turnsInDatabase: await countTurns(databaseUrl),
        spooled,
      };
      await embedded?.close();
      logger.info(report, 'stopped; every turn answered is stored or spooled');
      await flushLogs(logger);
      return report;
    },
  };
}

interface Pipeline {
  sink: TurnSink;
  readiness: ReadinessCheck[];
  /** Stops publisher and persister in order; resolves with how many turns were spooled. */
  close(): Promise<number>;
}

async function startPipeline(
  options: AllInOneOptions,
  env: Env,
  dataDir: string,
  databaseUrl: string,
): Promise<Pipeline> {
  const { config } = options;
  // The persister's drain gets most of the stop budget; spooling the rest and closing the
  // database need the remainder, or the admin server's timeout would cut them off.
  const shutdownTimeoutMs = Math.floor(config.shutdownTimeoutMs * 0.6);
  const persisterConfig = { ...config.persister, databaseUrl, shutdownTimeoutMs };
  // snake-api's own reader, so SPOOL_*, PUBLISH_BUFFER_MAX and PERSIST_MODE mean what they mean
  // in its container; only the defaults of the URLs and of the spool folder differ here.
  const pipelineConfig = readPipelineConfig({
    ...env,
    AMQP_URL: config.amqpUrl ?? NO_BROKER,
    DATABASE_URL: databaseUrl,
    SPOOL_DIR: readString(env, 'SPOOL_DIR', path.join(dataDir, 'spool')),
    SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
  });
  if (config.amqpUrl || pipelineConfig.mode !== 'async') {
    return startBrokerPipeline(options, pipelineConfig, persisterConfig);
  }
  return startInProcessPipeline(options, dataDir, pipelineConfig, persisterConfig);
}

/** Never dialled: stands in for AMQP_URL when the in-process queue carries the turns. */
const NO_BROKER = 'amqp://in-process.invalid';

/** snake-api's sink as its container builds it, and turn-persister consuming RabbitMQ. */
async function startBrokerPipeline(
  options: AllInOneOptions,
  pipelineConfig: PipelineConfig,
  persisterConfig: PersisterConfig,
): Promise<Pipeline> {
  const { logger, registry } = options;
  const persister = options.config.amqpUrl
    ? await startTurnPersister({ config: persisterConfig, logger, registry })
    : undefined;
  // PERSIST_MODE=sync without a broker writes from the request; the schema must exist first.
  if (!persister && pipelineConfig.mode === 'sync') await migrate(persisterConfig, logger);
  const pipeline = await createTurnSink(pipelineConfig, { logger, registry });
  return {
    sink: pipeline.sink,
    readiness: persister?.readiness ?? [],
    close: async () => {
      await pipeline.close();
      await persister?.close();
      return 0;
    },
  };
}

/**
 * snake-api's pipeline and turn-persister as their own factories build them, joined by the
 * in-process queue instead of RabbitMQ. At the stop, what the persister could not store goes
 * into the spool.
 */
async function startInProcessPipeline(
  options: AllInOneOptions,
  dataDir: string,
  pipelineConfig: PipelineConfig,
  persisterConfig: PersisterConfig,
): Promise<Pipeline> {
  const { config, logger, registry } = options;
  const queue = new InProcessQueue({
    capacity: config.queueCapacity,
    prefetch: persisterConfig.prefetch,
    deadLetter: fileDeadLetters(dataDir),
  });
  const persister = await startTurnPersister({
    config: persisterConfig,
    logger,
    registry,
    source: (onDelivery) => queueSource(queue, onDelivery),
  });
  const pipeline = await createTurnSink(pipelineConfig, {
    logger,
    registry,
    transport: new InProcessTransport(queue),
  }).catch(async (err: unknown) => {
    await persister.close();
    throw err;
  });
  return {
    sink: pipeline.sink,
    readiness: persister.readiness,
    close: async () => {
      await pipeline.close();
      await persister.close();
      const spoolOptions = { dir: pipelineConfig.spoolDir, maxBytes: pipelineConfig.spoolMaxBytes };
      return spoolLeftovers(queue.takeRemaining(), spoolOptions);
    },
  };
}

async function migrate(config: PersisterConfig, logger: Logger): Promise<void> {
  const pool = createDatabasePool(config.databaseUrl, 1);
  try {
    await runMigrations(pool, logger);
  } finally {
    await pool.end();
  }
}

/** Appends what the queue still held to the spool (closed by the publisher, so reopened). */
async function spoolLeftovers(
  left: readonly QueuedMessage[],
  options: { dir: string; maxBytes: number },
): Promise<number> {
  if (left.length === 0) return 0;
  const spool = await Spool.open(options);
  const kept = left.filter(({ id, body }) => spool.append({ id, headers: {}, bytes: body }));
  await spool.close();
  return kept.length;
}

function logStart(
  config: AllInOneConfig,
  dataDir: string,
  embedded: EmbeddedDatabase | undefined,
  logger: Logger,
): void {
  const broker = config.amqpUrl ? redactUrl(config.amqpUrl) : 'in-process queue';
  const database = embedded
    ? `embedded PGlite in ${embedded.pgdata}`
    : redactUrl(config.databaseUrl ?? '');
  const mode = embedded && !config.amqpUrl ? 'embedded' : config.amqpUrl ? 'external' : 'mixed';
  logger.info(
    { mode, broker, database, dataDir },
    `all-in-one: ${mode} mode, turns kept in ${database}`,
  );
}

/**
 * Writes out pino's buffer before returning. The admin server re-raises the signal right after
 * the stop, and pino writes asynchronously: measured, the stop report was lost about one time in
 * three when stdout is a pipe. logger.flush(cb) did not prevent it; sonic-boom's flushSync does,
 * once the asynchronous write it may have in flight (`_writing`) has finished.
 */
async function flushLogs(logger: Logger): Promise<void> {
  const streams = logger as unknown as Record<symbol, SonicBoomLike | undefined>;
  const stream = streams[pino.symbols.streamSym];
  for (let waitedMs = 0; stream?._writing && waitedMs < 1_000; waitedMs += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  try {
    stream?.flushSync?.();
  } catch {
    // stdout already closed: nothing more can be said.
  }
}

interface SonicBoomLike {
  flushSync?: () => void;
  _writing?: boolean;
}

/** snakepit_turns_stored_total: the turns this process wrote (duplicates not counted). */
async function storedCounter(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('snakepit_turns_stored_total');
  const { values } = (await metric?.get()) ?? { values: [] };
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** The rows in turns, asked on a fresh connection; undefined when that fails. */
async function countTurns(databaseUrl: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM turns');
    return Number(rows[0]?.n);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
