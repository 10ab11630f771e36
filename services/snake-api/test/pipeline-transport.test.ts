// The AMQP transport against a real RabbitMQ, in a vhost of this file's own: what it reports for
// a turn the broker cannot route.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { createLogger, declareTopology, encodeTurnMessage } from '@snakepit/common';
import { createVhost, type TestVhost } from '../../../test/helpers/pipeline-processes.ts';
import { AmqpTransport } from '../src/pipeline/amqp-transport.ts';
import { PublishReturnedError } from '../src/pipeline/transport.ts';
import { eventually, freshTopology, turnRecord } from './pipeline-fixtures.ts';

let vhost: TestVhost;

before(async () => {
  vhost = await createVhost('pipeline-transport');
});

after(() => vhost.remove());

test('a turn published while no queue is bound is reported as not delivered', async () => {
  const topology = freshTopology();
  const transport = new AmqpTransport({
    url: vhost.url(),
    topology,
    logger: createLogger('pipeline-test', 'silent'),
    backoff: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  const admin = await amqp.connect(vhost.url());
  try {
    transport.start();
    await eventually('connected', () => transport.ready);
    const channel = await admin.createChannel();
    await channel.deleteQueue(topology.queue);

    const { id, bytes } = encodeTurnMessage(turnRecord(1, 'unroutable'));
    await assert.rejects(transport.publish({ id, bytes, headers: {} }), PublishReturnedError);

    await declareTopology(channel, topology);
    await transport.publish({ id, bytes, headers: {} });
    assert.equal((await channel.checkQueue(topology.queue)).messageCount, 1);
  } finally {
    await admin.close();
    await transport.close();
  }
});
