import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTerminus, HealthCheckError } from '@godaddy/terminus';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.ts';

/** A named readiness condition; `ready()` returns false or throws while the dependency is away. */
export interface ReadinessCheck {
  name: string;
  ready(): boolean | Promise<boolean>;
}

export interface AdminServerOptions {
  /** Port for /healthz, /readyz and /metrics (ADMIN_PORT); 0 picks a free one. */
  port: number;
  /** Interface to listen on; default all interfaces, so the kubelet and Prometheus reach it. */
  host?: string;
  registry: Registry;
  /** Every check must pass for /readyz to answer 200. /healthz only says the process serves. */
  checks: readonly ReadinessCheck[];
  logger: Logger;
  /**
   * Runs once on SIGTERM or SIGINT, after /readyz has started failing: stop taking work, finish
   * what is in hand, close connections. The process exits when it resolves or after
   * `shutdownTimeoutMs`, whichever is first.
   */
  onShutdown: () => Promise<void>;
  /** Budget for `onShutdown`, in milliseconds (SHUTDOWN_TIMEOUT_MS, default 10000). */
  shutdownTimeoutMs: number;
  /**
   * Pause between the signal and `onShutdown`, in milliseconds, so load balancers see the failed
   * readiness before connections are refused. Default 0: in Kubernetes the preStop hook pauses.
   */
  drainDelayMs?: number;
}

export interface AdminServer {
  /** The port actually bound (useful when `port` was 0). */
  port: number;
  server: http.Server;
}

async function failedChecks(checks: readonly ReadinessCheck[]): Promise<string[]> {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        return (await check.ready()) ? undefined : check.name;
      } catch {
        return check.name;
      }
    }),
  );
  return results.filter((name): name is string => name !== undefined);
}

async function serveMetrics(registry: Registry, res: http.ServerResponse): Promise<void> {
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType });
  res.end(body);
}

function handleRequest(registry: Registry, logger: Logger) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      serveMetrics(registry, res).catch((err: unknown) => {
        logger.error({ err }, 'metrics collection failed');
        res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `no admin route ${req.method} ${req.url}` }));
  };
}

/**
 * Starts the admin server: liveness on /healthz, readiness on /readyz (503 naming the failed
 * checks, and 503 from the moment a shutdown signal arrives), Prometheus text on /metrics.
 * It owns the process's SIGTERM/SIGINT handling through terminus.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { registry, checks, logger } = options;
  const server = http.createServer(handleRequest(registry, logger));

  createTerminus(server, {
    healthChecks: {
      '/healthz': () => Promise.resolve({ live: true }),
      '/readyz': async () => {
        const failed = await failedChecks(checks);
        if (failed.length > 0) throw new HealthCheckError('not ready', { failed });
        return { ready: true };
      },
    },
    signals: ['SIGTERM', 'SIGINT'],
    timeout: options.shutdownTimeoutMs,
    beforeShutdown: () => sleep(options.drainDelayMs ?? 0),
    onSignal: async () => {
      logger.info({ shutdownTimeoutMs: options.shutdownTimeoutMs }, 'shutting down');
      await withTimeout(options.onShutdown(), options.shutdownTimeoutMs, logger);
    },
    // terminus re-raises the signal right after this; flush so the last lines are not lost
    // when the logger writes asynchronously.
    onShutdown: async () => {
      logger.info('shutdown complete');
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
    logger: (msg, err) => logger.error({ err }, msg),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, server };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout(work: Promise<void>, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn({ shutdownTimeoutMs: ms }, 'shutdown did not finish in time; exiting anyway');
      resolve();
    }, ms);
  });
  try {
    await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
