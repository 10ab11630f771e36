// The publisher's routing against a scripted transport, for the two broker answers a shared test
// broker cannot give on demand without disturbing other tests: "blocked" (a memory or disk alarm
// is broker-wide) and a negative confirm. Everything else is tested against real RabbitMQ in
// pipeline-publisher.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '@snakepit/common';
import { createPipelineMetrics } from '../src/pipeline/metrics.ts';
import { TurnPublisher } from '../src/pipeline/publisher.ts';
import { Spool } from '../src/pipeline/spool.ts';
import {
  PublishNackedError,
  type OutgoingTurn,
  type TurnTransport,
} from '../src/pipeline/transport.ts';
import { count, eventually, turnRecord } from './pipeline-fixtures.ts';

/** A broker that stores what it is sent, except while blocked or told to refuse. */
class ScriptedTransport implements TurnTransport {
  ready = true;
  refuseNext = 0;
  readonly stored: string[] = [];
  readonly #listeners: ((ready: boolean) => void)[] = [];

  publish(turn: OutgoingTurn): Promise<void> {
    if (this.refuseNext > 0) {
      this.refuseNext -= 1;
      return Promise.reject(new PublishNackedError(turn.id));
    }
    this.stored.push(turn.id);
    return Promise.resolve();
  }

  setReady(ready: boolean): void {
    this.ready = ready;
    for (const listener of this.#listeners) listener(ready);
  }

  onReadyChange(listener: (ready: boolean) => void): void {
    this.#listeners.push(listener);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function setUp() {
  const dir = await mkdtemp(path.join(tmpdir(), 'pipeline-routing-'));
  const spool = await Spool.open({ dir, maxBytes: 1e6 });
  const transport = new ScriptedTransport();
  const metrics = createPipelineMetrics(new Registry(), {
    spoolDepth: () => spool.depth,
    spoolBytes: () => spool.bytes,
    brokerConnected: () => transport.ready,
  });
  const publisher = new TurnPublisher({
    transport,
    spool,
    metrics,
    logger: createLogger('pipeline-test', 'silent'),
    bufferMax: 100,
    replayRetryDelayMs: 10,
  });
  const ids = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => `pipeline-game/you/${from + i}/move`);
  const accept = (from: number, to: number) => {
    for (let turn = from; turn < to; turn++) publisher.accept(turnRecord(turn));
  };
  const cleanup = async () => {
    await publisher.close(100);
    await rm(dir, { recursive: true, force: true });
  };
  return { spool, transport, metrics, publisher, ids, accept, cleanup };
}

test('while the broker blocks publishing turns spool, and they follow in order once unblocked', async () => {
  const s = await setUp();
  try {
    s.accept(0, 5);
    await eventually('the first turns are stored', () => s.transport.stored.length === 5);
    s.transport.setReady(false); // connection.blocked
    s.accept(5, 15);
    await eventually('the blocked turns are spooled', () => s.spool.depth === 10);
    assert.equal(s.transport.stored.length, 5, 'nothing was sent while blocked');

    s.transport.setReady(true); // connection.unblocked
    s.accept(15, 20);
    await eventually('every turn is stored', () => s.transport.stored.length === 20);
    assert.deepEqual(s.transport.stored, s.ids(0, 20));
    assert.equal(await count(s.metrics.spooled), 10 + 5, 'turns after the block wait behind it');
  } finally {
    await s.cleanup();
  }
});

test('a turn the broker refuses is counted, spooled and stored on the next try', async () => {
  const s = await setUp();
  try {
    s.transport.refuseNext = 1;
    s.accept(0, 3);
    await eventually('every turn is stored', () => s.transport.stored.length === 3);
    assert.equal(await count(s.metrics.nacked), 1);
    assert.equal(await count(s.metrics.spooled), 1);
    assert.deepEqual(new Set(s.transport.stored), new Set(s.ids(0, 3)));
    await eventually('the spool is empty again', () => s.spool.isEmpty());
  } finally {
    await s.cleanup();
  }
});
