// `npm start` with nothing configured: snake-api and turn-persister in one process, the
// in-process queue and the embedded PostgreSQL in a fresh DATA_DIR. Official CLI games, a
// SIGTERM, a second start on the same folder, and every turn read back. The tests run in order
// on one DATA_DIR (creating it takes ~40 s, so it is done once).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  assertGameStored,
  expectedTotal,
  play,
  startAllInOne,
  stopWithReport,
  withClient,
  type AllInOneProcess,
  type PlayedGame,
} from './harness.ts';

let dataDir: string;
let running: AllInOneProcess | undefined;
const played: PlayedGame[] = [];

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'snakepit-aio-'));
});

after(async () => {
  await running?.service.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

test('stores every turn of two games played at once with different strategies, and SIGTERM loses none', async () => {
  running = await startAllInOne({ DATA_DIR: dataDir });
  assert.match(running.service.output(), /"mode":"embedded"/);
  assert.match(running.service.output(), new RegExp(`embedded PGlite in ${dataDir}/pgdata`));

  const games = await Promise.all([
    play(running.apiUrl, { seed: 11, snakes: { carol: '/', rv: '/random_valid' } }),
    play(running.apiUrl, { seed: 12, snakes: { food: '/chase_closest_food', rnd: '/random' } }),
  ]);
  played.push(...games);
  // The stop comes right after the last /end: whatever is still queued must be stored or spooled.
  const report = await stopWithReport(running);
  running = undefined;

  assert.equal(report.storedThisRun + report.spooled, expectedTotal(games));
  assert.equal(report.turnsInDatabase, report.storedThisRun);
});

test('a second start on the same DATA_DIR finds every turn and keeps storing', async () => {
  running = await startAllInOne({ DATA_DIR: dataDir });
  const db = running.databaseUrl;
  played.push(
    await play(running.apiUrl, {
      seed: 13,
      snakes: { vera: '/vigilant_vera', rv: '/random_valid' },
    }),
  );
  await waitForTurns(db, expectedTotal(played));

  await withClient(db, async (client) => {
    for (const game of played) await assertGameStored(client, game);
  });
  const report = await stopWithReport(running);
  running = undefined;
  assert.equal(report.turnsInDatabase, expectedTotal(played));
  assert.deepEqual(await readdir(path.join(dataDir, 'spool')), [], 'nothing left in the spool');
});

test('after a SIGKILL the same DATA_DIR opens again and at most QUEUE_CAPACITY turns are missing', async () => {
  const capacity = 50;
  running = await startAllInOne({ DATA_DIR: dataDir, QUEUE_CAPACITY: String(capacity) });
  const game = await play(running.apiUrl, {
    seed: 14,
    snakes: { carol: '/', rv: '/random_valid' },
  });
  await running.service.stop('SIGKILL');

  // The pid file of the killed process is taken over; the spool it left is replayed.
  running = await startAllInOne({ DATA_DIR: dataDir });
  const expected = expectedTotal([...played, game]);
  await waitForTurns(running.databaseUrl, expected);
  const stored = await withClient(running.databaseUrl, async (db) => {
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM turns');
    return Number(rows[0]?.n);
  });
  await stopWithReport(running);
  running = undefined;
  assert.ok(stored <= expected, `${stored} rows for ${expected} turns`);
  assert.ok(
    expected - stored <= capacity,
    `${expected - stored} turns lost, more than ${capacity}`,
  );
});

/**
 * Polls the turns count until it reaches `n` (the batcher flushes within BATCH_MAX_WAIT_MS), for
 * at most 30 s; the assertions after it say which turns are missing, if any.
 */
async function waitForTurns(url: string, n: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const count = await withClient(url, async (db) => {
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM turns');
      return Number(rows[0]?.n);
    });
    if (count >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
