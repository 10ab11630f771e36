// Replaying dead letters: what the broker dead-lettered goes back to the turns queue, what the
// persister dead-lettered with a reason stays.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import amqp from 'amqplib';
import { REASON_HEADER } from '@snakepit/turn-persister/consumer';
import { replayDeadLetters } from '@snakepit/turn-persister/replay-dead-letters';
import { declareTopology } from '@snakepit/common';
import { createVhost, type TestVhost } from '../helpers/pipeline-processes.ts';
import { drainQueue, topologyEnv, topologyOf } from './persister-harness.ts';

let vhost: TestVhost;

before(async () => {
  vhost = await createVhost('persister-replay');
});

after(async () => {
  await vhost.remove();
});

test('replays what the broker dead-lettered and keeps what the persister refused', async () => {
  const topology = topologyOf(topologyEnv('tp_replay'));
  const connection = await amqp.connect(vhost.url());
  try {
    const channel = await connection.createConfirmChannel();
    await declareTopology(channel, topology);
    const dead = topology.deadLetterExchange;
    channel.publish(dead, '', Buffer.from('limit-1'), { persistent: true });
    channel.publish(dead, '', Buffer.from('poison'), {
      persistent: true,
      headers: { [REASON_HEADER]: 'invalid_message: not JSON' },
    });
    channel.publish(dead, '', Buffer.from('limit-2'), { persistent: true });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }

  assert.deepEqual(await replayDeadLetters(vhost.url(), topology), { replayed: 2, kept: 1 });
  const back = await drainQueue(vhost.url(), topology.queue);
  assert.deepEqual(
    back.map((m) => m.content.toString()),
    ['limit-1', 'limit-2'],
  );
  const left = await drainQueue(vhost.url(), topology.deadLetterQueue);
  assert.deepEqual(
    left.map((m) => m.content.toString()),
    ['poison'],
  );
});
