// turn-persister throughput and lag. Throughput: the same ~3 KB turns written as the service
// writes them (COPY into a staging table, then INSERT ... ON CONFLICT, plus the games upkeep) in
// batches of 500 and of 1, next to the alternatives we measured before choosing, and a plain COPY
// into an unindexed table as the ceiling. Lag: the whole service at a steady 1,000 turns/s.
// Targets: batched >= 70% of the COPY ceiling and >= 4x batch size 1; lag p99 under 1 s.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import amqp from 'amqplib';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Battlesnake, Coord, GameState } from '@snakepit/battlesnake';
import {
  createLogger,
  createRegistry,
  encodeTurnMessage,
  readTurnTopology,
  type TurnRecord,
} from '@snakepit/common';
import { runMigrations } from '@snakepit/turn-persister/migrate';
import { readPersisterConfig, startTurnPersister } from '@snakepit/turn-persister/service';
import { copyText, storeTurns, type TurnRow } from '@snakepit/turn-persister/store';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../services/turn-persister/test/database.ts';
import { fixtureGameObject } from '../../../services/turn-persister/test/games-fixture.ts';
import type { BenchSuite } from '../run.ts';
import { printTable } from '../table.ts';

const ROWS = 5_000;
const SINGLE_ROWS = 1_000;
const BATCH = 500;
const LAG_RATE_PER_S = 1_000;
const LAG_SECONDS = 10;

/** A realistic request: 11x11, four snakes of 8-25 squares, random ids and names (~3 KB). */
function requestBody(gameId: string, turn: number): GameState {
  const square = (): Coord => ({ x: randomInt(11), y: randomInt(11) });
  const snake = (): Battlesnake => {
    const body = Array.from({ length: 8 + randomInt(18) }, square);
    return {
      id: `gs_${randomBytes(12).toString('base64url')}`,
      name: `snake ${randomBytes(6).toString('hex')}`,
      health: randomInt(1, 101),
      body,
      latency: String(randomInt(20, 400)),
      head: body[0] as Coord,
      length: body.length,
      shout: '',
      squad: '',
      customizations: {
        color: `#${randomBytes(3).toString('hex')}`,
        head: 'default',
        tail: 'default',
      },
    };
  };
  const snakes = [snake(), snake(), snake(), snake()];
  return {
    game: { ...fixtureGameObject(gameId), source: 'league' },
    turn,
    board: { width: 11, height: 11, food: [square(), square(), square()], hazards: [], snakes },
    you: snakes[0] as Battlesnake,
  };
}

function turnRecord(gameId: string, turn: number): TurnRecord {
  const body = requestBody(gameId, turn);
  return {
    kind: 'move',
    strategy: 'cautious_carol',
    path: '/cautious_carol/move',
    body,
    rawBody: Buffer.from(JSON.stringify(body)),
    move: 'up',
    computeMs: Math.random() * 50,
    receivedAt: new Date(),
  };
}

/** `count` rows over games of 200 turns each. */
function rows(count: number): TurnRow[] {
  const games = Array.from({ length: Math.ceil(count / 200) }, () => randomUUID());
  return Array.from({ length: count }, (_, i) => {
    const record = turnRecord(games[Math.floor(i / 200)] as string, i % 200);
    return {
      messageId: `${record.body.game.id}/${record.body.you.id}/${record.body.turn}/move`,
      gameId: record.body.game.id,
      snakeId: record.body.you.id,
      turn: record.body.turn,
      kind: 'move',
      strategy: record.strategy,
      path: record.path,
      requestJson: record.rawBody.toString(),
      move: 'up',
      computeMs: record.computeMs ?? null,
      dead: false,
      receivedAt: record.receivedAt,
    };
  });
}

async function timeRowsPerSecond(
  data: readonly TurnRow[],
  size: number,
  write: (batch: TurnRow[]) => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < data.length; i += size) await write(data.slice(i, i + size));
  return data.length / ((performance.now() - started) / 1000);
}

const COLUMNS = `message_id, game_id, snake_id, turn, kind, strategy, path, request, move,
                 compute_ms, dead, received_at`;

/** The ceiling: COPY straight into a table with no index, no constraint, no upkeep. */
async function copyPlain(pool: pg.Pool, batch: TurnRow[]): Promise<void> {
  const client = await pool.connect();
  try {
    await pipeline(
      Readable.from([copyText(batch)]),
      client.query(copyFrom(`COPY turns_plain (${COLUMNS}) FROM STDIN`)),
    );
  } finally {
    client.release();
  }
}

/** Alternative measured: all rows as one json parameter, expanded by json_to_recordset. */
async function jsonRecordset(pool: pg.Pool, batch: TurnRow[]): Promise<void> {
  const doc = `[${batch
    .map((r) => {
      const { requestJson, ...rest } = r;
      return `${JSON.stringify(rest).slice(0, -1)},"request":${requestJson}}`;
    })
    .join(',')}]`;
  await pool.query(
    `INSERT INTO turns (${COLUMNS})
     SELECT "messageId", "gameId", "snakeId", turn, kind, strategy, path, request, move,
            "computeMs", dead, "receivedAt"
     FROM json_to_recordset($1::json) AS x("messageId" text, "gameId" text, "snakeId" text,
       turn int, kind text, strategy text, path text, request jsonb, move text,
       "computeMs" float8, dead bool, "receivedAt" timestamptz)
     ON CONFLICT (message_id) DO NOTHING`,
    [doc],
  );
}

/** Alternative measured: one array parameter per column, jsonb[] for the requests. */
async function unnestArrays(pool: pg.Pool, batch: TurnRow[]): Promise<void> {
  const col = <T>(pick: (r: TurnRow) => T) => batch.map(pick);
  await pool.query(
    `INSERT INTO turns (${COLUMNS})
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
       $7::text[], $8::jsonb[], $9::text[], $10::float8[], $11::bool[], $12::timestamptz[])
     ON CONFLICT (message_id) DO NOTHING`,
    [
      col((r) => r.messageId),
      col((r) => r.gameId),
      col((r) => r.snakeId),
      col((r) => r.turn),
      col((r) => r.kind),
      col((r) => r.strategy),
      col((r) => r.path),
      col((r) => r.requestJson),
      col((r) => r.move),
      col((r) => r.computeMs),
      col((r) => r.dead),
      col((r) => r.receivedAt),
    ],
  );
}

async function throughput(db: TestDatabase): Promise<void> {
  const pool = new pg.Pool({ connectionString: db.url(), max: 2 });
  try {
    await runMigrations(pool, createLogger('bench', 'silent'));
    await pool.query(`CREATE TABLE turns_plain AS SELECT ${COLUMNS} FROM turns WITH NO DATA`);
    const data = rows(ROWS);
    const bytes = data.reduce((sum, r) => sum + r.requestJson.length, 0) / data.length;
    const reset = () => pool.query('TRUNCATE turns, games, turns_plain');

    const results: Record<string, number> = {};
    const variants: [string, number, number, (b: TurnRow[]) => Promise<unknown>][] = [
      ['COPY, unindexed (ceiling)', ROWS, BATCH, (b) => copyPlain(pool, b)],
      [`service: COPY staging, batch ${BATCH}`, ROWS, BATCH, (b) => storeTurns(pool, b)],
      ['service: batch 1', SINGLE_ROWS, 1, (b) => storeTurns(pool, b)],
      [`json_to_recordset, batch ${BATCH}`, ROWS, BATCH, (b) => jsonRecordset(pool, b)],
      [`unnest jsonb[], batch ${BATCH}`, ROWS, BATCH, (b) => unnestArrays(pool, b)],
    ];
    for (const [name, count, size, write] of variants) {
      await reset();
      results[name] = await timeRowsPerSecond(data.slice(0, count), size, write);
    }
    const ceiling = results['COPY, unindexed (ceiling)'] ?? NaN;
    const single = results['service: batch 1'] ?? NaN;
    printTable(
      `insert throughput, ${ROWS} turns of ${Math.round(bytes)} bytes (batch 1: ${SINGLE_ROWS})`,
      Object.entries(results).map(([variant, perS]) => ({
        variant,
        'rows/s': Math.round(perS),
        'of ceiling': `${Math.round((perS / ceiling) * 100)}%`,
        'x batch 1': perS / single,
      })),
    );
    const batched = results[`service: COPY staging, batch ${BATCH}`] ?? NaN;
    console.log(
      `targets: batched >= 70% of ceiling: ${batched >= 0.7 * ceiling ? 'met' : 'MISSED'}; ` +
        `batched >= 4x batch 1: ${batched >= 4 * single ? 'met' : 'MISSED'}`,
    );
  } finally {
    await pool.end();
  }
}

/** Publishes `rate` turns a second for `seconds`, as snake-api would, receivedAt = now. */
async function publishSteadily(url: string, exchange: string, rate: number, seconds: number) {
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  const gameId = randomUUID();
  const tickMs = 10;
  const perTick = (rate * tickMs) / 1000;
  const started = performance.now();
  let sent = 0;
  while (sent < rate * seconds) {
    const due = Math.min(
      rate * seconds,
      Math.floor(((performance.now() - started) / tickMs + 1) * perTick),
    );
    for (; sent < due; sent++) {
      const record = turnRecord(gameId, sent);
      channel.publish(exchange, '', encodeTurnMessage(record).bytes, { persistent: true });
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await channel.waitForConfirms();
  await connection.close();
  return sent;
}

async function lag(db: TestDatabase): Promise<void> {
  const prefix = `bench.${randomBytes(4).toString('hex')}`;
  const env = {
    AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672/',
    DATABASE_URL: db.url(),
    TURNS_EXCHANGE: `${prefix}.turns`,
    TURNS_QUEUE: `${prefix}.turns`,
    DEAD_LETTER_QUEUE: `${prefix}.dead`,
  };
  const config = readPersisterConfig(env);
  const registry = createRegistry('bench');
  const persister = await startTurnPersister({
    config,
    logger: createLogger('bench', 'warn'),
    registry,
  });
  const pool = new pg.Pool({ connectionString: db.url(), max: 1 });
  try {
    await waitUntil(async () =>
      (await Promise.all(persister.readiness.map(async (c) => c.ready()))).every(Boolean),
    );
    await pool.query('TRUNCATE turns, games');
    const started = performance.now();
    const sent = await publishSteadily(
      env.AMQP_URL,
      config.topology.exchange,
      LAG_RATE_PER_S,
      LAG_SECONDS,
    );
    await waitUntil(async () => {
      const { rows: r } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM turns');
      return (r[0]?.n ?? 0) >= sent;
    });
    const storedPerS = sent / ((performance.now() - started) / 1000);
    const histogram =
      (await registry.getSingleMetric('snakepit_turn_lag_seconds')?.get())?.values ?? [];
    const buckets = histogram
      .filter((v) => (v as { metricName?: string }).metricName?.endsWith('_bucket'))
      .map((v) => ({ le: Number(v.labels.le), count: v.value }));
    const total = buckets.at(-1)?.count ?? 0;
    const bound = (q: number) => buckets.find((b) => b.count >= q * total)?.le ?? NaN;
    printTable(`lag from received to committed, ${LAG_RATE_PER_S} turns/s for ${LAG_SECONDS} s`, [
      {
        turns: total,
        'stored/s': Math.round(storedPerS),
        'p50 <= s': bound(0.5),
        'p99 <= s': bound(0.99),
        'max <= s': bound(1),
      },
    ]);
    console.log(
      `target: p99 under 1 s: ${bound(0.99) <= 1 ? 'met' : 'MISSED'}` +
        (storedPerS < 0.95 * LAG_RATE_PER_S ? ' (the database could not keep up here)' : ''),
    );
  } finally {
    await persister.close();
    await pool.end();
    await deleteTopology(env.AMQP_URL, readTurnTopology(env));
  }
}

async function deleteTopology(url: string, t: ReturnType<typeof readTurnTopology>) {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.deleteQueue(t.queue);
  await channel.deleteQueue(t.deadLetterQueue);
  await channel.deleteExchange(t.exchange);
  await channel.deleteExchange(t.deadLetterExchange);
  await connection.close();
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const suite: BenchSuite = {
  name: 'persister',
  run: async () => {
    const db = await createTestDatabase('bench_persister');
    try {
      await throughput(db);
      await lag(db);
    } finally {
      await db.drop();
    }
  },
};

export default suite;
