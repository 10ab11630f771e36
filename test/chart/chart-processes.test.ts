// Chart to process: render the chart, run each container's command, arguments, environment and
// ports exactly as rendered (see test/helpers/chart-pod.ts for how the image maps to this
// checkout) against the local RabbitMQ and PostgreSQL, probe them as the kubelet would, play a
// game through them with the official CLI, check that every turn reached the database, and stop
// them as the kubelet would. Both layouts: two Deployments, and the low-cost Pod.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import amqp from 'amqplib';
import pg from 'pg';
import { playGame } from '../helpers/battlesnake-cli.ts';
import { freePort } from '../helpers/processes.ts';
import {
  containerEnv,
  startContainer,
  startPod,
  type LocalPod,
  type Secrets,
} from '../helpers/chart-pod.ts';
import { byKind, podSpec, render, repoRoot, type K8sObject } from '../helpers/chart-tools.ts';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672/';
const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

before(async () => {
  // The image runs compiled JavaScript; build it as the Dockerfile's build stage does.
  const build = await promisify(execFile)('npm', ['run', 'build'], { cwd: repoRoot }).catch(
    (err: Error & { stdout?: string }) => err,
  );
  assert.ok(
    !(build instanceof Error),
    `npm run build failed:\n${build instanceof Error ? build.stdout : ''}`,
  );
});

/** A fresh database and fresh broker names for one layout, dropped and deleted afterwards. */
async function isolatedBackends(): Promise<{
  databaseUrl: string;
  broker: { exchange: string; queue: string; deadLetterQueue: string };
  dispose: () => Promise<void>;
}> {
  const suffix = randomBytes(4).toString('hex');
  const database = `snakepit_chart_${suffix}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${database}`;
  const name = `snakepit.chart-test.${suffix}`;
  const broker = { exchange: name, queue: name, deadLetterQueue: `${name}.dead` };
  return {
    databaseUrl: url.toString(),
    broker,
    dispose: async () => {
      const connection = await amqp.connect(AMQP_URL);
      const channel = await connection.createChannel();
      await channel.deleteQueue(broker.queue);
      await channel.deleteQueue(broker.deadLetterQueue);
      await channel.deleteExchange(broker.exchange);
      await connection.close();
      const cleanup = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** Rows per kind for the game, once the /end has been stored (or the deadline passed). */
async function storedTurns(databaseUrl: string, gameId: string, timeoutMs = 20_000) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{
        kind: string;
        rows: number;
        turns: number;
        last: number;
      }>(
        `SELECT kind, count(*)::int AS rows, count(DISTINCT turn)::int AS turns, max(turn)::int AS last
           FROM turns WHERE game_id = $1 GROUP BY kind`,
        [gameId],
      );
      const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
      if (byKind.end || Date.now() > deadline) return byKind;
      await sleep(200);
    }
  } finally {
    await client.end();
  }
}

interface Layout {
  name: string;
  values: Record<string, unknown>;
  /**
   * true: the connection URLs are in the Secrets the RabbitMQ Cluster Operator and CloudNativePG
   * create, which exist before the release; false: they are given in values and the chart
   * renders its own Secret.
   */
  operatorSecrets: boolean;
  migrationsHook: boolean;
}

const layouts: Layout[] = [
  {
    name: 'two Deployments, operator Secrets, migrations as a hook Job',
    values: {},
    operatorSecrets: true,
    migrationsHook: true,
  },
  {
    name: 'the low-cost Pod, URLs from values, migrations on start',
    values: { lowCost: true, migrations: { hook: false } },
    operatorSecrets: false,
    migrationsHook: false,
  },
];

/** Secrets the chart itself renders (the kubelet would find them in the cluster too). */
function renderedSecrets(objects: K8sObject[]): Secrets {
  return Object.fromEntries(
    byKind(objects, 'Secret').map((s) => [
      s.metadata.name,
      (s.stringData ?? {}) as Record<string, string>,
    ]),
  );
}

/**
 * What cluster DNS and kube-proxy do for the helm test Pod: `http://<service>:<port>/` becomes
 * the address of the container port the Service's targetPort names, here on 127.0.0.1.
 */
function resolveService(objects: K8sObject[], address: string): string {
  const url = new URL(address);
  const service = byKind(objects, 'Service').find((s) => s.metadata.name === url.hostname);
  assert.ok(service, `a Service named ${url.hostname} is rendered`);
  const { ports } = service.spec as { ports: { port: number; targetPort: string | number }[] };
  const target = ports.find((p) => p.port === Number(url.port || 80))?.targetPort;
  const containerPorts = byKind(objects, 'Deployment').flatMap((d) =>
    podSpec(d).containers.flatMap((c) => c.ports ?? []),
  );
  const resolved =
    typeof target === 'number'
      ? target
      : containerPorts.find((p) => p.name === target)?.containerPort;
  assert.ok(resolved, `Service ${url.hostname} port ${url.port} reaches a container port`);
  url.hostname = '127.0.0.1';
  url.port = String(resolved);
  return url.toString();
}

for (const layout of layouts) {
  describe(`chart to process: ${layout.name}`, () => {
    let backends: Awaited<ReturnType<typeof isolatedBackends>>;
    let objects: K8sObject[];
    let secrets: Secrets;
    const pods: LocalPod[] = [];
    const ports = { api: 0, apiAdmin: 0, persisterAdmin: 0 };

    before(async () => {
      backends = await isolatedBackends();
      Object.assign(ports, {
        api: await freePort(),
        apiAdmin: await freePort(),
        persisterAdmin: await freePort(),
      });
      const connections = layout.operatorSecrets
        ? {}
        : { amqp: { url: AMQP_URL }, database: { url: backends.databaseUrl } };
      const values = {
        ...layout.values,
        ...connections,
        // A short preStop pause keeps the test quick; the timeline is checked by chart-render.
        preStopSleepSeconds: 1,
        broker: backends.broker,
        // A quick strategy keeps the game short; which strategy plays is not what is tested here.
        snakeApi: { port: ports.api, adminPort: ports.apiAdmin, defaultStrategy: 'random_valid' },
        turnPersister: { adminPort: ports.persisterAdmin },
      };
      objects = await render('helm4', values);
      const operatorSecrets: Secrets = layout.operatorSecrets
        ? {
            'rabbitmq-default-user': { connection_string: AMQP_URL },
            'postgres-app': { uri: backends.databaseUrl },
          }
        : {};
      secrets = { ...operatorSecrets, ...renderedSecrets(objects) };
    });

    after(async () => {
      for (const pod of pods) await pod.dispose();
      await backends.dispose();
    });

    test(`the migrations hook Job is ${layout.migrationsHook ? '' : 'not '}rendered and, run before install, completes`, async () => {
      const jobs = byKind(objects, 'Job');
      assert.equal(jobs.length, layout.migrationsHook ? 1 : 0);
      for (const job of jobs) {
        const container = podSpec(job).containers[0];
        assert.ok(container);
        const running = startContainer(container, containerEnv(container, secrets, new Map()));
        assert.equal(await running.exited, 0, running.output());
      }
    });

    test('every container starts, passes its startup, liveness and readiness probes', async () => {
      for (const deployment of byKind(objects, 'Deployment')) {
        pods.push(await startPod(podSpec(deployment), secrets));
      }
      const names = pods.flatMap((p) => p.containers.map((c) => c.spec.name)).sort();
      assert.deepEqual(names, ['snake-api', 'turn-persister']);
    });

    test('the helm test Pod passes, with the snake Service resolved to the running Pod', async () => {
      const testPod = byKind(objects, 'Pod').find(
        (p) => p.metadata.annotations?.['helm.sh/hook'] === 'test',
      );
      assert.ok(testPod);
      const container = podSpec(testPod).containers[0];
      assert.ok(container);
      const env = containerEnv(container, secrets, new Map());
      env.SNAKE_URL = resolveService(objects, env.SNAKE_URL ?? '');
      const running = startContainer(container, env);
      assert.equal(await running.exited, 0, running.output());
      assert.match(running.output(), /answered apiversion 1/);
    });

    test('a game played through the snake is stored turn by turn in PostgreSQL', async (t) => {
      const url = `http://127.0.0.1:${ports.api}/`;
      const game = await playGame({
        gameType: 'solo',
        width: 7,
        height: 7,
        seed: 7,
        timeoutMs: 1000,
        snakes: [{ name: 'pit', url }],
      });
      assert.deepEqual(game.problems, [], 'the CLI saw no failed or late answer');
      const gameId = game.turns[0]?.game.id;
      assert.ok(gameId);
      const stored = await storedTurns(backends.databaseUrl, gameId);
      assert.equal(stored.start?.rows, 1, 'one /start');
      assert.equal(stored.end?.rows, 1, 'one /end');
      const moves = stored.move;
      assert.ok(moves && moves.rows > 0);
      assert.equal(moves.rows, moves.turns, 'no move is stored twice');
      assert.equal(moves.rows, moves.last + 1, 'no move is missing');
      t.diagnostic(`game ${gameId}: ${moves.rows} moves stored`);
    });

    test('after the preStop pause and SIGTERM, every container exits before the grace period ends', async () => {
      const codes = Object.assign({}, ...(await Promise.all(pods.map((p) => p.stop())))) as Record<
        string,
        number | string | null
      >;
      assert.deepEqual(Object.keys(codes).sort(), ['snake-api', 'turn-persister']);
      // terminus re-raises SIGTERM once shutdown is done, so 'SIGTERM' is a clean exit here;
      // SIGKILL would mean the grace period ran out.
      for (const [name, code] of Object.entries(codes)) {
        assert.ok(code === 0 || code === 'SIGTERM', `${name} exited with ${String(code)}`);
      }
    });
  });
}
