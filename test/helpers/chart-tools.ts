// Running the chart's tools (helm 3 and 4, kubeconform, kustomize) from .tools/bin, where
// scripts/install-tools.sh builds them, and reading what they render.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const chartDir = path.join(repoRoot, 'charts', 'snakepit');

/**
 * The Kubernetes version the chart is rendered and validated for. Helm built from source without
 * its release flags assumes v1.20, below the chart's kubeVersion, so it is always given.
 */
export const kubeVersion = '1.37.0';

/** The Helm majors the chart must work with; each is its own binary in .tools/bin. */
export const helms = ['helm3', 'helm4'] as const;
export type Helm = (typeof helms)[number];

/** The absolute path of a tool built by `npm run tools`; fails with the fix when it is missing. */
export function tool(name: string): string {
  const file = path.join(repoRoot, '.tools', 'bin', name);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing; run \`npm run tools\` to build it`);
  }
  return file;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, feeding `input` on stdin; never throws on a non-zero exit. */
export function run(file: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: repoRoot, maxBuffer: 64 << 20, env: { ...process.env, ...helmHomes } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${file} could not run: ${error.message}`));
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

// Helm writes caches and config under $HOME; keep them out of the developer's own.
const helmHome = path.join(os.tmpdir(), 'snakepit-chart-test-helm');
const helmHomes = {
  HELM_CACHE_HOME: path.join(helmHome, 'cache'),
  HELM_CONFIG_HOME: path.join(helmHome, 'config'),
  HELM_DATA_HOME: path.join(helmHome, 'data'),
};

/** A Kubernetes object as rendered; only the fields the tests read are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Every non-empty document of a multi-document YAML stream. */
export function parseObjects(yamlText: string): K8sObject[] {
  return parseAllDocuments(yamlText)
    .map((doc) => {
      if (doc.errors.length > 0)
        throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null);
}

/**
 * A copy of the chart in a temporary folder, with one fixture dashboard and one fixture alert
 * group added when the real folders are still empty, so the templates that ship them are
 * always exercised. Returns the copy's path and a cleanup.
 */
export async function chartCopy(): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'snakepit-chart-'));
  const dir = path.join(tmp, 'snakepit');
  await cp(chartDir, dir, { recursive: true });
  for (const [folder, suffix, fixture] of [
    ['dashboards', '.json', 'dashboard.json'],
    ['alerts', '.yaml', 'alerts.yaml'],
  ] as const) {
    if (await hasFile(path.join(dir, folder), suffix)) continue;
    await mkdir(path.join(dir, folder), { recursive: true });
    await cp(
      path.join(repoRoot, 'test/chart/fixtures', fixture),
      path.join(dir, folder, `fixture-${fixture}`),
    );
  }
  return { dir, dispose: () => rm(tmp, { recursive: true, force: true }) };
}

async function hasFile(dir: string, suffix: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.some((name) => name.endsWith(suffix));
}

export interface RenderOptions {
  chart?: string;
  release?: string;
  namespace?: string;
  extraArgs?: string[];
}

/** `helm template` with the given values; throws with helm's message when rendering fails. */
export async function render(
  helm: Helm,
  values: Record<string, unknown>,
  options: RenderOptions = {},
): Promise<K8sObject[]> {
  const result = await template(helm, values, options);
  if (result.code !== 0) throw new Error(`${helm} template failed: ${result.stderr}`);
  return parseObjects(result.stdout);
}

/** `helm template`, returning the raw result so a test can assert on a failure. */
export async function template(
  helm: Helm,
  values: Record<string, unknown>,
  { chart = chartDir, release = 'snk', namespace = 'pit', extraArgs = [] }: RenderOptions = {},
): Promise<RunResult> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'snakepit-values-'));
  try {
    const valuesFile = path.join(tmp, 'values.json');
    await writeFile(valuesFile, JSON.stringify(values));
    return await run(tool(helm), [
      'template',
      release,
      chart,
      '--namespace',
      namespace,
      '--values',
      valuesFile,
      '--kube-version',
      kubeVersion,
      ...extraArgs,
    ]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Container specs as rendered, typed to the fields the tests read. */
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  volumes?: { name: string }[];
}

/** The Pod template of a Deployment or Job, or the spec of a Pod. */
export function podSpec(obj: K8sObject): PodSpec {
  const spec = obj.spec as unknown as { template?: { spec: PodSpec } } & PodSpec;
  return spec.template?.spec ?? spec;
}

export const byKind = (objects: K8sObject[], kind: string): K8sObject[] =>
  objects.filter((obj) => obj.kind === kind);

/** The port number a probe targets, resolving a named port against the container's ports. */
export function probePort(container: Container, probe: Probe): number {
  const port = probe.httpGet?.port;
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (!named)
    throw new Error(`${container.name}: probe port ${String(port)} names no container port`);
  return named.containerPort;
}

export function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

/** Maps with at most `limit` calls in flight: helm and kubeconform are processes, and CI has 2 cores. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
