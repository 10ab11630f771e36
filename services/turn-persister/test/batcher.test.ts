import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createLogger } from '@snakepit/common';
import { Batcher, type Delivery } from '../src/batcher.ts';
import { createPersisterMetrics } from '../src/metrics.ts';
import { runMigrations } from '../src/migrate.ts';
import { storeTurns, type StoreResult, type TurnRow } from '../src/store.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { fixtureGame } from './games-fixture.ts';

const logger = createLogger('turn-persister-test', 'silent');
let db: TestDatabase;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase('tp_batcher');
  pool = new pg.Pool({ connectionString: db.url(), max: 2 });
  await runMigrations(pool, logger);
});

after(async () => {
  await pool.end();
  await db.drop();
});

/** An in-memory transport's delivery: it records what the batcher did with it. */
interface Recorded extends Delivery {
  acked: boolean;
  deadLetterReason?: string;
}

function delivery(body: Buffer): Recorded {
  const d: Recorded = {
    body,
    acked: false,
    ack: () => {
      d.acked = true;
    },
    deadLetter: (reason) => {
      d.deadLetterReason = reason;
      return Promise.resolve();
    },
  };
  return d;
}

function batcher(options: { batchSize: number; batchMaxWaitMs: number }) {
  const batches: number[] = [];
  const write = async (rows: readonly TurnRow[]): Promise<StoreResult> => {
    const result = await storeTurns(pool, rows);
    batches.push(rows.length);
    return result;
  };
  const metrics = createPersisterMetrics(new Registry());
  return { batches, batcher: new Batcher({ ...options, write, metrics, logger }) };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('writes a full batch at once, without waiting for the timer', async () => {
  const { batcher: b, batches } = batcher({ batchSize: 4, batchMaxWaitMs: 3_600_000 });
  const deliveries = fixtureGame({ gameId: 'full', ending: 'none', moves: 7 }).map((t) =>
    delivery(t.bytes),
  );
  deliveries.forEach((d) => b.push(d));
  await until(() => batches.length === 2);
  assert.deepEqual(batches, [4, 4]);
  assert.ok(deliveries.every((d) => d.acked));
});

test('writes a partial batch once the oldest turn in it has waited batchMaxWaitMs', async () => {
  const { batcher: b, batches } = batcher({ batchSize: 500, batchMaxWaitMs: 20 });
  const deliveries = fixtureGame({ gameId: 'partial', ending: 'none', moves: 2 }).map((t) =>
    delivery(t.bytes),
  );
  deliveries.forEach((d) => b.push(d));
  await until(() => deliveries.every((d) => d.acked));
  assert.deepEqual(batches, [3]);
});

test('acks nothing before its batch commits, and leaves nothing behind on drain', async () => {
  const { batcher: b, batches } = batcher({ batchSize: 500, batchMaxWaitMs: 3_600_000 });
  const deliveries = fixtureGame({ gameId: 'drain', ending: 'won', moves: 9 }).map((t) =>
    delivery(t.bytes),
  );
  deliveries.forEach((d) => b.push(d));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(deliveries.filter((d) => d.acked).length, 0);
  await b.drain(Date.now() + 10_000);
  assert.deepEqual(batches, [11]);
  assert.ok(deliveries.every((d) => d.acked));
  assert.equal(b.pendingCount, 0);
});

test('dead-letters an unreadable message and stores the rest of its batch', async () => {
  const { batcher: b } = batcher({ batchSize: 3, batchMaxWaitMs: 3_600_000 });
  const [start, move] = fixtureGame({ gameId: 'poison', ending: 'none', moves: 1 });
  assert.ok(start && move);
  const deliveries = [
    delivery(start.bytes),
    delivery(Buffer.from('not json')),
    delivery(move.bytes),
  ];
  deliveries.forEach((d) => b.push(d));
  await until(() => deliveries.every((d) => d.acked));
  assert.match(deliveries[1]?.deadLetterReason ?? '', /^invalid_message: .*not JSON/);
  const { rows } = await pool.query(`SELECT kind FROM turns WHERE game_id = 'poison' ORDER BY id`);
  assert.deepEqual(rows, [{ kind: 'start' }, { kind: 'move' }]);
});
