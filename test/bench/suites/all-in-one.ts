// `npm run bench all-in-one`: the all-in-one process against the services alone.
//   1. /move latency at a fixed rate: the all-in-one process on embedded defaults (in-process
//      queue, PGlite) next to snake-api alone with PERSIST_MODE=off, in one run. Target: p99
//      within 1.5x.
//   2. Resident memory (VmRSS) idle and after 10,000 turns were stored: all-in-one embedded,
//      all-in-one against RabbitMQ and PostgreSQL (target under 150 MiB), and each service alone.
// Every request is a distinct turn (100 turns per game), so the persister really writes them.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createTestDatabase } from '../../../services/turn-persister/test/database.ts';
import { gameState } from '../../helpers/api-boards.ts';
import { createVhost } from '../../helpers/pipeline-processes.ts';
import { freePort, startService, type ServiceProcess } from '../../helpers/processes.ts';
import type { BenchSuite } from '../run.ts';
import { printTable } from '../table.ts';

const LATENCY_RATE = 300;
const LATENCY_SECONDS = 10;
const TURNS = 10_000;
const SMALL_HEAP = '--max-semi-space-size=2';

/** A /move body whose game id and turn are placeholders, filled per request. */
const TEMPLATE = JSON.stringify({
  ...gameState({
    width: 11,
    height: 11,
    gameId: '__GAME__',
    you: {
      body: [
        [5, 5],
        [5, 4],
        [5, 3],
      ],
    },
    others: [
      {
        body: [
          [1, 1],
          [1, 2],
          [1, 3],
        ],
      },
    ],
    food: [[8, 8]],
  }),
  turn: 987654321,
});

/** Turns sent so far in this run: never reused, so no turn is a duplicate of an earlier one. */
let sent = 0;

/** Load at `rate` requests/s (or as fast as 10 connections go), every request a new turn. */
async function load(url: string, opts: { rate?: number; seconds?: number; amount?: number }) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: 10,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? 5 }),
    requests: [
      {
        setupRequest: (req) => {
          const i = sent++;
          const body = TEMPLATE.replace('__GAME__', `bench-${process.pid}-${Math.floor(i / 100)}`);
          return { ...req, body: body.replace('987654321', String(i % 100)) };
        },
      },
    ],
  });
  return { p50: result.latency.p50, p99: result.latency.p99, bad: result.non2xx + result.errors };
}

async function rssMiB(service: ServiceProcess): Promise<number> {
  const status = await readFile(`/proc/${service.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

async function storedTurns(service: ServiceProcess): Promise<number> {
  const text = await (await fetch(service.adminUrl('/metrics'))).text();
  return Number(/^snakepit_turns_stored_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Waits until `persister` reports `n` stored turns (at most 5 minutes). */
async function waitStored(persister: ServiceProcess, n: number): Promise<number> {
  const started = performance.now();
  while ((await storedTurns(persister)) < n && performance.now() - started < 300_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (performance.now() - started) / 1000;
}

interface Started {
  /** The processes whose memory is measured, by label. */
  measured: Record<string, ServiceProcess>;
  /** The process whose metrics count stored turns. */
  persister: ServiceProcess;
  apiUrl: string;
}

async function allInOne(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const service = await startService({
    entry: 'services/all-in-one/src/main.ts',
    env: { PORT: String(port), LOG_LEVEL: 'warn', AMQP_URL: '', DATABASE_URL: '', ...env },
    readyTimeoutMs: 240_000,
  });
  return {
    measured: { 'all-in-one': service },
    persister: service,
    apiUrl: `http://127.0.0.1:${port}`,
  };
}

async function servicesAlone(
  amqpUrl: string,
  databaseUrl: string,
  spoolDir: string,
): Promise<Started> {
  const port = await freePort();
  const common = { LOG_LEVEL: 'warn', AMQP_URL: amqpUrl, DATABASE_URL: databaseUrl };
  const persister = await startService({
    entry: 'services/turn-persister/src/main.ts',
    env: common,
  });
  const api = await startService({
    entry: 'services/snake-api/src/main.ts',
    env: { ...common, PORT: String(port), SPOOL_DIR: spoolDir },
  });
  return {
    measured: { 'snake-api': api, 'turn-persister': persister },
    persister,
    apiUrl: `http://127.0.0.1:${port}`,
  };
}

async function latencyTable(dataDir: string): Promise<void> {
  const aio = await allInOne({ DATA_DIR: dataDir });
  const port = await freePort();
  const alone = await startService({
    entry: 'services/snake-api/src/main.ts',
    env: { PORT: String(port), PERSIST_MODE: 'off', LOG_LEVEL: 'warn' },
  });
  try {
    const path = '/random_valid/move';
    const off = await load(`http://127.0.0.1:${port}${path}`, {
      rate: LATENCY_RATE,
      seconds: LATENCY_SECONDS,
    });
    const emb = await load(`${aio.apiUrl}${path}`, {
      rate: LATENCY_RATE,
      seconds: LATENCY_SECONDS,
    });
    const ratio = emb.p99 / off.p99;
    printTable(
      `/move at ${LATENCY_RATE} req/s for ${LATENCY_SECONDS} s each (random_valid, 10 connections)`,
      [
        {
          process: 'snake-api alone, PERSIST_MODE=off',
          'p50 ms': off.p50,
          'p99 ms': off.p99,
          errors: off.bad,
        },
        {
          process: 'all-in-one, embedded defaults',
          'p50 ms': emb.p50,
          'p99 ms': emb.p99,
          errors: emb.bad,
        },
        {
          process: 'p99 ratio (target <= 1.5)',
          'p50 ms': '',
          'p99 ms': ratio,
          errors: ratio <= 1.5 ? 'ok' : 'MISSED',
        },
      ],
    );
  } finally {
    await Promise.all([aio.persister.stop(), alone.stop()]);
  }
}

/** Idle RSS, then 10,000 turns, then RSS once they are stored, for each process of `start()`. */
async function memoryRows(label: string, start: () => Promise<Started>) {
  const started = await start();
  try {
    const idle = await Promise.all(Object.values(started.measured).map(rssMiB));
    await load(`${started.apiUrl}/random_valid/move`, { amount: TURNS });
    const seconds = await waitStored(started.persister, TURNS);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const loaded = await Promise.all(Object.values(started.measured).map(rssMiB));
    return Object.keys(started.measured).map((name, i) => ({
      setup: label,
      process: name,
      'idle MiB': idle[i] ?? NaN,
      'after 10k turns MiB': loaded[i] ?? NaN,
      'stored after load s': seconds,
    }));
  } finally {
    await Promise.all(Object.values(started.measured).map((s) => s.stop()));
  }
}

async function run(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'snakepit-bench-aio-'));
  const [vhost, database] = await Promise.all([
    createVhost('bench-aio'),
    createTestDatabase('bench_aio'),
  ]);
  const [vhost2, database2] = await Promise.all([
    createVhost('bench-aio'),
    createTestDatabase('bench_aio'),
  ]);
  try {
    // The first start creates the database (~40 s); the measured starts below reopen it.
    await latencyTable(dataDir);
    const rows = [
      ...(await memoryRows('embedded (in-process queue, PGlite)', () =>
        allInOne({ DATA_DIR: dataDir }),
      )),
      ...(await memoryRows('all-in-one, RabbitMQ + PostgreSQL', () =>
        allInOne({ DATA_DIR: dataDir, AMQP_URL: vhost.url(), DATABASE_URL: database.url() }),
      )),
      // The same with V8's young generation capped (default 16 MiB semi-spaces): what a
      // smaller heap buys, at the price of more frequent minor GCs.
      ...(await memoryRows(`all-in-one, servers, ${SMALL_HEAP}`, () =>
        allInOne({
          DATA_DIR: dataDir,
          AMQP_URL: vhost.url(),
          DATABASE_URL: database.url(),
          NODE_OPTIONS: SMALL_HEAP,
        }),
      )),
      ...(await memoryRows(`embedded, ${SMALL_HEAP}`, () =>
        allInOne({ DATA_DIR: dataDir, NODE_OPTIONS: SMALL_HEAP }),
      )),
      ...(await memoryRows('services alone, RabbitMQ + PostgreSQL', () =>
        servicesAlone(vhost2.url(), database2.url(), path.join(dataDir, 'alone-spool')),
      )),
    ];
    printTable(
      `Resident memory (VmRSS), idle and after ${TURNS} turns stored (target: all-in-one with servers < 150 MiB)`,
      rows,
      1,
    );
  } finally {
    await Promise.all([vhost.remove(), database.drop(), vhost2.remove(), database2.drop()]);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const suite: BenchSuite = { name: 'all-in-one', run };
export default suite;
