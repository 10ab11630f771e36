import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Spool } from '../src/pipeline/spool.ts';

test('keeps a segment it cannot read and replays it once reading works again', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spool-read-'));
  try {
    const before = await Spool.open({ dir, maxBytes: 1e6 });
    for (let n = 0; n < 5; n++)
      before.append({ id: `turn-${n}`, headers: {}, bytes: Buffer.from(`${n}`) });
    await before.close();
    const after = await Spool.open({ dir, maxBytes: 1e6 });
    const [name] = await readdir(dir);
    const file = path.join(dir, name!);

    // A directory in the segment's place fails the read with EISDIR, as EMFILE or EIO would.
    await rename(file, `${file}.away`);
    await mkdir(file);
    await assert.rejects(after.take(10), /cannot read segment/);
    assert.equal(after.depth, 5);

    await rmdir(file);
    await rename(`${file}.away`, file);
    after.rewind();
    const taken = await after.take(10);
    assert.deepEqual(
      taken.map((r) => r.id),
      ['turn-0', 'turn-1', 'turn-2', 'turn-3', 'turn-4'],
    );
    await after.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
