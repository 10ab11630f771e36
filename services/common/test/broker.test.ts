import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import {
  TopologyMismatchError,
  amqpConnectUrl,
  declareTopology,
  needsOperator,
  readAmqpUrl,
  readTurnTopology,
  reconnectDelayMs,
  type TurnTopology,
} from '../src/broker.ts';
import { ConfigError } from '../src/config.ts';
import {
  createVhost,
  uniqueName,
  type TestVhost,
} from '../../../test/helpers/pipeline-processes.ts';

let vhost: TestVhost;
let connection: ChannelModel;

before(async () => {
  vhost = await createVhost('broker-test');
  connection = await amqp.connect(vhost.url());
});

after(async () => {
  await connection.close();
  await vhost.remove();
});

function topology(deliveryLimit = 2): TurnTopology {
  const base = uniqueName('turns');
  return readTurnTopology({
    TURNS_EXCHANGE: base,
    TURNS_QUEUE: base,
    DEAD_LETTER_QUEUE: `${base}.dead`,
    DELIVERY_LIMIT: String(deliveryLimit),
  });
}

test('declaring the topology twice is harmless and routes a published turn to the queue', async () => {
  const names = topology();
  const channel = await connection.createConfirmChannel();
  await declareTopology(channel, names);
  await declareTopology(channel, names);

  channel.publish(names.exchange, 'move', Buffer.from('{}'), { persistent: true });
  await channel.waitForConfirms();
  const queue = await channel.checkQueue(names.queue);
  assert.equal(queue.messageCount, 1);
  await channel.close();
});

test('a message rejected more often than the delivery limit ends in the dead-letter queue', async () => {
  const names = topology(2);
  const channel = await connection.createConfirmChannel();
  await declareTopology(channel, names);
  channel.publish(names.exchange, 'move', Buffer.from('poison'), { persistent: true });
  await channel.waitForConfirms();

  let deliveries = 0;
  await channel.consume(names.queue, (message) => {
    if (!message) return;
    deliveries += 1;
    channel.nack(message, false, true);
  });
  const dead = await poll(() => channel.get(names.deadLetterQueue, { noAck: true }));
  assert.equal(dead.content.toString(), 'poison');
  assert.equal(deliveries, names.deliveryLimit + 1);
  await channel.close();
});

test('redeclaring a queue with another delivery limit fails with a TopologyMismatchError', async () => {
  const names = topology(2);
  const first = await connection.createChannel();
  await declareTopology(first, names);
  await first.close();

  const second = await connection.createChannel();
  second.on('error', () => undefined); // the broker closes the channel after a 406
  const err = await declareTopology(second, { ...names, deliveryLimit: 3 }).then(
    () => assert.fail('a changed delivery limit was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TopologyMismatchError);
  assert.match(err.message, new RegExp(`${names.queue}.*RabbitMQ policy`));
  assert.ok(needsOperator(err));
});

test('a refused login needs an operator; a refused connection does not', async () => {
  const badLogin = new URL(vhost.url());
  badLogin.password = 'wrong';
  const loginErr = await amqp.connect(badLogin.toString()).then(
    () => assert.fail('connected with a wrong password'),
    (e: unknown) => e,
  );
  assert.ok(needsOperator(loginErr));

  const refused = await amqp.connect('amqp://guest:guest@127.0.0.1:1').then(
    () => assert.fail('connected to port 1'),
    (e: unknown) => e,
  );
  assert.equal(needsOperator(refused), false);
});

test('AMQP_URL must be an amqp URL with a host, and the error names the variable', () => {
  assert.equal(readAmqpUrl({}), undefined);
  assert.equal(readAmqpUrl({ AMQP_URL: 'amqp://u:p@h:5672/v' }), 'amqp://u:p@h:5672/v');
  for (const bad of ['http://h', 'not a url', 'amqp:nohost']) {
    assert.throws(
      () => readAmqpUrl({ AMQP_URL: bad }),
      (err: unknown) => err instanceof ConfigError && err.variable === 'AMQP_URL',
    );
  }
  assert.throws(
    () => readAmqpUrl({ AMQP_URL: 'http://u:secret@h' }),
    (err: Error) => {
      return !err.message.includes('secret');
    },
  );
});

test('the connect URL gains a heartbeat unless AMQP_URL sets one', () => {
  assert.match(amqpConnectUrl('amqp://h/v'), /heartbeat=10/);
  assert.match(amqpConnectUrl('amqp://h/v?heartbeat=3'), /heartbeat=3$/);
});

test('reconnect delays grow, stay within the cap and are never immediate', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 5000 };
  assert.equal(
    reconnectDelayMs(0, options, () => 0),
    50,
  );
  assert.equal(
    reconnectDelayMs(0, options, () => 1),
    100,
  );
  assert.equal(
    reconnectDelayMs(3, options, () => 1),
    800,
  );
  assert.equal(
    reconnectDelayMs(50, options, () => 1),
    5000,
  );
  assert.equal(
    reconnectDelayMs(50, options, () => 0),
    2500,
  );
});

async function poll<T>(get: () => Promise<T | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value !== false) return value;
    if (Date.now() > deadline) assert.fail(`nothing arrived within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
