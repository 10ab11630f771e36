import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createLogger, decodeTurnMessage } from '@snakepit/common';
import { runMigrations } from '../src/migrate.ts';
import { storeTurns, turnRow, TurnRejectedError, type TurnRow } from '../src/store.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { fixtureGame, type FixtureGame } from './games-fixture.ts';

const logger = createLogger('turn-persister-test', 'silent');
let db: TestDatabase;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase('tp_store');
  pool = new pg.Pool({ connectionString: db.url(), max: 4 });
  await runMigrations(pool, logger);
});

after(async () => {
  await pool.end();
  await db.drop();
});

function rowsOf(game: FixtureGame): TurnRow[] {
  return fixtureGame(game).map((t) => turnRow(decodeTurnMessage(t.bytes)));
}

async function gameRow(gameId: string) {
  const { rows } = await pool.query('SELECT * FROM games WHERE game_id = $1', [gameId]);
  return rows[0] as Record<string, unknown> | undefined;
}

describe('migrations', () => {
  test('concurrent runs apply each migration exactly once', async () => {
    const fresh = await createTestDatabase('tp_migrate');
    const freshPool = new pg.Pool({ connectionString: fresh.url(), max: 6 });
    try {
      const runs = await Promise.all([1, 2, 3].map(() => runMigrations(freshPool, logger)));
      assert.deepEqual(runs.flat(), ['001_turns_and_games.sql']);
      const { rows } = await freshPool.query('SELECT version FROM schema_migrations');
      assert.deepEqual(rows, [{ version: 1 }]);
    } finally {
      await freshPool.end();
      await fresh.drop();
    }
  });
});

describe('storeTurns', () => {
  test('stores every field of every turn', async () => {
    const rows = rowsOf({ gameId: 'fields', ending: 'won', moves: 3 });
    const result = await storeTurns(pool, rows);
    assert.equal(result.stored, rows.length);
    assert.equal(result.duplicates, 0);

    const { rows: stored } = await pool.query(
      `SELECT message_id, game_id, snake_id, turn, kind, strategy, path, request, move,
              compute_ms, dead, received_at
       FROM turns WHERE game_id = 'fields' ORDER BY turn, id`,
    );
    assert.deepEqual(
      stored,
      rows.map((r) => ({
        message_id: r.messageId,
        game_id: r.gameId,
        snake_id: r.snakeId,
        turn: r.turn,
        kind: r.kind,
        strategy: r.strategy,
        path: r.path,
        request: JSON.parse(r.requestJson) as unknown,
        move: r.move,
        compute_ms: r.computeMs,
        dead: r.dead,
        received_at: r.receivedAt,
      })),
    );
  });

  test('skips turns already stored and counts them as duplicates', async () => {
    const rows = rowsOf({ gameId: 'dupes', ending: 'none', moves: 4 });
    await storeTurns(pool, rows.slice(0, 3));
    const result = await storeTurns(pool, rows);
    assert.deepEqual([result.stored, result.duplicates], [rows.length - 3, 3]);
    const { rows: count } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM turns WHERE game_id = 'dupes'`,
    );
    assert.equal(count[0]?.n, rows.length);
  });

  test('keeps tabs, newlines and backslashes in text fields intact', async () => {
    const [row] = rowsOf({ gameId: 'escapes', ending: 'none', moves: 0 });
    assert.ok(row);
    const odd = { ...row, messageId: 'escapes/x/0/start', strategy: 'a\tb\\c\nd\re' };
    await storeTurns(pool, [odd]);
    const { rows } = await pool.query(`SELECT strategy FROM turns WHERE game_id = 'escapes'`);
    assert.deepEqual(rows, [{ strategy: 'a\tb\\c\nd\re' }]);
  });

  test('refuses a batch holding a row the schema cannot take, and stores none of it', async () => {
    const rows = rowsOf({ gameId: 'refused', ending: 'none', moves: 2 });
    const bad = rows.map((r, i) => (i === 1 ? { ...r, turn: 2 ** 40 } : r));
    await assert.rejects(storeTurns(pool, bad), TurnRejectedError);
    assert.equal(await gameRow('refused'), undefined);
  });

  test('refuses a row whose message id is too large for its unique index', async () => {
    const [row] = rowsOf({ gameId: 'huge-id', ending: 'none', moves: 0 });
    assert.ok(row);
    // Random CJK characters neither fit a btree entry (2704 bytes) nor compress below it.
    const huge = Array.from({ length: 1200 }, (_, i) =>
      String.fromCodePoint(0x4e00 + ((i * 7919) % 20000)),
    ).join('');
    const err = await storeTurns(pool, [{ ...row, messageId: huge }]).catch((e: unknown) => e);
    assert.ok(err instanceof TurnRejectedError, String(err));
    assert.equal(err.code, '54000');
  });
});

describe('games rows', () => {
  test('a won game has its settings, its span and the result won', async () => {
    const turns = rowsOf({ gameId: 'won', ending: 'won', moves: 6, strategy: 'cautious_carol' });
    await storeTurns(pool, turns);
    const row = await gameRow('won');
    assert.ok(row);
    assert.deepEqual(
      { ...row, updated_at: undefined },
      {
        game_id: 'won',
        snake_id: 'you',
        ruleset: 'standard',
        map: 'standard',
        source: 'custom',
        width: 8,
        height: 5,
        timeout_ms: 500,
        strategy: 'cautious_carol',
        started_at: turns[0]?.receivedAt,
        ended_at: turns.at(-1)?.receivedAt,
        turns: 6,
        result: 'won',
        death_cause: null,
        updated_at: undefined,
      },
    );
  });

  test('a lost game records the cause of death from the simulator', async () => {
    await storeTurns(pool, rowsOf({ gameId: 'lost', ending: 'lost', moves: 4 }));
    const row = await gameRow('lost');
    assert.deepEqual([row?.result, row?.death_cause], ['lost', 'wall-collision']);
    const { rows } = await pool.query(
      `SELECT dead FROM turns WHERE game_id = 'lost' AND kind = 'end'`,
    );
    assert.deepEqual(rows, [{ dead: true }]);
  });

  test('a draw is recorded when nobody is left', async () => {
    await storeTurns(pool, rowsOf({ gameId: 'draw', ending: 'draw', moves: 4 }));
    assert.equal((await gameRow('draw'))?.result, 'draw');
  });

  test('an unfinished game shows with its turns so far and no result', async () => {
    await storeTurns(pool, rowsOf({ gameId: 'open', ending: 'none', moves: 7 }));
    const row = await gameRow('open');
    assert.deepEqual([row?.turns, row?.ended_at, row?.result], [6, null, null]);
  });

  test('turns arriving out of order, the /end first, give the same row', async () => {
    const turns = rowsOf({ gameId: 'shuffled', ending: 'lost', moves: 5 });
    const end = turns.at(-1) as TurnRow;
    await storeTurns(pool, [end]);
    await storeTurns(pool, turns.slice(3, -1));
    await storeTurns(pool, turns.slice(0, 3));
    const row = await gameRow('shuffled');
    assert.deepEqual(
      [row?.started_at, row?.ended_at, row?.turns, row?.result, row?.death_cause],
      [turns[0]?.receivedAt, end.receivedAt, 5, 'lost', 'wall-collision'],
    );
  });

  test('the cause of death comes from the move of the turn before the /end only', async () => {
    const turns = rowsOf({ gameId: 'late-last-move', ending: 'lost', moves: 5 });
    const end = turns.at(-1) as TurnRow;
    const last = turns.at(-2) as TurnRow;
    // The move before the last one, turned back into the snake's own neck: a self collision
    // had it been the move the snake died of.
    const earlier = { ...(turns.at(-3) as TurnRow), move: 'left' as const };
    await storeTurns(pool, [...turns.slice(0, -3), earlier, end]);
    assert.equal((await gameRow('late-last-move'))?.death_cause, null);

    await storeTurns(pool, [last]);
    const row = await gameRow('late-last-move');
    assert.deepEqual([row?.result, row?.death_cause], ['lost', 'wall-collision']);
  });
});
