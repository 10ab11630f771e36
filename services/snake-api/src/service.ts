// The snake-api as a unit: its configuration, and starting and stopping its HTTP server. The
// process entry (main.ts), the all-in-one process and the tests all start it through here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { readChoice, readInt, type Logger, type TurnSink } from '@snakepit/common';
import { createApp } from './app.ts';
import { createApiMetrics } from './metrics.ts';
import { STRONGEST_STRATEGY, strategyNames } from './strategies/index.ts';

/** How turns are stored: async (publish, never wait), sync (stored before answering), off. */
export type PersistMode = 'async' | 'sync' | 'off';

export interface SnakeApiConfig {
  /** PORT: the Battlesnake API port; default 8000. */
  port: number;
  /** ADMIN_PORT: /healthz, /readyz and /metrics; default 9100. */
  adminPort: number;
  /** LOG_LEVEL: pino level; default info. */
  logLevel: string;
  /** SHUTDOWN_TIMEOUT_MS: how long in-flight work may take after SIGTERM, in ms; default 10000. */
  shutdownTimeoutMs: number;
  /** DEFAULT_STRATEGY: the strategy for the root paths; default the strongest, vigilant_vera. */
  defaultStrategy: string;
  /** PERSIST_MODE: async, sync or off; default async. */
  persistMode: PersistMode;
  /** MOVE_LATENCY_RESERVE_MS: kept back from game.timeout for the network, in ms; default 150. */
  moveLatencyReserveMs: number;
  /** MAX_BODY_BYTES: larger request bodies are answered 413; default 1048576 (1 MiB). */
  maxBodyBytes: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads the snake-api's configuration; throws ConfigError naming the first bad variable. */
export function readSnakeApiConfig(env: NodeJS.ProcessEnv = process.env): SnakeApiConfig {
  return {
    port: readInt(env, 'PORT', 8000, { max: 65535 }),
    adminPort: readInt(env, 'ADMIN_PORT', 9100, { max: 65535 }),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, { min: 1 }),
    defaultStrategy: readChoice(env, 'DEFAULT_STRATEGY', strategyNames(), STRONGEST_STRATEGY),
    persistMode: readChoice(env, 'PERSIST_MODE', ['async', 'sync', 'off'], 'async'),
    moveLatencyReserveMs: readInt(env, 'MOVE_LATENCY_RESERVE_MS', 150, { max: 60_000 }),
    maxBodyBytes: readInt(env, 'MAX_BODY_BYTES', 1_048_576, { min: 1024 }),
  };
}

export interface SnakeApiOptions {
  config: SnakeApiConfig;
  logger: Logger;
  /** Where the API's metrics are registered (served by the admin server). */
  registry: Registry;
  sink: TurnSink;
  /** Interface to listen on; default all interfaces. */
  host?: string;
  /** Random source for the strategies; default Math.random (tests pass a seeded one). */
  random?: () => number;
}

export interface SnakeApi {
  /** The port actually bound (useful when config.port is 0). */
  port: number;
  server: http.Server;
  /** Stops taking connections and resolves once in-flight requests have been answered. */
  close(): Promise<void>;
}

/** Starts the Battlesnake HTTP server on config.port. */
export async function startSnakeApi(options: SnakeApiOptions): Promise<SnakeApi> {
  const { config, logger } = options;
  const app = createApp({
    logger,
    metrics: createApiMetrics(options.registry),
    sink: options.sink,
    defaultStrategy: config.defaultStrategy,
    moveLatencyReserveMs: config.moveLatencyReserveMs,
    maxBodyBytes: config.maxBodyBytes,
    random: options.random,
  });
  const server = http.createServer(app);
  // Engines and ingress proxies reuse connections between turns; keep them longer than a typical
  // proxy idle timeout (60 s) so the proxy, not us, closes them, and no request races a close.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, defaultStrategy: config.defaultStrategy }, 'snake-api listening');
  return { port, server, close: () => closeServer(server) };
}

/**
 * Refuses new connections and waits for in-flight requests. Keep-alive connections (the engine
 * keeps them open between turns) would hold the close up until their idle timeout, so idle ones
 * are closed at once and the rest as soon as their response is sent, checked every 50 ms.
 */
function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close((err) => {
      clearInterval(sweep);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
