// The snake-api process, as its container runs it: configuration, logger and metrics, the
// Battlesnake server, the admin server, and shutdown on SIGTERM (readiness fails first, then
// in-flight requests finish, then the turn sink flushes).
import {
  ConfigError,
  createLogger,
  createRegistry,
  startAdminServer,
  type TurnSink,
} from '@snakepit/common';
import { createTurnSink, readPipelineConfigOrExit } from './pipeline/index.ts';
import { readSnakeApiConfig, startSnakeApi, type SnakeApiConfig } from './service.ts';
import { shutdownTelemetry } from '@snakepit/common/telemetry/index';

/** A sink that may hold resources (broker connection, spool files) to release on shutdown. */
type ClosableSink = TurnSink & { close?: () => Promise<void> };

function readConfigOrExit(): SnakeApiConfig {
  try {
    return readSnakeApiConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`snake-api: ${err.message}`);
    process.exit(1);
  }
}

const config = readConfigOrExit();
const logger = createLogger('snake-api', config.logLevel);
const registry = createRegistry('snake-api');

// The turn pipeline (PERSIST_MODE): publisher and disk spool, sync writes, or nothing.
const pipeline = await createTurnSink(readPipelineConfigOrExit(process.env), { logger, registry });
const sink: ClosableSink = {
  accept: (turn) => pipeline.sink.accept(turn),
  close: () => pipeline.close(),
};

const api = await startSnakeApi({ config, logger, registry, sink });
await startAdminServer({
  port: config.adminPort,
  registry,
  checks: [{ name: 'api', ready: () => api.server.listening }],
  logger,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  onShutdown: async () => {
    await api.close();
    await sink.close?.();
    // Last: the spans of everything above, still buffered, leave before the process exits.
    await shutdownTelemetry();
  },
});
