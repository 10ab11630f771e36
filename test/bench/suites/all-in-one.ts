// `npm run bench all-in-one`: the all-in-one process against the services alone.
//   1. /move latency at a fixed rate: the all-in-one process on embedded defaults (in-process
//      queue, PGlite), started as `npm start` starts it, next to snake-api alone with
//      PERSIST_MODE=off; medians of five rounds, taken in turns, after a warm-up. Target: p99 within 1.5x. The
//      all-in-one process without npm start's V8 flags runs alongside, to show what they cost.
//   2. Resident memory (VmRSS) idle and after 10,000 turns were stored: all-in-one embedded,
//      all-in-one against RabbitMQ and PostgreSQL (target under 150 MiB), each with and without
//      npm start's V8 flags, and each service alone.
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
const LATENCY_ROUNDS = 5;
/** Load before the rounds, not counted: the first seconds of a process are JIT compilation. */
const WARMUP_SECONDS = 5;
const TURNS = 10_000;

/** The V8 flags of the root `npm start` script (`--optimize-for-size`), read from package.json. */
async function startFlags(): Promise<string[]> {
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start
    .split(/\s+/)
    .filter((t) => t.startsWith('--') && !/^--(conditions|import)\b/.test(t));
}

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

async function allInOne(env: Record<string, string>, nodeArgs: string[]): Promise<Started> {
  const port = await freePort();
  const service = await startService({
    entry: 'services/all-in-one/src/main.ts',
    env: { PORT: String(port), LOG_LEVEL: 'warn', AMQP_URL: '', DATABASE_URL: '', ...env },
    readyTimeoutMs: 240_000,
    nodeArgs,
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

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;

async function latencyTable(dataDir: string, flags: string[]): Promise<void> {
  // Two processes on one data folder would fight over it: each all-in-one gets its own.
  const lean = await allInOne({ DATA_DIR: dataDir }, flags);
  const plain = await allInOne({ DATA_DIR: path.join(dataDir, 'plain') }, []);
  const port = await freePort();
  const alone = await startService({
    entry: 'services/snake-api/src/main.ts',
    env: { PORT: String(port), PERSIST_MODE: 'off', LOG_LEVEL: 'warn' },
  });
  const targets = [
    { process: 'snake-api alone, PERSIST_MODE=off', url: `http://127.0.0.1:${port}` },
    { process: `all-in-one, embedded, as npm start (${flags.join(' ')})`, url: lean.apiUrl },
    { process: 'all-in-one, embedded, no V8 flags', url: plain.apiUrl },
  ];
  try {
    const runs = targets.map(() => ({ p50: [] as number[], p99: [] as number[], bad: 0 }));
    for (const target of targets) {
      await load(`${target.url}/random_valid/move`, {
        rate: LATENCY_RATE,
        seconds: WARMUP_SECONDS,
      });
    }
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      for (const [i, target] of targets.entries()) {
        const r = await load(`${target.url}/random_valid/move`, {
          rate: LATENCY_RATE,
          seconds: LATENCY_SECONDS,
        });
        runs[i]?.p50.push(r.p50);
        runs[i]?.p99.push(r.p99);
        if (runs[i]) runs[i].bad += r.bad;
      }
    }
    const rows = targets.map((t, i) => ({
      process: t.process,
      'p50 ms': median(runs[i]?.p50 ?? []),
      'p99 ms': median(runs[i]?.p99 ?? []),
      'p99 of each round': (runs[i]?.p99 ?? []).join(' / '),
      errors: runs[i]?.bad ?? NaN,
    }));
    const ratio = (rows[1]?.['p99 ms'] ?? NaN) / (rows[0]?.['p99 ms'] ?? NaN);
    printTable(
      `/move at ${LATENCY_RATE} req/s, ${LATENCY_ROUNDS} rounds of ${LATENCY_SECONDS} s after ${WARMUP_SECONDS} s of warm-up (random_valid, 10 connections; medians)`,
      [
        ...rows,
        {
          process: 'p99 ratio, npm start over snake-api alone (target <= 1.5)',
          'p50 ms': '',
          'p99 ms': ratio,
          'p99 of each round': '',
          errors: ratio <= 1.5 ? 'ok' : 'MISSED',
        },
      ],
    );
  } finally {
    await Promise.all([lean.persister.stop(), plain.persister.stop(), alone.stop()]);
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
  const flags = await startFlags();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'snakepit-bench-aio-'));
  const [vhost, database] = await Promise.all([
    createVhost('bench-aio'),
    createTestDatabase('bench_aio'),
  ]);
  const [vhost2, database2] = await Promise.all([
    createVhost('bench-aio'),
    createTestDatabase('bench_aio'),
  ]);
  const servers = { DATA_DIR: dataDir, AMQP_URL: vhost.url(), DATABASE_URL: database.url() };
  try {
    // The first start creates each database (~40 s); the measured starts below reopen them.
    await latencyTable(dataDir, flags);
    const npmStart = `as npm start (${flags.join(' ')})`;
    const rows = [
      ...(await memoryRows(`embedded, ${npmStart}`, () => allInOne({ DATA_DIR: dataDir }, flags))),
      ...(await memoryRows('embedded, no V8 flags', () => allInOne({ DATA_DIR: dataDir }, []))),
      ...(await memoryRows(`RabbitMQ + PostgreSQL, ${npmStart}`, () => allInOne(servers, flags))),
      ...(await memoryRows('RabbitMQ + PostgreSQL, no V8 flags', () => allInOne(servers, []))),
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
