import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createPipelineMetrics } from '../src/pipeline/metrics.ts';
import { TurnPublisher } from '../src/pipeline/publisher.ts';
import { Spool, type SpoolRecord } from '../src/pipeline/spool.ts';
import type { TurnTransport } from '../src/pipeline/transport.ts';
import { turnRecord } from './pipeline-fixtures.ts';

const record = (id: string): SpoolRecord => ({ id, headers: {}, bytes: Buffer.from(id) });

async function until(done: () => boolean): Promise<void> {
  for (let waitedMs = 0; !done(); waitedMs += 10) {
    assert.ok(waitedMs < 5000, 'timed out');
    await sleep(10);
  }
}

test('keeps records whose disk write failed and writes them once the disk has room', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spool-write-'));
  try {
    const spool = await Spool.open({ dir, maxBytes: 1e6 });
    // The first segment is /dev/full: every write to it fails with ENOSPC.
    const first = path.join(dir, 'turns-0000000000000000.spool');
    await symlink('/dev/full', first);
    assert.ok(spool.append(record('a')));
    await until(() => spool.writeError !== undefined);
    assert.equal(spool.append(record('b')), false, 'refused while the disk fails');

    await unlink(first);
    await spool.flush();
    assert.equal(spool.writeError, undefined);
    assert.ok(spool.append(record('c')));

    const taken = await spool.take(10);
    assert.deepEqual(
      taken.map((r) => r.id),
      ['a', 'c'],
    );
    for (const r of taken) await spool.confirm(r);
    await spool.close();
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the publisher counts turns refused by a failing disk as spool_error and warns once', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spool-write-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const spool = await Spool.open({ dir, maxBytes: 1e6 });
  await symlink('/dev/full', path.join(dir, 'turns-0000000000000000.spool'));
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
  const registry = new Registry();
  const metrics = createPipelineMetrics(registry, {
    spoolDepth: () => spool.depth,
    spoolBytes: () => spool.bytes,
    brokerConnected: () => false,
  });
  const transport: TurnTransport = {
    ready: false,
    publish: () => Promise.reject(new Error('broker away')),
    onReadyChange: () => undefined,
    close: () => Promise.resolve(),
  };
  const publisher = new TurnPublisher({ transport, spool, metrics, logger, bufferMax: 10 });

  publisher.accept(turnRecord(0));
  await until(() => spool.writeError !== undefined);
  for (let n = 1; n <= 3; n++) publisher.accept(turnRecord(n));
  await sleep(10);

  const dropped = await metrics.dropped.get();
  assert.deepEqual(
    dropped.values.filter((v) => v.value > 0).map((v) => [v.labels.reason, v.value]),
    [['spool_error', 3]],
  );
  assert.equal(lines.filter((l) => l.includes('spool cannot write to disk')).length, 1);
  await unlink(path.join(dir, 'turns-0000000000000000.spool'));
  await publisher.close(100);
});
