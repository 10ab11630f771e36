// A real Prometheus for tests (Debian's `prometheus` package, installed by .ci/run): started on
// a free port with a generated configuration and a throw-away data folder, queried through its
// HTTP API, stopped (and its folder removed) at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** One scrape job: `targets` as host:port, `labels` added to every series it scrapes. */
export interface ScrapeJob {
  name: string;
  targets: { address: string; labels?: Record<string, string> }[];
  /** Default /metrics. */
  metricsPath?: string;
  /** URL query parameters, repeated keys as arrays. */
  params?: Record<string, string[]>;
}

export interface PrometheusOptions {
  jobs: ScrapeJob[];
  /** Rule files Prometheus loads and evaluates (absolute paths). */
  ruleFiles?: string[];
  /** Scrape and rule evaluation interval in seconds; default 1. */
  intervalSeconds?: number;
}

/** One instant-query result: the series' labels and its value as Prometheus printed it. */
export interface Sample {
  metric: Record<string, string>;
  value: string;
}

export interface RunningPrometheus {
  url: string;
  /** An instant query at now; rejects with Prometheus' error text when the query is refused. */
  query(expr: string): Promise<Sample[]>;
  /** The loaded rules and their health, from /api/v1/rules. */
  rules(): Promise<{ name: string; health: string; lastError?: string; query: string }[]>;
  /** The scrape targets and their health, from /api/v1/targets. */
  targets(): Promise<{ job: string; health: string; lastError: string; scrapeUrl: string }[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function configYaml(options: PrometheusOptions): string {
  const interval = `${options.intervalSeconds ?? 1}s`;
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: options.jobs.map((job) => ({
      job_name: job.name,
      metrics_path: job.metricsPath ?? '/metrics',
      ...(job.params ? { params: job.params } : {}),
      static_configs: job.targets.map((t) => ({ targets: [t.address], labels: t.labels ?? {} })),
    })),
  });
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const answer = (await response.json()) as ApiAnswer<T>;
  if (answer.status !== 'success') throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer.data;
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited:\n${log()}`);
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus not ready within 20 s:\n${log()}`);
}

/** Starts Prometheus; fails with a hint when the binary is missing. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'snakepit-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  await writeFile(configFile, configYaml(options));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  const child = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const spawned = once(child, 'spawn').catch((err: Error) => {
    throw new Error(`cannot run prometheus (${err.message}); install Debian's prometheus package`);
  });
  await spawned;
  const exited = once(child, 'exit');

  try {
    await waitReady(url, child, () => log);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    url,
    query: async (expr) => {
      const data = await api<{
        result: { metric: Record<string, string>; value: [number, string] }[];
      }>(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return data.result.map((r) => ({ metric: r.metric, value: r.value[1] }));
    },
    rules: async () => {
      const data = await api<{
        groups: { rules: { name: string; health: string; lastError?: string; query: string }[] }[];
      }>(`${url}/api/v1/rules`);
      return data.groups.flatMap((g) => g.rules);
    },
    targets: async () => {
      const data = await api<{
        activeTargets: {
          labels: { job: string };
          health: string;
          lastError: string;
          scrapeUrl: string;
        }[];
      }>(`${url}/api/v1/targets`);
      return data.activeTargets.map((t) => ({
        job: t.labels.job,
        health: t.health,
        lastError: t.lastError,
        scrapeUrl: t.scrapeUrl,
      }));
    },
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
