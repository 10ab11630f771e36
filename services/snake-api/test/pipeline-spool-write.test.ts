import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Spool, type SpoolRecord } from '../src/pipeline/spool.ts';

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
