// Starting a service as a real process for system tests: free ports, the environment it needs,
// waiting for its admin /readyz, its output kept for failure messages, and a stop that signals
// the process and waits for it to exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A TCP port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServiceOptions {
  /** The entry file, relative to the repository root, e.g. `services/snake-api/src/main.ts`. */
  entry: string;
  /** Environment on top of this process's own (values replace inherited ones). */
  env?: Record<string, string>;
  /** The admin port to poll for /readyz; a free one is chosen and passed as ADMIN_PORT if unset. */
  adminPort?: number;
  /** How long to wait for /readyz to answer 200, in milliseconds (default 20000). */
  readyTimeoutMs?: number;
  /** Node options before the entry (V8 flags such as `--optimize-for-size`). */
  nodeArgs?: string[];
}

export interface ServiceProcess {
  child: ChildProcess;
  adminPort: number;
  /** `http://127.0.0.1:<adminPort><path>`. */
  adminUrl(path: string): string;
  /** Everything the process wrote to stdout and stderr so far (the last 1 MiB). */
  output(): string;
  /**
   * Sends `signal` (default SIGTERM), SIGKILL after `timeoutMs` (default 15000), and resolves
   * once the process has exited with its exit code, or the signal's name when a signal ended it.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string | null>;
}

const OUTPUT_LIMIT = 1 << 20;

/**
 * Spawns `node --conditions=source <entry>` (the Node that runs the tests, so Node 24 under npm
 * scripts) and resolves once its admin server answers /readyz with 200. Rejects with the
 * process's output when it exits or does not become ready in time, and kills it in that case.
 */
export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  const adminPort = options.adminPort ?? (await freePort());
  const args = ['--conditions=source', ...(options.nodeArgs ?? []), options.entry];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ADMIN_PORT: String(adminPort), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A failed spawn emits 'error' instead of 'exit'; both end the wait, and the output says why.
  child.on('error', (err) => keep(Buffer.from(`\nspawn failed: ${err.message}\n`)));
  const exited = Promise.race([once(child, 'exit'), once(child, 'error')])
    .catch(() => undefined)
    .then(() => child.exitCode ?? child.signalCode);

  const service: ServiceProcess = {
    child,
    adminPort,
    adminUrl: (p) => `http://127.0.0.1:${adminPort}${p}`,
    output: () => output,
    stop: (signal = 'SIGTERM', timeoutMs = 15_000) => stopProcess(child, exited, signal, timeoutMs),
  };
  try {
    await waitReady(service, exited, options.readyTimeoutMs ?? 20_000);
  } catch (err) {
    await service.stop('SIGKILL');
    throw err;
  }
  return service;
}

async function waitReady(
  service: ServiceProcess,
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() - started < timeoutMs) {
    if (gone) {
      throw new Error(`${describe(service)} exited before it was ready:\n${service.output()}`);
    }
    if (await answers200(service.adminUrl('/readyz'))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${describe(service)} was not ready within ${timeoutMs} ms:\n${service.output()}`,
  );
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function describe(service: ServiceProcess): string {
  return `process ${service.child.pid} (${service.child.spawnargs.slice(1).join(' ')})`;
}

async function stopProcess(
  child: ChildProcess,
  exited: Promise<number | string | null>,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<number | string | null> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
  return child.exitCode ?? child.signalCode;
}
