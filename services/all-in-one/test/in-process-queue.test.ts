// The in-process queue and its TurnTransport: bounded, broker-like deliveries, acks that free
// room, and what is handed back at shutdown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Delivery } from '@snakepit/turn-persister/batcher';
import { PublishNackedError } from '@snakepit/snake-api/pipeline/transport';
import { InProcessQueue } from '../src/queue/in-process-queue.ts';
import { InProcessTransport } from '../src/queue/in-process-transport.ts';

function queue(capacity: number, prefetch: number, deadLetters: string[] = []): InProcessQueue {
  return new InProcessQueue({
    capacity,
    prefetch,
    deadLetter: (body, reason) => {
      deadLetters.push(`${body.toString()}:${reason}`);
      return Promise.resolve();
    },
  });
}

const msg = (id: string) => ({ id, body: Buffer.from(id) });

test('refuses an offer once waiting plus unacked messages reach the capacity', () => {
  const q = queue(2, 1);
  const delivered: Delivery[] = [];
  q.consume((d) => delivered.push(d));

  assert.equal(q.offer(msg('a')), true);
  assert.equal(q.offer(msg('b')), true);
  assert.equal(q.offer(msg('c')), false);
  assert.equal(delivered.length, 1, 'prefetch 1: one in hand, one waiting');

  delivered[0]?.ack();
  assert.equal(q.offer(msg('c')), true, 'the ack freed one place');
  assert.equal(q.depth, 2);
});

test('keeps at most prefetch deliveries unacked, in order, and an ack lets the next one through', () => {
  const q = queue(10, 2);
  const delivered: Delivery[] = [];
  for (const id of ['a', 'b', 'c']) q.offer(msg(id));
  q.consume((d) => delivered.push(d));

  assert.deepEqual(
    delivered.map((d) => d.body.toString()),
    ['a', 'b'],
  );
  delivered[1]?.ack();
  delivered[1]?.ack();
  assert.deepEqual(
    delivered.map((d) => d.body.toString()),
    ['a', 'b', 'c'],
  );
  assert.equal(q.unacked, 2, 'a second ack of the same delivery changes nothing');
});

test('runs the onAck of a message only when the consumer acks it', () => {
  const q = queue(10, 10);
  const acked: string[] = [];
  const delivered: Delivery[] = [];
  q.offer(msg('a'), () => acked.push('a'));
  q.consume((d) => delivered.push(d));

  assert.deepEqual(acked, []);
  delivered[0]?.ack();
  assert.deepEqual(acked, ['a']);
});

test('dead-lettering hands the body and the reason to the dead-letter store', async () => {
  const deadLetters: string[] = [];
  const q = queue(10, 10, deadLetters);
  const delivered: Delivery[] = [];
  q.offer(msg('poison'));
  q.consume((d) => delivered.push(d));

  await delivered[0]?.deadLetter('invalid_message: not JSON');
  assert.deepEqual(deadLetters, ['poison:invalid_message: not JSON']);
});

test('at shutdown hands back unacked then waiting messages, without those kept on disk', () => {
  const q = queue(10, 2);
  const delivered: Delivery[] = [];
  q.offer(msg('a'));
  q.offer(msg('spooled'), undefined, true);
  q.offer(msg('c'));
  q.offer(msg('d'));
  q.consume((d) => delivered.push(d));
  delivered[0]?.ack();
  q.stopConsuming();

  const left = q.takeRemaining().map((m) => m.id);

  assert.deepEqual(left, ['c', 'd'], 'a is stored, spooled is already on disk');
  assert.equal(q.depth, 0);
  delivered[1]?.ack();
  assert.equal(q.depth, 0, 'a late ack of a handed-back delivery is ignored');
});

test('the transport refuses a publish to a full queue with a negative confirm and reports ready again after an ack', async () => {
  const q = queue(1, 1);
  const transport = new InProcessTransport(q);
  const changes: boolean[] = [];
  transport.onReadyChange((ready) => changes.push(ready));
  const delivered: Delivery[] = [];
  q.consume((d) => delivered.push(d));

  await transport.publish({ id: 'a', bytes: Buffer.from('a'), headers: {} });
  assert.equal(transport.ready, false);
  await assert.rejects(
    transport.publish({ id: 'b', bytes: Buffer.from('b'), headers: {} }),
    PublishNackedError,
  );

  delivered[0]?.ack();
  assert.equal(transport.ready, true);
  assert.deepEqual(changes, [false, true]);
});
