// The all-in-one process with AMQP_URL and DATABASE_URL set: the same command, against the local
// RabbitMQ (a vhost of its own) and PostgreSQL (a database of its own), with the same
// assertions as the embedded mode.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../services/turn-persister/test/database.ts';
import { createVhost, type TestVhost } from '../helpers/pipeline-processes.ts';
import {
  assertGameStored,
  expectedTotal,
  play,
  startAllInOne,
  stopWithReport,
  withClient,
  type AllInOneProcess,
} from './harness.ts';

let vhost: TestVhost;
let database: TestDatabase;
let dataDir: string;
let running: AllInOneProcess | undefined;

before(async () => {
  [vhost, database] = await Promise.all([createVhost('aio'), createTestDatabase('aio')]);
  dataDir = await mkdtemp(path.join(tmpdir(), 'snakepit-aio-ext-'));
});

after(async () => {
  await running?.service.stop('SIGKILL');
  await Promise.all([vhost.remove(), database.drop()]);
  await rm(dataDir, { recursive: true, force: true });
});

test('with AMQP_URL and DATABASE_URL set, stores every turn of two games at once in the real services', async () => {
  running = await startAllInOne({
    AMQP_URL: vhost.url(),
    DATABASE_URL: database.url(),
    DATA_DIR: dataDir,
  });
  assert.match(running.service.output(), /"mode":"external"/);

  const games = await Promise.all([
    play(running.apiUrl, { seed: 21, snakes: { carol: '/', rv: '/random_valid' } }),
    play(running.apiUrl, { seed: 22, snakes: { food: '/chase_closest_food', rnd: '/random' } }),
  ]);
  const report = await stopWithReport(running);
  running = undefined;

  assert.equal(report.storedThisRun, expectedTotal(games));
  assert.equal(report.turnsInDatabase, expectedTotal(games));
  await withClient(database.url(), async (db) => {
    for (const game of games) await assertGameStored(db, game);
  });
  assert.ok(!(await readdir(dataDir)).includes('pgdata'), 'no embedded database was created');
  assert.deepEqual(await readdir(path.join(dataDir, 'spool')), [], 'nothing left in the spool');
});
