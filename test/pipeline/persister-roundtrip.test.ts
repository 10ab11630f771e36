// turn-persister as a process, against the local RabbitMQ and PostgreSQL: what it stores, what
// it dead-letters, and what it finishes on SIGTERM. One vhost for the file, one database and
// one set of queue names per test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REASON_HEADER } from '@snakepit/turn-persister/consumer';
import { fixtureGame } from '../../services/turn-persister/test/games-fixture.ts';
import type { ServiceProcess } from '../helpers/processes.ts';
import {
  drainQueue,
  metric,
  publish,
  readyCount,
  startPersister,
  topologyEnv,
  topologyOf,
  turnCounts,
  usePersisterTestFile,
  waitFor,
} from './persister-harness.ts';

const { vhost, defer, database } = usePersisterTestFile('persister-roundtrip');

/** A database, queue names and a running persister for one test. */
async function setUp(prefix: string, env: Record<string, string> = {}) {
  const { db, pool } = await database(prefix);
  const names = topologyEnv(prefix);
  const persister: ServiceProcess = await startPersister({
    AMQP_URL: vhost.url(),
    DATABASE_URL: db.url(),
    BATCH_MAX_WAIT_MS: '50',
    ...names,
    ...env,
  });
  defer(() => persister.stop('SIGKILL'));
  return { pool, persister, topology: topologyOf(names) };
}

test('stores every published turn exactly once, field for field, with its games rows', async () => {
  const { pool, topology } = await setUp('tp_roundtrip');
  const games = [
    fixtureGame({ gameId: 'g-won', ending: 'won', moves: 40 }),
    fixtureGame({ gameId: 'g-lost', ending: 'lost', moves: 30, strategy: 'cautious_carol' }),
    fixtureGame({ gameId: 'g-open', ending: 'none', moves: 20 }),
  ];
  const turns = games.flat();
  // Each turn twice, as after a publisher's replay: still one row each.
  await publish(
    vhost.url(),
    topology,
    [...turns, ...turns].map((t) => t.bytes),
  );
  await waitFor('every turn stored', async () => (await turnCounts(pool)).rows >= turns.length);

  const { rows } = await pool.query(
    `SELECT message_id, game_id, snake_id, turn, kind, strategy, path, request, move,
            compute_ms, received_at
     FROM turns ORDER BY message_id`,
  );
  const expected = turns
    .map((t) => ({
      message_id: t.id,
      game_id: t.record.body.game.id,
      snake_id: t.record.body.you.id,
      turn: t.record.body.turn,
      kind: t.record.kind,
      strategy: t.record.strategy,
      path: t.record.path,
      request: t.record.body,
      move: t.record.move ?? null,
      compute_ms: t.record.computeMs ?? null,
      received_at: t.record.receivedAt,
    }))
    .sort((a, b) => (a.message_id < b.message_id ? -1 : 1));
  assert.deepEqual(rows, expected);

  const { rows: summary } = await pool.query(
    'SELECT game_id, strategy, turns, result, death_cause FROM games ORDER BY game_id',
  );
  assert.deepEqual(summary, [
    {
      game_id: 'g-lost',
      strategy: 'cautious_carol',
      turns: 30,
      result: 'lost',
      death_cause: 'wall-collision',
    },
    { game_id: 'g-open', strategy: 'greedy_gary', turns: 19, result: null, death_cause: null },
    { game_id: 'g-won', strategy: 'greedy_gary', turns: 40, result: 'won', death_cause: null },
  ]);
});

test('dead-letters poison messages with their reason and stores the good ones around them', async () => {
  const { pool, persister, topology } = await setUp('tp_poison');
  const good = fixtureGame({ gameId: 'g-good', ending: 'won', moves: 10 });
  const notJson = Buffer.from('{"schemaVersion":1,');
  const noGame = Buffer.from(good[1]?.bytes.toString().replace('"gameId":"g-good",', '') ?? '');
  // Valid as a message, refused by the database: a turn number beyond its integer column.
  const huge = fixtureGame({ gameId: 'g-huge', ending: 'none', moves: 0 })[0];
  assert.ok(huge);
  const hugeTurn = Buffer.from(
    huge.bytes
      .toString()
      .replace('"turn":0', `"turn":${2 ** 40}`)
      .replace('/0/start"', `/${2 ** 40}/start"`),
  );
  const messages = good.map((t) => t.bytes);
  messages.splice(3, 0, notJson, noGame, hugeTurn);
  await publish(vhost.url(), topology, messages);

  await waitFor('good turns stored', async () => (await turnCounts(pool)).rows >= good.length);
  await waitFor('three dead letters', async () => {
    return (await readyCount(vhost.url(), topology.deadLetterQueue)) >= 3;
  });
  const dead = await drainQueue(vhost.url(), topology.deadLetterQueue);
  assert.deepEqual(
    dead.map((d) => d.content),
    [notJson, noGame, hugeTurn],
  );
  const reasons = dead.map((d) => String(d.headers[REASON_HEADER]));
  assert.match(reasons[0] ?? '', /^invalid_message: invalid turn message: message is not JSON/);
  assert.match(reasons[1] ?? '', /^invalid_message: .*gameId/);
  assert.match(reasons[2] ?? '', /^rejected_by_database: .*SQLSTATE 22003/);
  assert.equal((await turnCounts(pool)).rows, good.length);
  assert.equal(await metric(persister, 'snakepit_turns_dead_lettered_total'), 3);
  assert.equal(await readyCount(vhost.url(), topology.queue), 0);
});

test('on SIGTERM stores and acks the batch in hand, then exits', async () => {
  // A batch that would wait a minute to fill: only the shutdown can make it commit in time.
  const { pool, persister, topology } = await setUp('tp_sigterm', {
    BATCH_MAX_WAIT_MS: '60000',
    BATCH_SIZE: '1000',
  });
  const turns = fixtureGame({ gameId: 'g-term', ending: 'none', moves: 49 });
  await publish(
    vhost.url(),
    topology,
    turns.map((t) => t.bytes),
  );
  await waitFor('all consumed', async () => {
    return (await metric(persister, 'snakepit_turns_consumed_total')) === turns.length;
  });
  assert.equal((await turnCounts(pool)).rows, 0);

  const exit = await persister.stop('SIGTERM');
  assert.ok(exit === 0 || exit === 'SIGTERM', `exit ${String(exit)}\n${persister.output()}`);
  assert.equal((await turnCounts(pool)).rows, turns.length);
  assert.equal(await readyCount(vhost.url(), topology.queue), 0);
});
