// turn-persister under faults: killed mid-batch, its database away for ten seconds, its broker
// connection cut. Each test ends by checking every turn is stored once: none lost, none twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { fixtureGame, type FixtureTurn } from '../../services/turn-persister/test/games-fixture.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import {
  metric,
  publish,
  readyCount,
  readyStatus,
  startPersister,
  topologyEnv,
  topologyOf,
  turnCounts,
  usePersisterTestFile,
  waitFor,
} from './persister-harness.ts';

const { vhost, defer, database } = usePersisterTestFile('persister-faults');

/** `games` games of `moves` moves each, all won, as one list of turns. */
function games(prefix: string, count: number, moves: number): FixtureTurn[] {
  const turns = [];
  for (let g = 0; g < count; g++) {
    turns.push(...fixtureGame({ gameId: `${prefix}-${g}`, ending: 'won', moves }));
  }
  return turns;
}

async function assertStoredOnce(pool: pg.Pool, total: number): Promise<void> {
  await waitFor(`${total} turns stored`, async () => (await turnCounts(pool)).rows >= total);
  assert.deepEqual(await turnCounts(pool), { rows: total, distinct: total });
}

test('stores every turn exactly once when killed with SIGKILL mid-batch and restarted', async () => {
  const { db, pool } = await database('tp_sigkill');
  const names = topologyEnv('tp_sigkill');
  const topology = topologyOf(names);
  const env = {
    AMQP_URL: vhost.url(),
    DATABASE_URL: db.url(),
    BATCH_SIZE: '100',
    BATCH_MAX_WAIT_MS: '50',
    PREFETCH: '400',
    ...names,
  };
  const first = await startPersister(env);
  defer(() => first.stop('SIGKILL'));
  const before = games('before', 10, 150);
  const later = games('later', 5, 100);

  await publish(
    vhost.url(),
    topology,
    before.map((t) => t.bytes),
  );
  await waitFor('the first batches stored', async () => (await turnCounts(pool)).rows > 0);
  await first.stop('SIGKILL');
  const storedAtKill = (await turnCounts(pool)).rows;
  assert.ok(storedAtKill < before.length, `killed after all ${storedAtKill} were stored`);

  await publish(
    vhost.url(),
    topology,
    later.map((t) => t.bytes),
  );
  const second = await startPersister(env);
  defer(() => second.stop('SIGKILL'));
  await assertStoredOnce(pool, before.length + later.length);
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM games WHERE result = 'won'`,
  );
  assert.equal(rows[0]?.n, 15);
  await waitFor('queue empty', async () => (await readyCount(vhost.url(), topology.queue)) === 0);
});

test('stores every turn exactly once when PostgreSQL is unreachable for 10 seconds', async () => {
  const { db, pool } = await database('tp_pgdown');
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  defer(() => proxy.close());
  const names = topologyEnv('tp_pgdown');
  const topology = topologyOf(names);
  // The local server trusts every local connection: the password is there to be kept out of logs.
  const persister = await startPersister({
    AMQP_URL: vhost.url(),
    DATABASE_URL: db.url(proxy.port).replace('//root@', '//root:pg-s3cret@'),
    LOG_LEVEL: 'info',
    ...names,
  });
  defer(() => persister.stop('SIGKILL'));
  const early = games('early', 2, 50);
  const during = games('during', 4, 80);
  await publish(
    vhost.url(),
    topology,
    early.map((t) => t.bytes),
  );
  await assertStoredOnce(pool, early.length);

  proxy.refuse(true);
  proxy.cut();
  const outageEnds = Date.now() + 10_000;
  // Noticed by the readiness probe alone, before any turn fails to be written.
  await waitFor('not ready', async () => (await readyStatus(persister)) === 503);
  await publish(
    vhost.url(),
    topology,
    during.map((t) => t.bytes),
  );
  const total = early.length + during.length;
  await waitFor('all consumed', async () => {
    return (await metric(persister, 'snakepit_turns_consumed_total')) >= total;
  });
  await sleep(Math.max(0, outageEnds - Date.now()));
  // Ten seconds on: everything is in the persister's hands, nothing of it stored or acked.
  assert.equal((await turnCounts(pool)).rows, early.length);
  assert.equal(await metric(persister, 'snakepit_database_up'), 0);
  assert.equal(await readyStatus(persister), 503);

  proxy.refuse(false);
  await assertStoredOnce(pool, total);
  await waitFor('ready again', async () => (await readyStatus(persister)) === 200);
  await waitFor('queue empty', async () => (await readyCount(vhost.url(), topology.queue)) === 0);
  assert.match(persister.output(), /database write failed/);
  assert.doesNotMatch(persister.output(), /pg-s3cret|guest:guest/);
});

test('stores every turn exactly once when its broker connection is cut four times mid-stream', async () => {
  const { db, pool } = await database('tp_amqpcut');
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  defer(() => proxy.close());
  const names = topologyEnv('tp_amqpcut');
  const topology = topologyOf(names);
  const persister = await startPersister({
    AMQP_URL: vhost.url(proxy.port),
    DATABASE_URL: db.url(),
    BATCH_SIZE: '100',
    ...names,
  });
  defer(() => persister.stop('SIGKILL'));
  const turns = games('cut', 10, 100);

  // Four rounds: publish a quarter, then cut while the persister is taking it in.
  const quarter = Math.ceil(turns.length / 4);
  for (let i = 0; i < turns.length; i += quarter) {
    const bytes = turns.slice(i, i + quarter).map((t) => t.bytes);
    await publish(vhost.url(), topology, bytes);
    proxy.cut();
  }
  await assertStoredOnce(pool, turns.length);
  await waitFor('ready again', async () => (await readyStatus(persister)) === 200);
});
