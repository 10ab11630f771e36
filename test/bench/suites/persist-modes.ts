// `npm run bench persist-modes`: what keeping every turn costs a /move, side by side in one run.
// Three snake-api processes, PERSIST_MODE off, async (RabbitMQ, confirm channel, spool idle) and
// sync (one PostgreSQL transaction inside every request), driven at the same fixed request rate
// with a distinct turn per request, in interleaved rounds. The strategy is random_valid, so the
// figures are the cost of the HTTP path plus persistence, not of a search.
// Target: async p99 within 1.2x of off. Sync is shown for what it costs.
// A second table measures the message encoder: splicing the raw body versus JSON.stringify.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createLogger, encodeTurnMessage, toTurnMessage, type TurnRecord } from '@snakepit/common';
import { runMigrations } from '../../../services/turn-persister/src/migrate.ts';
import { createTestDatabase } from '../../../services/turn-persister/test/database.ts';
import { gameState } from '../../helpers/api-boards.ts';
import { createVhost, uniqueName } from '../../helpers/pipeline-processes.ts';
import { freePort, startService, type ServiceProcess } from '../../helpers/processes.ts';
import type { BenchSuite } from '../run.ts';
import { median, percentile, printTable } from '../table.ts';

const RATE = 500;
const SECONDS = 4;
const ROUNDS = 3;
const MODES = ['off', 'async', 'sync'] as const;
type Mode = (typeof MODES)[number];

interface Load {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  bad: number;
}

/** A /move body whose turn number changes with every request, so no two turns collide. */
function bodies(gameId: string): () => string {
  const state = gameState({
    you: {
      body: [
        [5, 5],
        [5, 6],
        [5, 7],
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
    width: 11,
    height: 11,
    turn: 0,
    gameId,
    food: [
      [3, 3],
      [8, 8],
    ],
  });
  const [before, after] = JSON.stringify(state).split('"turn":0');
  let turn = 0;
  return () => `${before}"turn":${turn++}${after}`;
}

/** One fixed-rate round; percentiles come from every response's own latency. */
async function load(port: number, next: () => string): Promise<Load> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: 10,
        duration: SECONDS,
        overallRate: RATE,
        requests: [
          {
            method: 'POST',
            path: '/random_valid/move',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: next() }),
          },
        ],
      },
      (err: Error | null, done) => (err ? reject(err) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rps: result.requests.average,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

interface Rig {
  services: Map<Mode, { api: ServiceProcess; port: number; next: () => string }>;
  cleanup(): Promise<void>;
}

async function startRig(): Promise<Rig> {
  const vhost = await createVhost('bench-persist');
  const db = await createTestDatabase('bench_persist');
  const pool = new pg.Pool({ connectionString: db.url(), max: 1 });
  await runMigrations(pool, createLogger('bench', 'silent'));
  await pool.end();
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'bench-spool-'));
  const base = uniqueName('bench');
  const env: Record<Mode, Record<string, string>> = {
    off: { PERSIST_MODE: 'off' },
    async: {
      PERSIST_MODE: 'async',
      AMQP_URL: vhost.url(),
      SPOOL_DIR: spoolDir,
      TURNS_EXCHANGE: base,
      TURNS_QUEUE: base,
      DEAD_LETTER_QUEUE: `${base}.dead`,
    },
    sync: { PERSIST_MODE: 'sync', DATABASE_URL: db.url() },
  };
  const services = new Map<Mode, { api: ServiceProcess; port: number; next: () => string }>();
  for (const mode of MODES) {
    const port = await freePort();
    const api = await startService({
      entry: 'services/snake-api/src/main.ts',
      env: { PORT: String(port), LOG_LEVEL: 'warn', ...env[mode] },
    });
    services.set(mode, { api, port, next: bodies(`bench-${mode}`) });
  }
  return {
    services,
    cleanup: async () => {
      for (const { api } of services.values()) await api.stop('SIGTERM');
      await db.drop();
      await vhost.remove();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

async function modesTable(): Promise<void> {
  const rig = await startRig();
  try {
    const runs = new Map<Mode, Load[]>(MODES.map((m) => [m, []]));
    for (const { port, next } of rig.services.values()) await load(port, next); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const [mode, { port, next }] of rig.services)
        runs.get(mode)?.push(await load(port, next));
    }
    const med = (mode: Mode, f: (l: Load) => number) => median((runs.get(mode) ?? []).map(f));
    const offP99 = med('off', (l) => l.p99);
    const rows = MODES.map((mode) => ({
      PERSIST_MODE: mode,
      'p50 ms': med(mode, (l) => l.p50),
      'p95 ms': med(mode, (l) => l.p95),
      'p99 ms': med(mode, (l) => l.p99),
      'p99 / off': med(mode, (l) => l.p99) / offP99,
      'req/s': med(mode, (l) => l.rps),
      'not 200': (runs.get(mode) ?? []).reduce((n, l) => n + l.bad, 0),
    }));
    printTable(
      `/move at ${RATE} req/s, 10 connections, median of ${ROUNDS} interleaved ${SECONDS} s rounds`,
      rows,
    );
    const ratio = med('async', (l) => l.p99) / offP99;
    console.log(
      `target async p99 <= 1.2x off: ${ratio <= 1.2 ? 'ok' : 'MISSED'} (${ratio.toFixed(2)}x)`,
    );
  } finally {
    await rig.cleanup();
  }
}

/** Microseconds per message for `encode` over `count` records, median of 5 runs. */
function timeEncoder(
  encode: (r: TurnRecord) => unknown,
  record: TurnRecord,
  count: number,
): number {
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    for (let i = 0; i < count; i++) encode(record);
    runs.push(((performance.now() - started) * 1000) / count);
  }
  return percentile(runs, 50);
}

function encoderTable(): void {
  const body = gameState({
    you: {
      body: [
        [5, 5],
        [5, 6],
        [5, 7],
      ],
    },
    others: [1, 2, 3].map((i) => ({
      body: [
        [i, 1],
        [i, 2],
        [i, 3],
      ] as [number, number][],
    })),
    width: 11,
    height: 11,
  });
  const rawBody = Buffer.from(JSON.stringify(body));
  const record: TurnRecord = {
    kind: 'move',
    strategy: 'random_valid',
    path: '/random_valid/move',
    body,
    rawBody,
    move: 'up',
    computeMs: 0.2,
    receivedAt: new Date(),
  };
  const splice = timeEncoder(encodeTurnMessage, record, 20_000);
  const stringify = timeEncoder(
    (r) => Buffer.from(JSON.stringify(toTurnMessage(r))),
    record,
    20_000,
  );
  printTable(`turn message encoding, ${rawBody.length}-byte body (4 snakes, 11x11)`, [
    { encoder: 'splice raw body (encodeTurnMessage)', 'µs/message': splice },
    { encoder: 'JSON.stringify of the message (toTurnMessage)', 'µs/message': stringify },
  ]);
}

const suite: BenchSuite = {
  name: 'persist-modes',
  run: async () => {
    encoderTable();
    await modesTable();
  },
};
export default suite;
