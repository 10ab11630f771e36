// The all-in-one process (root `npm start`): configuration, one logger, one metric registry and
// one admin server for both services, and the orderly stop on SIGTERM or SIGINT.
import { ConfigError, createLogger, createRegistry, startAdminServer } from '@snakepit/common';
import { readAllInOneConfig, type AllInOneConfig } from './config.ts';
import { DataDirError } from './embedded/data-dir.ts';
import { startAllInOne, type AllInOne } from './service.ts';

/** Errors a person fixes in the environment: printed as one line, exit code 1, no stack. */
function exitOnSetupError(err: unknown): never {
  if (err instanceof ConfigError || err instanceof DataDirError) {
    console.error(`all-in-one: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

let config: AllInOneConfig;
try {
  config = readAllInOneConfig(process.env);
} catch (err) {
  exitOnSetupError(err);
}
const logger = createLogger('all-in-one', config.logLevel);
const registry = createRegistry('all-in-one');

let all: AllInOne;
try {
  all = await startAllInOne({ config, logger, registry });
} catch (err) {
  exitOnSetupError(err);
}
await startAdminServer({
  port: config.adminPort,
  registry,
  checks: all.readiness,
  logger,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  onShutdown: async () => {
    await all.close();
  },
});
logger.info({ port: all.apiPort, adminPort: config.adminPort }, 'all-in-one ready');
