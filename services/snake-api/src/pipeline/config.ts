// The turn pipeline's configuration. PERSIST_MODE decides which variables matter; a missing or
// malformed one stops the service at start with a ConfigError naming it.
import {
  ConfigError,
  readAmqpUrl,
  readChoice,
  readInt,
  readString,
  readTurnTopology,
  readUrl,
  type TurnTopology,
} from '@snakepit/common';

type Env = Readonly<Record<string, string | undefined>>;

/** How turns are stored: async (publish, never wait), sync (stored before answering), off. */
export type PersistMode = 'async' | 'sync' | 'off';

const PERSIST_MODES: readonly PersistMode[] = ['async', 'sync', 'off'];

export interface PipelineConfig {
  /** PERSIST_MODE: async, sync or off; default async. */
  mode: PersistMode;
  /** AMQP_URL: the broker (async mode); required there when snake-api runs alone. */
  amqpUrl: string | undefined;
  /** DATABASE_URL: PostgreSQL (sync mode only); required there. */
  databaseUrl: string | undefined;
  topology: TurnTopology;
  /** SPOOL_DIR: where turns wait while the broker is away; default ./spool. */
  spoolDir: string;
  /** SPOOL_MAX_BYTES: the spool's size limit, in bytes; default 1073741824 (1 GiB). */
  spoolMaxBytes: number;
  /** PUBLISH_BUFFER_MAX: unconfirmed turns held in memory before new ones spool; default 10000. */
  publishBufferMax: number;
  /** SHUTDOWN_TIMEOUT_MS: the whole shutdown budget, in ms; default 10000 (half waits for confirms). */
  shutdownTimeoutMs: number;
}

const AMQP_EXPECTED =
  'amqp://user:pass@host:5672/vhost, or PERSIST_MODE=off to run without storing turns';
const DATABASE_EXPECTED = 'postgres://user:pass@host:5432/dbname (PERSIST_MODE=sync writes there)';

/**
 * Reads the pipeline variables for snake-api running alone. An unset AMQP_URL is allowed only
 * with PERSIST_MODE=off or sync; the all-in-one process's in-process queue is not this path.
 */
export function readPipelineConfig(env: Env): PipelineConfig {
  const mode = readChoice(env, 'PERSIST_MODE', PERSIST_MODES, 'async');
  const config: PipelineConfig = {
    mode,
    amqpUrl: readAmqpUrl(env),
    databaseUrl: readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], DATABASE_EXPECTED),
    topology: readTurnTopology(env),
    spoolDir: readString(env, 'SPOOL_DIR', './spool'),
    spoolMaxBytes: readInt(env, 'SPOOL_MAX_BYTES', 1024 ** 3, { min: 1024 * 1024 }),
    publishBufferMax: readInt(env, 'PUBLISH_BUFFER_MAX', 10_000, { min: 1 }),
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, { min: 1 }),
  };
  if (mode === 'async' && config.amqpUrl === undefined) {
    throw new ConfigError(
      'AMQP_URL',
      'is not set (PERSIST_MODE=async publishes turns)',
      AMQP_EXPECTED,
    );
  }
  if (mode === 'sync' && config.databaseUrl === undefined) {
    throw new ConfigError('DATABASE_URL', 'is not set', DATABASE_EXPECTED);
  }
  return config;
}

/** For main.ts: the pipeline configuration, or a one-line message naming the variable and exit 1. */
export function readPipelineConfigOrExit(env: Env): PipelineConfig {
  try {
    return readPipelineConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`snake-api: ${err.message}`);
    process.exit(1);
  }
}
