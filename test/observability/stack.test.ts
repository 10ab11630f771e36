// The observability of the running system, end to end: snake-api and turn-persister start as
// their containers do (with the telemetry preload), against a RabbitMQ vhost and a PostgreSQL
// database of their own, exporting spans to a local OTLP receiver; a real Prometheus scrapes both
// admin ports and RabbitMQ's plugin every second while the official Battlesnake CLI plays games
// against snake-api, a poison message is dead-lettered and a turn is sent twice. Then:
//   - one trace holds a turn's request, publish, process and insert spans, across both services;
//   - every catalogue metric exists with its labels, latency buckets fit, no label holds a game id;
//   - every dashboard expression returns data through Prometheus' HTTP API;
//   - every alert rule loads and evaluates, reads metrics that exist, and the dead-letter alert
//     fires while the slow-move and no-consumer alerts stay quiet.
// Costs about 30-60 s, most of it starting the services with tracing on and playing the games.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import pg from 'pg';
import type { GameState } from '@snakepit/battlesnake';
import { TURN_ATTRIBUTES } from '@snakepit/common/telemetry/index';
import { gameState } from '../helpers/api-boards.ts';
import { playGame } from '../helpers/battlesnake-cli.ts';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../helpers/otlp-receiver.ts';
import { createVhost, type TestVhost } from '../helpers/pipeline-processes.ts';
import { freePort, startService, type ServiceProcess } from '../helpers/processes.ts';
import { startPrometheus, type RunningPrometheus, type Sample } from '../helpers/prometheus.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import {
  alertsDir,
  loadAlertRules,
  loadCatalogue,
  loadDashboards,
  metricNames,
  panelExpressions,
  substitute,
  type CatalogueEntry,
} from './promql.ts';

const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const RABBITMQ_METRICS = '127.0.0.1:15692';
/** Labels Prometheus or the scrape add to every series; not part of the catalogue. */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'container', 'service']);
const SPAN_KIND = { server: 2, producer: 4, consumer: 5 } as const;

interface Stack {
  vhost: TestVhost;
  database: { name: string; url: string };
  spoolDir: string;
  receiver: OtlpReceiver;
  /** Between snake-api and RabbitMQ, to take the broker away and make turns spool. */
  proxy: TcpProxy;
  persister: ServiceProcess;
  api: ServiceProcess;
  apiUrl: string;
  prometheus: RunningPrometheus;
  gameIds: string[];
  /** The game whose turns were answered while the broker was away, and replayed later. */
  spooledGameId: string;
}

let stack: Stack | undefined;
let catalogue: Map<string, CatalogueEntry>;

before(async () => {
  catalogue = await loadCatalogue();
  stack = await startStack();
  await playTraffic(stack);
});

after(async () => {
  if (!stack) return;
  await stack.prometheus.stop();
  await Promise.all([stack.api.stop(), stack.persister.stop()]);
  await Promise.all([stack.receiver.close(), stack.proxy.close()]);
  await Promise.all([
    stack.vhost.remove(),
    dropDatabase(stack.database.name),
    rm(stack.spoolDir, { recursive: true, force: true }),
  ]);
});

describe('a game played against both services', () => {
  test('leaves one trace with the request, publish, process and insert spans of a turn', async () => {
    const { receiver } = ready();
    await receiver
      .waitFor((spans) => fullTrace(spans) !== undefined, 30_000)
      .catch(() => undefined);
    const trace = fullTrace(receiver.spans);
    assert.ok(trace, `no trace spans both services; span names: ${spanSummary(receiver.spans)}`);

    const server = trace.find((s) => s.kind === SPAN_KIND.server);
    assert.equal(server?.serviceName, 'snake-api');
    assert.match(server?.name ?? '', /^POST \/(:strategy\/)?move$/);
    for (const key of Object.values(TURN_ATTRIBUTES)) assert.ok(key in server.attributes, key);

    const publish = trace.find((s) => s.kind === SPAN_KIND.producer);
    const process = trace.find((s) => s.kind === SPAN_KIND.consumer);
    const insert = trace.find((s) => s.name === 'insert turns');
    assert.equal(publish?.serviceName, 'snake-api');
    assert.equal(process?.serviceName, 'turn-persister');
    assert.equal(process?.parentSpanId, publish?.spanId, 'process continues the publish');
    assert.equal(insert?.serviceName, 'turn-persister');
    assert.ok(
      insert?.links.some((l) => l.spanId === publish?.spanId),
      'the insert links the turn',
    );
  });

  test('keeps a turn replayed from the spool in the trace of its request', async () => {
    const { receiver, spooledGameId } = ready();
    const isSpooledRequest = (s: ReceivedSpan) =>
      s.kind === SPAN_KIND.server && s.attributes[TURN_ATTRIBUTES.gameId] === spooledGameId;
    const processedInTrace = (spans: ReceivedSpan[], server: ReceivedSpan) =>
      spans.some((s) => s.kind === SPAN_KIND.consumer && s.traceId === server.traceId);
    await receiver
      .waitFor((spans) => {
        const servers = spans.filter(isSpooledRequest);
        return servers.length === 3 && servers.every((server) => processedInTrace(spans, server));
      }, 20_000)
      .catch(() => undefined);

    const servers = receiver.spans.filter(isSpooledRequest);
    assert.equal(servers.length, 3, 'three requests answered while the broker was away');
    for (const server of servers) {
      const publish = receiver.spans.find(
        (s) => s.kind === SPAN_KIND.producer && s.parentSpanId === server.spanId,
      );
      assert.ok(publish, 'the replayed publish is a child of its request');
      const process = receiver.spans.find(
        (s) => s.kind === SPAN_KIND.consumer && s.parentSpanId === publish.spanId,
      );
      assert.equal(process?.serviceName, 'turn-persister', 'the persister continues that trace');
    }
  });

  test('has every insert span link the turns it stored', () => {
    const { receiver } = ready();
    const inserts = receiver.spans.filter((s) => s.name === 'insert turns');
    assert.ok(inserts.length > 0);
    for (const insert of inserts) {
      assert.equal(insert.links.length, insert.attributes['messaging.batch.message_count']);
    }
  });
});

describe('Prometheus scraping both services and RabbitMQ', () => {
  test('has every target up', async () => {
    const targets = await ready().prometheus.targets();
    assert.deepEqual(targets.map((t) => [t.job, t.health, t.lastError]).sort(), [
      ['rabbitmq', 'up', ''],
      ['snakepit', 'up', ''],
      ['snakepit', 'up', ''],
    ]);
  });

  test('finds every catalogue metric, with exactly its catalogue labels', async () => {
    const { prometheus } = ready();
    for (const entry of catalogue.values()) {
      const series = entry.type === 'histogram' ? `${entry.name}_count` : entry.name;
      const found = await prometheus.query(`group by (__name__) ({__name__="${series}"})`);
      assert.equal(found.length, 1, `${series} is scraped`);
      if (!entry.name.startsWith('snakepit_')) continue;
      const labels = await labelNames(prometheus, series);
      assert.deepEqual(labels, [...entry.labels].sort(), `labels of ${entry.name}`);
    }
  });

  test('has latency histograms from 0.1 ms to 1 s with a boundary at 500 ms', async () => {
    const { prometheus } = ready();
    const latency = [...catalogue.values()].filter(
      (e) =>
        e.type === 'histogram' && e.name.startsWith('snakepit_') && e.name.endsWith('_seconds'),
    );
    assert.ok(latency.length >= 4);
    for (const { name } of latency) {
      const le = (await prometheus.query(`group by (le) (${name}_bucket)`)).map((s) => s.metric.le);
      for (const bound of name === 'snakepit_turn_lag_seconds'
        ? ['0.5', '5', '+Inf']
        : ['0.0001', '0.5', '1']) {
        assert.ok(le.includes(bound), `${name} has a bucket at ${bound} (has ${le.join(', ')})`);
      }
    }
  });

  test('holds no game id in any label', async () => {
    const { prometheus, gameIds } = ready();
    const series = await prometheus.query('{__name__=~"snakepit_.+"}');
    assert.ok(series.length > 0);
    const leaked = series.filter((s) =>
      Object.values(s.metric).some((value) => gameIds.some((id) => value.includes(id))),
    );
    assert.deepEqual(leaked, []);
  });
});

describe('the dashboards and alert rules against that Prometheus', () => {
  test('get data from every dashboard panel expression', async () => {
    const { prometheus, vhost } = ready();
    for (const [file, dashboard] of await loadDashboards()) {
      for (const { expr, origin } of panelExpressions(file, dashboard)) {
        const query = substitute(expr, dashboard.templating.list, { vhost: vhost.name });
        // Data comes with the scrapes (1 s apart), so an expression gets a few of them to answer;
        // one that is wrong stays empty and fails with its panel named.
        await waitFor(
          async () => (await prometheus.query(query)).length > 0,
          `${origin} to return data: ${query}`,
          5_000,
        );
      }
    }
  });

  test('load every alert rule in Prometheus, healthy, reading metrics that exist', async () => {
    const { prometheus } = ready();
    const loaded = await prometheus.rules();
    const rules = await loadAlertRules();
    assert.equal(loaded.length, rules.length);
    for (const rule of loaded) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`);
    for (const rule of rules) {
      await prometheus.query(rule.expr);
      for (const name of metricNames(rule.expr)) {
        const found = await prometheus.query(`group({__name__="${name}"})`);
        assert.equal(found.length, 1, `${rule.alert} reads ${name}, which Prometheus has`);
      }
    }
  });

  test('fire the dead-letter alert and keep the slow-move and no-consumer alerts quiet', async () => {
    const { prometheus } = ready();
    const deadline = Date.now() + 20_000;
    let alerts: Sample[] = [];
    while (Date.now() < deadline) {
      alerts = await prometheus.query('ALERTS');
      if (alerts.some((a) => a.metric.alertname === 'SnakepitTurnsDeadLettered')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const firing = alerts.map((a) => `${a.metric.alertname}/${a.metric.alertstate}`);
    assert.ok(firing.includes('SnakepitTurnsDeadLettered/firing'), firing.join(', '));
    assert.ok(!firing.some((a) => a.startsWith('SnakepitMoveSlow/')), firing.join(', '));
    assert.ok(!firing.some((a) => a.startsWith('SnakepitNoTurnConsumer/')), firing.join(', '));
  });
});

function ready(): Stack {
  assert.ok(stack, 'the stack started');
  return stack;
}

async function labelNames(prometheus: RunningPrometheus, series: string): Promise<string[]> {
  const samples = await prometheus.query(series);
  const names = new Set(samples.flatMap((s) => Object.keys(s.metric)));
  return [...names].filter((n) => n !== '__name__' && !TARGET_LABELS.has(n)).sort();
}

/** The spans of the first trace that holds a move's server, publish, process and insert spans. */
function fullTrace(spans: ReceivedSpan[]): ReceivedSpan[] | undefined {
  for (const insert of spans.filter((s) => s.name === 'insert turns')) {
    const inTrace = spans.filter((s) => s.traceId === insert.traceId);
    const kinds = new Set(inTrace.map((s) => s.kind));
    const services = new Set(inTrace.map((s) => s.serviceName));
    const isMove = inTrace.some((s) => s.kind === SPAN_KIND.server && s.name.endsWith('/move'));
    if (isMove && Object.values(SPAN_KIND).every((k) => kinds.has(k)) && services.size === 2) {
      return inTrace;
    }
  }
  return undefined;
}

function spanSummary(spans: ReceivedSpan[]): string {
  const names = new Map<string, number>();
  for (const s of spans)
    names.set(`${s.serviceName}:${s.name}`, (names.get(`${s.serviceName}:${s.name}`) ?? 0) + 1);
  return [...names].map(([n, c]) => `${n} x${c}`).join(', ');
}

async function createDatabase(): Promise<{ name: string; url: string }> {
  const name = `snakepit_obs_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
}

function fulfilled<T>(result: PromiseSettledResult<T>): T | undefined {
  return result.status === 'fulfilled' ? result.value : undefined;
}

/** RabbitMQ's Prometheus endpoint; the plugin is enabled (online, idempotent) when it is off. */
async function ensureRabbitmqMetrics(): Promise<void> {
  const answers = () =>
    fetch(`http://${RABBITMQ_METRICS}/metrics`).then(
      (r) => r.ok,
      () => false,
    );
  if (await answers()) return;
  await promisify(execFile)('rabbitmq-plugins', ['enable', 'rabbitmq_prometheus']);
  await waitFor(answers, `RabbitMQ metrics on ${RABBITMQ_METRICS}`);
}

async function startStack(): Promise<Stack> {
  await ensureRabbitmqMetrics();
  const [vhost, database, receiver] = await Promise.all([
    createVhost('obs'),
    createDatabase(),
    startOtlpReceiver(),
  ]);
  const spoolDir = await mkdtemp(path.join(os.tmpdir(), 'snakepit-obs-spool-'));
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  const env = {
    AMQP_URL: vhost.url(),
    DATABASE_URL: database.url,
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: '--import=@snakepit/common/telemetry/register',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    // A batch can hold more turns than the default 128 links; every turn must keep its link.
    OTEL_SPAN_LINK_COUNT_LIMIT: '1000',
  };
  // Ports first, so that Prometheus (whose target discovery takes a few seconds) starts
  // alongside the services instead of after them.
  const [apiPort, apiAdminPort, persisterAdminPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
  ]);
  const pod = (name: string) => ({ namespace: 'snakepit-test', pod: `${name}-0`, container: name });
  const started = await Promise.allSettled([
    startService({
      entry: 'services/turn-persister/src/main.ts',
      env: { ...env, BATCH_MAX_WAIT_MS: '50' },
      adminPort: persisterAdminPort,
      readyTimeoutMs: 60_000,
    }),
    startService({
      entry: 'services/snake-api/src/main.ts',
      env: {
        ...env,
        AMQP_URL: vhost.url(proxy.port),
        PORT: String(apiPort),
        SPOOL_DIR: spoolDir,
        PERSIST_MODE: 'async',
      },
      adminPort: apiAdminPort,
      readyTimeoutMs: 60_000,
    }),
    startPrometheus({
      jobs: [
        {
          name: 'snakepit',
          targets: [
            { address: `127.0.0.1:${apiAdminPort}`, labels: pod('snake-api') },
            { address: `127.0.0.1:${persisterAdminPort}`, labels: pod('turn-persister') },
          ],
        },
        {
          name: 'rabbitmq',
          targets: [{ address: RABBITMQ_METRICS }],
          metricsPath: '/metrics/detailed',
          params: { family: ['queue_coarse_metrics', 'queue_consumer_count'], vhost: [vhost.name] },
        },
      ],
      ruleFiles: [path.join(alertsDir, 'snakepit.yaml')],
    }),
  ]);
  const [persister, api, prometheus] = [
    fulfilled(started[0]),
    fulfilled(started[1]),
    fulfilled(started[2]),
  ];
  if (!persister || !api || !prometheus) {
    // One failed: stop the others before reporting why.
    await Promise.all([persister?.stop(), api?.stop(), prometheus?.stop()]);
    throw started.find((r) => r.status === 'rejected')?.reason;
  }
  const stackSoFar = {
    vhost,
    database,
    spoolDir,
    receiver,
    proxy,
    persister,
    api,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    prometheus,
    gameIds: [],
    spooledGameId: `spooled-${randomBytes(4).toString('hex')}`,
  };
  await waitFor(async () => (await prometheus.query('up == 1')).length === 3, 'every target up');
  return stackSoFar;
}

/**
 * Games through the CLI, one poison message (its reason's counter was already scraped at 0, so
 * the dead-letter alert can see the increase), one repeated turn, and turns through the spool.
 */
async function playTraffic(s: Stack): Promise<void> {
  const snake = (strategy: string) => ({ name: strategy, url: `${s.apiUrl}/${strategy}` });
  const games = await Promise.all([
    playGame({
      gameType: 'standard',
      width: 7,
      height: 7,
      seed: 1,
      snakes: [snake('chase_closest_food'), snake('random_valid')],
    }),
    playGame({
      gameType: 'solo',
      width: 7,
      height: 7,
      seed: 2,
      snakes: [snake('chase_closest_food')],
    }),
  ]);
  s.gameIds.push(...games.map((g) => g.turns[0]?.game.id ?? 'missing'));

  await publishPoison(s.vhost.url());
  await repeatTurn(s.apiUrl, games[0]?.turns[1]);
  await spoolAndReplay(s);

  await waitFor(async () => {
    const [stored, dead, duplicate, ended, spooled, queue] = await Promise.all([
      s.prometheus.query('sum(snakepit_turns_stored_total) > 0'),
      s.prometheus.query('sum(snakepit_turns_dead_lettered_total) >= 1'),
      s.prometheus.query('sum(snakepit_turns_duplicate_total) >= 1'),
      s.prometheus.query('sum(snakepit_games_ended_total) >= 3'),
      s.prometheus.query('sum(snakepit_turns_spooled_total) >= 3'),
      // RabbitMQ emits a new queue's message counts with its next statistics round (5 s).
      s.prometheus.query('rabbitmq_detailed_queue_messages_ready{queue="snakepit.turns"}'),
    ]);
    return [stored, dead, duplicate, ended, spooled, queue].every((r) => r.length > 0);
  }, 'Prometheus has stored, dead-lettered, duplicate and spooled turns, ended games, queue depth');

  // A rate needs two samples of a series. The traffic above can fit between two scrapes, so a
  // series born at the last scrape would have one sample and its panel no data: wait until
  // both services have been scraped twice since the traffic ended (scrapes are 1 s apart).
  const trafficEnded = Date.now() / 1000;
  await waitFor(async () => {
    const [oldest] = await s.prometheus.query('min(timestamp(up{job="snakepit"}))');
    return Number(oldest?.value ?? 0) > trafficEnded + 1.05;
  }, 'two scrapes of both services after the traffic');
}

/**
 * Takes the broker away from snake-api, answers three moves (they go to the disk spool), and
 * gives it back: the publisher replays them from the spool, long after their requests.
 */
async function spoolAndReplay(s: Stack): Promise<void> {
  s.proxy.refuse(true);
  s.proxy.cut();
  await waitFor(async () => !(await brokerConnected(s.api)), 'snake-api saw the broker go');
  for (const turn of [1, 2, 3]) {
    const body = gameState({
      gameId: s.spooledGameId,
      turn,
      you: {
        body: [
          [1, 1],
          [1, 2],
          [1, 3],
        ],
      },
    });
    const response = await fetch(`${s.apiUrl}/random_valid/move`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200);
  }
  s.proxy.refuse(false);
  await waitFor(() => brokerConnected(s.api), 'snake-api reconnected');
}

async function brokerConnected(api: ServiceProcess): Promise<boolean> {
  const text = await fetch(api.adminUrl('/metrics')).then((r) => r.text());
  return /^snakepit_broker_connected\{[^}]*\} 1$/m.test(text);
}

/** A message that is not a turn: turn-persister dead-letters it as invalid_message. */
async function publishPoison(amqpUrl: string): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish('snakepit.turns', '', Buffer.from('not a turn'), { persistent: true });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** The engine retrying a request: the same turn again, which the persister keeps once. */
async function repeatTurn(apiUrl: string, turn: GameState | undefined): Promise<void> {
  assert.ok(turn, 'the game has a second turn');
  const strategy = turn.you.name;
  const response = await fetch(`${apiUrl}/${strategy}/move`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(turn),
  });
  assert.equal(response.status, 200);
}

async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}
