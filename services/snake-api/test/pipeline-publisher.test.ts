// The publisher against a real RabbitMQ, with a TCP proxy in between to cut, refuse and stall the
// connection. Each test has its own queue names in this file's vhost and its own spool folder.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { TURN_MESSAGE_TYPE, turnIdentity, turnMessageId } from '@snakepit/common';
import { createVhost, type TestVhost } from '../../../test/helpers/pipeline-processes.ts';
import { startTcpProxy, type TcpProxy } from '../../../test/helpers/tcp-proxy.ts';
import { Spool } from '../src/pipeline/spool.ts';
import {
  count,
  drainIds,
  eventually,
  freshTopology,
  removeDir,
  startPublisher,
  turnRecord,
  type PublisherSetup,
  type TestPublisher,
} from './pipeline-fixtures.ts';

let vhost: TestVhost;

/** Accepted turns are published or spooled in a batch right after the current callbacks. */
const routed = () => new Promise((resolve) => setImmediate(resolve));

before(async () => {
  vhost = await createVhost('pipeline-publisher');
});

after(() => vhost.remove());

interface Rig {
  proxy: TcpProxy;
  setup: PublisherSetup;
  pub: TestPublisher;
  /** The ids of turns 0..n-1 of this rig's game, in order. */
  ids(n: number): string[];
  accept(from: number, to: number): void;
  /** Every turn confirmed and nothing left in the spool. */
  settled(expected: number): Promise<void>;
  drain(): Promise<Awaited<ReturnType<typeof drainIds>>>;
  stop(): Promise<void>;
}

async function rig(
  t: TestContext,
  options: { bufferMax?: number; refuse?: boolean } = {},
): Promise<Rig> {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  proxy.refuse(options.refuse ?? false);
  const topology = freshTopology();
  const setup = { amqpUrl: vhost.url(proxy.port), topology, bufferMax: options.bufferMax };
  const pub = await startPublisher(setup);
  const gameId = `game-${topology.queue}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pub.publisher.close(1000);
    await proxy.close();
    await removeDir(pub.spoolDir);
  };
  // Also on failure, so a failed test leaves no connection keeping the process alive.
  t.after(stop);
  const idOf = (turn: number) => turnMessageId(turnIdentity(turnRecord(turn, gameId)));
  return {
    proxy,
    setup,
    pub,
    ids: (n) => Array.from({ length: n }, (_, turn) => idOf(turn)),
    accept: (from, to) => {
      for (let turn = from; turn < to; turn++) {
        assert.equal(pub.publisher.accept(turnRecord(turn, gameId)), undefined);
      }
    },
    settled: (expected) =>
      eventually(`${expected} turns are confirmed and the spool is empty`, async () => {
        return pub.spool.isEmpty() && (await count(pub.metrics.confirmed)) >= expected;
      }),
    drain: () => drainIds(vhost.url(), topology.queue),
    stop,
  };
}

test('publishes every turn once, persistent, with its stable id and schema type', async (t) => {
  const r = await rig(t);
  await eventually('the broker is connected', () => r.pub.transport.ready);
  r.accept(0, 50);
  await r.settled(50);

  const { ids, messages } = await r.drain();
  assert.deepEqual(ids, r.ids(50));
  const first = messages[0]!;
  assert.equal(first.properties.deliveryMode, 2);
  assert.equal(first.properties.type, TURN_MESSAGE_TYPE);
  assert.equal(first.properties.contentType, 'application/json');
  assert.equal(await count(r.pub.metrics.spooled), 0);
  await r.stop();
});

test('spools while the broker refuses connections and replays in order once it is back', async (t) => {
  const r = await rig(t, { refuse: true });
  r.accept(0, 40);
  await routed();
  assert.equal(r.pub.spool.depth, 40);
  assert.equal(await count(r.pub.metrics.spooled), 40);

  r.proxy.refuse(false);
  r.accept(40, 60);
  await r.settled(60);
  const { ids } = await r.drain();
  assert.deepEqual(ids, r.ids(60), 'spooled turns first, in order, then the new ones');
  await r.pub.spool.flush();
  assert.deepEqual(await readdir(r.pub.spoolDir), [], 'confirmed segments are deleted');
  await r.stop();
});

test('loses no turn when the connection is cut under load; resends at most the unconfirmed', async (t) => {
  const r = await rig(t);
  await eventually('the broker is connected', () => r.pub.transport.ready);
  let next = 0;
  let unconfirmedAtCut = -1;
  const load = setInterval(() => {
    r.accept(next, next + 20);
    next += 20;
    if (next === 400) {
      unconfirmedAtCut = next;
      void count(r.pub.metrics.confirmed).then((confirmed) => {
        unconfirmedAtCut -= confirmed;
      });
      r.proxy.cut();
    }
    if (next >= 1000) clearInterval(load);
  }, 5);
  await eventually('all turns are accepted', () => next >= 1000);
  await r.settled(1000);

  const { ids } = await r.drain();
  const distinct = new Set(ids);
  assert.deepEqual(distinct, new Set(r.ids(1000)));
  assert.ok(
    ids.length - distinct.size <= Math.max(0, unconfirmedAtCut),
    `${ids.length - distinct.size} duplicates, ${unconfirmedAtCut} unconfirmed at the cut`,
  );
  await r.stop();
});

test('a stalled broker is dropped after the confirm timeout and every turn arrives after', async (t) => {
  const r = await rig(t, { bufferMax: 5 });
  await eventually('the broker is connected', () => r.pub.transport.ready);
  r.proxy.stall(true);
  r.accept(0, 20);
  await routed();
  assert.equal(await count(r.pub.metrics.published), 5, 'the buffer holds 5 unconfirmed turns');
  assert.equal(r.pub.spool.depth, 15, 'the rest spools');

  await eventually('the stalled connection is given up', () => !r.pub.transport.ready);
  r.proxy.stall(false);
  r.proxy.cut(); // the stalled sockets hold stale bytes; a real partition would reset them too
  await r.settled(20);
  const { ids } = await r.drain();
  assert.deepEqual(new Set(ids), new Set(r.ids(20)));
  await r.stop();
});

test('closing with the broker away spools every turn, and the next start delivers them', async (t) => {
  const r = await rig(t);
  await eventually('the broker is connected', () => r.pub.transport.ready);
  r.proxy.refuse(true);
  r.proxy.cut();
  await eventually('the publisher saw the broker go', () => !r.pub.transport.ready);
  r.accept(0, 30);
  await r.pub.publisher.close(500);
  assert.deepEqual(
    r.pub.publisher.accept(turnRecord(99)),
    undefined,
    'accept after close is harmless',
  );

  r.proxy.refuse(false);
  const restarted = await startPublisher({ ...r.setup, spoolDir: r.pub.spoolDir });
  t.after(() => restarted.publisher.close(1000));
  assert.equal(restarted.spool.depth, 30);
  await eventually('the spool is replayed', () => restarted.spool.isEmpty());
  const { ids } = await r.drain();
  assert.deepEqual(ids, r.ids(30));
});

test('closing while the broker is stalled spools the unconfirmed turns and does not hang', async (t) => {
  const r = await rig(t);
  await eventually('the broker is connected', () => r.pub.transport.ready);
  r.proxy.stall(true);
  r.accept(0, 10);
  await routed();
  assert.equal(await count(r.pub.metrics.published), 10, 'sent, with no confirm coming');
  await r.pub.publisher.close(200);

  const reopened = await Spool.open({ dir: r.pub.spoolDir, maxBytes: 1e6 });
  assert.equal(reopened.depth, 10);
  assert.deepEqual(
    (await reopened.take(10)).map((record) => record.id),
    r.ids(10),
  );
  await reopened.close();
});
