import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel, ConsumeMessage } from 'amqplib';
import { ChannelAcks } from '../src/acks.ts';

/** The one channel method ChannelAcks uses, recording its calls. */
function recordingChannel() {
  const calls: [number, boolean][] = [];
  const channel = {
    ack: (msg: ConsumeMessage, allUpTo = false) => calls.push([msg.fields.deliveryTag, allUpTo]),
  } as unknown as Channel;
  return { channel, calls };
}

function message(tag: number): ConsumeMessage {
  return { fields: { deliveryTag: tag } } as ConsumeMessage;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('acks the oldest run of deliveries with one multiple-ack', async () => {
  const { channel, calls } = recordingChannel();
  const acks = new ChannelAcks(channel);
  const messages = [1, 2, 3, 4, 5].map(message);
  messages.forEach((m) => acks.delivered(m));
  messages.slice(0, 4).forEach((m) => acks.ack(m));
  await tick();
  assert.deepEqual(calls, [[4, true]]);
});

test('acks singly what lies behind a delivery still in hand', async () => {
  const { channel, calls } = recordingChannel();
  const acks = new ChannelAcks(channel);
  const messages = [1, 2, 3, 4].map(message);
  messages.forEach((m) => acks.delivered(m));
  for (const i of [0, 2, 3]) acks.ack(messages[i] as ConsumeMessage);
  await tick();
  assert.deepEqual(calls, [
    [1, true],
    [3, false],
    [4, false],
  ]);

  // Once the one in hand is acked, it is the oldest run on its own.
  acks.ack(messages[1] as ConsumeMessage);
  await tick();
  assert.deepEqual(calls.at(-1), [2, true]);
});
