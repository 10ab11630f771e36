// Running a rendered Pod spec as local processes, the way the kubelet would run it, so that the
// chart's wiring (commands, environment, Secret references, ports, probes, volumes, shutdown) is
// exercised by the real services rather than only read.
//
// What maps to what: the image's /app is the repository root after `npm run build` (the image
// keeps the workspace layout), `node` is the Node 24 that runs the tests, the image's ENV comes
// from the Dockerfile's runtime stage, each volumeMount is a fresh temporary folder (and an env
// value that points into a mount points into that folder), and a secretKeyRef is resolved from
// the given Secrets or fails as the kubelet would (CreateContainerConfigError).

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { probePort, repoRoot, type Container, type PodSpec, type Probe } from './chart-tools.ts';

/** Secret name -> key -> value, as the cluster would hold them. */
export type Secrets = Record<string, Record<string, string>>;

const OUTPUT_LIMIT = 256 << 10;

/** One container running as a local process. */
export interface RunningContainer {
  name: string;
  child: ChildProcess;
  exited: Promise<number | string | null>;
  /** The last 256 KiB of its stdout and stderr. */
  output(): string;
}

/** The ENV lines of the Dockerfile's last stage: what every container starts with. */
export function imageEnv(): Record<string, string> {
  const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const runtime = dockerfile.split(/^FROM /m).at(-1) ?? '';
  const env: Record<string, string> = {};
  for (const line of runtime.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const [, key, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) {
      if (key && value) env[key] = value;
    }
  }
  return env;
}

/** The container's environment: the image's, then the Pod's with Secrets resolved and mounts mapped. */
export function containerEnv(
  container: Container,
  secrets: Secrets,
  mounts: Map<string, string>,
): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...imageEnv() };
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    const value = ref ? secrets[ref.name]?.[ref.key] : variable.value;
    if (value === undefined) {
      throw new Error(
        `${container.name}: ${variable.name} refers to ${JSON.stringify(ref)}, which does not exist ` +
          '(the kubelet would refuse to start the container)',
      );
    }
    env[variable.name] = mapPath(value, mounts);
  }
  return env;
}

function mapPath(value: string, mounts: Map<string, string>): string {
  for (const [mountPath, local] of mounts) {
    if (value === mountPath || value.startsWith(`${mountPath}/`))
      return local + value.slice(mountPath.length);
  }
  return value;
}

/** Starts one container's command as a process; `node` is this Node, the working folder /app. */
export function startContainer(
  container: Container,
  env: Record<string, string>,
): RunningContainer {
  const [program, ...args] = [...(container.command ?? []), ...(container.args ?? [])];
  if (program !== 'node') {
    throw new Error(
      `${container.name}: the image runs node, but the command starts with ${program}`,
    );
  }
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit').then(() => child.exitCode ?? child.signalCode);
  return { name: container.name, child, exited, output: () => output };
}

/** One kubelet-style HTTP probe: success is a status from 200 to 399. */
export async function probeOnce(container: Container, probe: Probe): Promise<boolean> {
  const url = `http://127.0.0.1:${probePort(container, probe)}${probe.httpGet?.path ?? '/'}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 400;
  } catch {
    return false;
  }
}

/**
 * Waits until the startup probe succeeds within its budget (failureThreshold x periodSeconds),
 * then until liveness and readiness succeed, polling faster than the kubelet would but giving up
 * at the same deadline. Throws with the container's output when it exits or the budget runs out.
 */
export async function waitStartedAndReady(
  container: Container,
  running: RunningContainer,
): Promise<void> {
  const startup = container.startupProbe;
  const budgetMs = (startup?.failureThreshold ?? 3) * (startup?.periodSeconds ?? 10) * 1000;
  const deadline = Date.now() + budgetMs;
  const probes = [startup, container.livenessProbe, container.readinessProbe];
  for (const probe of probes) {
    if (!probe) throw new Error(`${container.name} lacks a probe the chart promises`);
    while (!(await probeOnce(container, probe))) {
      if (running.child.exitCode !== null || running.child.signalCode !== null) {
        throw new Error(`${container.name} exited before it was ready:\n${running.output()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${container.name} failed ${probe.httpGet?.path} for ${budgetMs} ms:\n${running.output()}`,
        );
      }
      await sleep(100);
    }
  }
}

/** A Pod of local processes: its mounts, its containers, and a kubelet-style stop. */
export interface LocalPod {
  containers: { spec: Container; running: RunningContainer }[];
  /**
   * The kubelet's shutdown: every preStop sleep, then SIGTERM, then SIGKILL once
   * terminationGracePeriodSeconds have passed. Resolves with each container's exit code.
   */
  stop(): Promise<Record<string, number | string | null>>;
  dispose(): Promise<void>;
}

/** Starts every container of the Pod spec and waits until each is started and ready. */
export async function startPod(pod: PodSpec, secrets: Secrets): Promise<LocalPod> {
  const volumesDir = await mkdtemp(path.join(os.tmpdir(), 'snakepit-pod-'));
  const started: LocalPod['containers'] = [];
  const local: LocalPod = {
    containers: started,
    stop: () => stopPod(pod, started),
    dispose: async () => {
      for (const { running } of started) running.child.kill('SIGKILL');
      await Promise.all(started.map((c) => c.running.exited));
      await rm(volumesDir, { recursive: true, force: true });
    },
  };
  try {
    for (const spec of pod.containers) {
      // Every volume is an empty folder, as an emptyDir is when the Pod starts.
      const mounts = new Map(
        (spec.volumeMounts ?? []).map((m) => [m.mountPath, path.join(volumesDir, m.name)]),
      );
      for (const dir of mounts.values()) await mkdir(dir, { recursive: true });
      started.push({ spec, running: startContainer(spec, containerEnv(spec, secrets, mounts)) });
    }
    await Promise.all(started.map(({ spec, running }) => waitStartedAndReady(spec, running)));
  } catch (err) {
    await local.dispose();
    throw err;
  }
  return local;
}

async function stopPod(
  pod: PodSpec,
  containers: LocalPod['containers'],
): Promise<Record<string, number | string | null>> {
  const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
  const codes = await Promise.all(
    containers.map(async ({ spec, running }) => {
      // The grace period starts with the preStop hook, not with SIGTERM.
      const killer = setTimeout(() => running.child.kill('SIGKILL'), graceMs);
      await sleep((spec.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000);
      running.child.kill('SIGTERM');
      const code = await running.exited;
      clearTimeout(killer);
      return [spec.name, code] as const;
    }),
  );
  return Object.fromEntries(codes);
}
