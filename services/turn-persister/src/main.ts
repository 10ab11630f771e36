// The turn-persister process, as its container runs it: configuration, logger and metrics, the
// consumer, the admin server, and shutdown on SIGTERM (readiness fails first, then consuming
// stops, the batch in hand is stored and acked, and the connections close).
import {
  ConfigError,
  createLogger,
  createRegistry,
  redactUrl,
  startAdminServer,
} from '@snakepit/common';
import { readPersisterConfig, startTurnPersister, type PersisterConfig } from './service.ts';
import { shutdownTelemetry } from '@snakepit/common/telemetry/index';

function readConfigOrExit(): PersisterConfig {
  try {
    return readPersisterConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`turn-persister: ${err.message}`);
    process.exit(1);
  }
}

const config = readConfigOrExit();
const logger = createLogger('turn-persister', config.logLevel);
const registry = createRegistry('turn-persister');

logger.info(
  { database: redactUrl(config.databaseUrl), batchSize: config.batchSize },
  'turn-persister starting',
);
const persister = await startTurnPersister({ config, logger, registry }).catch((err: unknown) => {
  // Migrations failed or the database refused us at start: let the orchestrator restart us.
  logger.error({ err }, 'turn-persister could not start');
  process.exit(1);
});
await startAdminServer({
  port: config.adminPort,
  registry,
  checks: persister.readiness,
  logger,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  // Telemetry last: the spans of the final batch, still buffered, leave before the exit.
  onShutdown: () => persister.close().then(shutdownTelemetry),
});
