// PERSIST_MODE=sync against a real PostgreSQL with the persister's migrations applied.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createLogger, discardTurns } from '@snakepit/common';
import { runMigrations } from '../../turn-persister/src/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../../turn-persister/test/database.ts';
import { createTurnSink, readPipelineConfig } from '../src/pipeline/index.ts';
import { turnRecord } from './pipeline-fixtures.ts';

const logger = createLogger('pipeline-test', 'silent');
let db: TestDatabase;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase('pipeline_sync');
  pool = new pg.Pool({ connectionString: db.url(), max: 1 });
  await runMigrations(pool, logger);
});

after(async () => {
  await pool.end();
  await db.drop();
});

test('sync mode has the turn stored before accept resolves, once however often it is sent', async () => {
  const config = readPipelineConfig({ PERSIST_MODE: 'sync', DATABASE_URL: db.url() });
  const pipeline = await createTurnSink(config, { logger, registry: new Registry() });
  try {
    const record = turnRecord(3, 'sync-game');
    await pipeline.sink.accept(record);
    await pipeline.sink.accept(record); // an engine retry: same id
    const { rows } = await pool.query<{ message_id: string; move: string; turn: number }>(
      'SELECT message_id, move, turn FROM turns',
    );
    assert.deepEqual(rows, [{ message_id: 'sync-game/you/3/move', move: 'up', turn: 3 }]);
  } finally {
    await pipeline.close();
  }
});

test('off mode forgets turns', async () => {
  const pipeline = await createTurnSink(readPipelineConfig({ PERSIST_MODE: 'off' }), {
    logger,
    registry: new Registry(),
  });
  assert.equal(pipeline.sink, discardTurns);
  await pipeline.close();
});
