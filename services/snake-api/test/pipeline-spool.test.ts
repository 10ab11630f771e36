import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Spool, type SpoolRecord } from '../src/pipeline/spool.ts';

function record(n: number): SpoolRecord {
  return { id: `turn-${n}`, headers: { traceparent: `tp-${n}` }, bytes: Buffer.from(`{"n":${n}}`) };
}

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spool-test-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function drain(spool: Spool): Promise<string[]> {
  const ids: string[] = [];
  for (let batch = await spool.take(7); batch.length > 0; batch = await spool.take(7)) {
    for (const r of batch) {
      ids.push(r.id);
      await spool.confirm(r);
    }
  }
  return ids;
}

const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `turn-${from + i}`);

test('replays records in append order across segments and deletes every confirmed segment', async () => {
  await withDir(async (dir) => {
    const spool = await Spool.open({ dir, maxBytes: 1e6, segmentMaxBytes: 200 });
    for (let n = 0; n < 50; n++) assert.ok(spool.append(record(n)));
    assert.equal(spool.depth, 50);
    await spool.flush();
    assert.ok((await readdir(dir)).length > 3, 'small segments roll over');

    assert.deepEqual(await drain(spool), ids(0, 50));
    assert.equal(spool.depth, 0);
    assert.deepEqual(await readdir(dir), []);
    await spool.close();
  });
});

test('appends made while replay runs come out after the older records', async () => {
  await withDir(async (dir) => {
    const spool = await Spool.open({ dir, maxBytes: 1e6 });
    for (let n = 0; n < 5; n++) spool.append(record(n));
    const first = await spool.take(3);
    for (let n = 5; n < 8; n++) spool.append(record(n));
    for (const r of first) await spool.confirm(r);
    assert.deepEqual([...first.map((r) => r.id), ...(await drain(spool))], ids(0, 8));
    await spool.close();
  });
});

test('records and their headers survive a restart and replay from disk', async () => {
  await withDir(async (dir) => {
    const before = await Spool.open({ dir, maxBytes: 1e6 });
    for (let n = 0; n < 10; n++) before.append(record(n));
    await before.close();
    assert.equal(before.append(record(99)), false, 'a closed spool takes nothing');

    const after = await Spool.open({ dir, maxBytes: 1e6 });
    assert.equal(after.depth, 10);
    const [first] = await after.take(1);
    assert.deepEqual(first && { ...first, segment: 0, offset: 0 }, {
      ...record(0),
      segment: 0,
      offset: 0,
    });
    after.rewind();
    assert.deepEqual(await drain(after), ids(0, 10));
    await after.close();
  });
});

test('a torn record at the tail is skipped and the records before it replay', async () => {
  await withDir(async (dir) => {
    const torn: string[] = [];
    const before = await Spool.open({ dir, maxBytes: 1e6 });
    for (let n = 0; n < 3; n++) before.append(record(n));
    await before.close();
    const [file] = await readdir(dir);
    await appendFile(path.join(dir, file!), Buffer.from([0, 0, 0, 40, 1, 2, 3, 4, 5]));

    const after = await Spool.open({ dir, maxBytes: 1e6 }, { onTornSegment: (f) => torn.push(f) });
    assert.deepEqual(await drain(after), ids(0, 3));
    assert.equal(torn.length, 1);
    assert.deepEqual(await readdir(dir), []);
    await after.close();
  });
});

test('a full spool refuses appends instead of growing past its limit', async () => {
  await withDir(async (dir) => {
    const spool = await Spool.open({ dir, maxBytes: 300 });
    const accepted = Array.from({ length: 20 }, (_, n) => spool.append(record(n)));
    const kept = accepted.filter(Boolean).length;
    assert.ok(kept > 0 && kept < 20);
    assert.ok(spool.bytes <= 300);
    assert.deepEqual(await drain(spool), ids(0, kept));
    assert.ok(spool.append(record(100)), 'space is back once records are confirmed');
    await spool.close();
  });
});

test('rewind hands out again only the records that were not confirmed', async () => {
  await withDir(async (dir) => {
    const spool = await Spool.open({ dir, maxBytes: 1e6 });
    for (let n = 0; n < 6; n++) spool.append(record(n));
    const batch = await spool.take(6);
    for (const r of batch.filter((_, i) => i % 2 === 0)) await spool.confirm(r);
    spool.rewind();
    assert.deepEqual(await drain(spool), ['turn-1', 'turn-3', 'turn-5']);
    await spool.close();
  });
});
