// The turn pipeline of snake-api, chosen by PERSIST_MODE: `createTurnSink` is all main.ts needs.
//
//   async  TurnPublisher -> AmqpTransport (RabbitMQ), with the disk spool for outages
//   sync   SyncWriter -> PostgreSQL inside the request (the slow design, for comparison)
//   off    turns are answered and forgotten
import type { Registry } from 'prom-client';
import {
  discardTurns,
  redactUrl,
  type Logger,
  type ReadinessCheck,
  type TurnSink,
} from '@snakepit/common';
import { AmqpTransport } from './amqp-transport.ts';
import type { PipelineConfig } from './config.ts';
import { createPipelineMetrics } from './metrics.ts';
import { TurnPublisher } from './publisher.ts';
import { Spool } from './spool.ts';
import { createSyncWriter } from './sync-writer.ts';
import type { TurnTransport } from './transport.ts';

export {
  readPipelineConfig,
  readPipelineConfigOrExit,
  type PersistMode,
  type PipelineConfig,
} from './config.ts';

export interface TurnPipeline {
  sink: TurnSink;
  /**
   * Readiness conditions for /readyz. Empty on purpose: a broker outage must not take snake-api
   * out of the Service, since it keeps answering and spools; only the process itself matters.
   */
  readiness: ReadinessCheck[];
  /** Shutdown, after the HTTP server stopped: confirm or spool every turn, then disconnect. */
  close(): Promise<void>;
}

export interface TurnPipelineDeps {
  logger: Logger;
  registry: Registry;
  /**
   * Async mode: where the publisher sends turns instead of dialling AMQP_URL. The all-in-one
   * process passes its in-process queue here; the spool, replay and metrics stay the same.
   */
  transport?: TurnTransport;
}

/** Builds the sink for `config.mode`; in async mode opens the spool and starts connecting. */
export async function createTurnSink(
  config: PipelineConfig,
  deps: TurnPipelineDeps,
): Promise<TurnPipeline> {
  if (config.mode === 'sync' && config.databaseUrl) {
    deps.logger.info({ databaseUrl: redactUrl(config.databaseUrl) }, 'PERSIST_MODE=sync');
    const writer = createSyncWriter(config.databaseUrl);
    return { sink: writer, readiness: [], close: () => writer.close() };
  }
  const { transport } = deps;
  if (config.mode === 'async' && transport) return createPublisher(config, () => transport, deps);
  if (config.mode === 'async' && config.amqpUrl) {
    const url = config.amqpUrl;
    return createPublisher(config, () => startAmqpTransport(url, config, deps.logger), deps);
  }
  return { sink: discardTurns, readiness: [], close: () => Promise.resolve() };
}

async function createPublisher(
  config: PipelineConfig,
  openTransport: () => TurnTransport,
  { logger, registry }: TurnPipelineDeps,
): Promise<TurnPipeline> {
  const spool = await Spool.open(
    { dir: config.spoolDir, maxBytes: config.spoolMaxBytes },
    { onTornSegment: (file) => logger.warn({ file }, 'spool segment ends in a torn record') },
  );
  if (!spool.isEmpty())
    logger.info({ spoolDepth: spool.depth }, 'replaying turns left in the spool');
  // After the spool: a spool that cannot open must not leave a connection behind.
  const transport = openTransport();
  const metrics = createPipelineMetrics(registry, {
    spoolDepth: () => spool.depth,
    spoolBytes: () => spool.bytes,
    brokerConnected: () => transport.ready,
  });
  const publisher = new TurnPublisher({
    transport,
    spool,
    metrics,
    logger,
    bufferMax: config.publishBufferMax,
  });
  publisher.start();
  return {
    sink: publisher,
    readiness: [],
    close: () => publisher.close(config.shutdownTimeoutMs / 2),
  };
}

function startAmqpTransport(url: string, config: PipelineConfig, logger: Logger): AmqpTransport {
  const transport = new AmqpTransport({ url, topology: config.topology, logger });
  transport.start();
  return transport;
}
