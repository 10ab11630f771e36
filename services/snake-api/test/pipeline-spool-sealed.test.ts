import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Spool } from '../src/pipeline/spool.ts';

test('does not delete a sealed segment before its queued records are written', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spool-sealed-'));
  try {
    // 2.7 KiB records in 64 KiB segments: the burst seals segments while their records queue.
    const spool = await Spool.open({ dir, maxBytes: 1 << 30, segmentMaxBytes: 64 * 1024 });
    const ids = Array.from({ length: 60 }, (_, n) => `turn-${n}`);
    for (const id of ids) spool.append({ id, headers: {}, bytes: Buffer.alloc(2700, 'x') });

    const replayed: string[] = [];
    for (let batch = await spool.take(500); batch.length > 0; batch = await spool.take(500)) {
      for (const r of batch) {
        replayed.push(r.id);
        await spool.confirm(r);
      }
    }
    await spool.close();

    assert.deepEqual(replayed, ids);
    assert.equal(spool.depth, 0);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
