import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Spool } from '../src/pipeline/spool.ts';

test('replay hands out records while appends keep the disk writer busy', async (t) => {
  // A disk whose fdatasync takes 5 ms (network block storage): the writer never goes idle
  // while records keep coming. The only way to get a slow fsync on demand.
  const probe = await open(import.meta.filename, 'r');
  const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
  await probe.close();
  const datasync = proto.datasync;
  proto.datasync = async function (this: unknown) {
    await datasync.call(this);
    await sleep(5);
  };
  t.after(() => {
    proto.datasync = datasync;
  });

  const dir = await mkdtemp(path.join(tmpdir(), 'spool-load-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const spool = await Spool.open({ dir, maxBytes: 1 << 30 });
  let n = 0;
  const append = () => spool.append({ id: `turn-${n++}`, headers: {}, bytes: Buffer.alloc(200) });
  for (let i = 0; i < 100; i++) append();
  const load = setInterval(() => {
    for (let i = 0; i < 5; i++) append();
  }, 1);

  try {
    const taken = await Promise.race([spool.take(50), sleep(2000).then(() => 'stalled' as const)]);
    assert.notEqual(taken, 'stalled');
    assert.equal(taken.length, 50);
  } finally {
    clearInterval(load);
    await spool.close();
  }
});
