// replay-dead-letters: the in-process queue's dead letters go back into the disk spool (which the
// next start replays), the file is kept under a new name, and a running process, a damaged file
// or a spool that refuses leave everything as it was.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { Spool } from '@snakepit/snake-api/pipeline/spool';
import { DEAD_LETTERS_FILE, fileDeadLetters } from '../src/queue/dead-letters.ts';
import { replayDeadLetters, ReplayError } from '../src/replay-dead-letters.ts';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'snakepit-replay-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** The bodies the spool in `dir` holds, in replay order. */
async function spooled(dir: string): Promise<string[]> {
  const spool = await Spool.open({ dir, maxBytes: 1 << 20 });
  try {
    const bodies: string[] = [];
    for (let batch = await spool.take(100); batch.length > 0; batch = await spool.take(100)) {
      for (const record of batch) bodies.push(record.bytes.toString());
    }
    return bodies;
  } finally {
    await spool.close();
  }
}

test('moves every dead letter into the spool, in order, and keeps the file under a new name', async () => {
  const deadLetter = fileDeadLetters(dataDir);
  await deadLetter(Buffer.from('{"turn":1}'), 'rejected_by_database: value too long');
  await deadLetter(Buffer.from([0xff, 0x00, 0x7b]), 'invalid_message: not JSON');

  const report = await replayDeadLetters(dataDir);

  assert.equal(report.replayed, 2);
  assert.deepEqual(await spooled(path.join(dataDir, 'spool')), [
    '{"turn":1}',
    Buffer.from([0xff, 0x00, 0x7b]).toString(),
  ]);
  const files = await readdir(dataDir);
  assert.ok(!files.includes(DEAD_LETTERS_FILE), 'the replayed file is moved away');
  assert.ok(report.renamedTo && files.includes(path.basename(report.renamedTo)));
  assert.match(await readFile(report.renamedTo, 'utf8'), /value too long/);
  assert.ok(!files.includes('all-in-one.pid'), 'the data folder lock is released');
});

test('with no dead letters does nothing', async () => {
  assert.deepEqual(await replayDeadLetters(dataDir), { replayed: 0, renamedTo: undefined });
  assert.deepEqual(await readdir(dataDir), []);
});

test('ignores a last line cut short by a crash', async () => {
  await fileDeadLetters(dataDir)(Buffer.from('whole'), 'invalid_message: x');
  await writeFile(path.join(dataDir, DEAD_LETTERS_FILE), '{"at":"2026', { flag: 'a' });
  assert.equal((await replayDeadLetters(dataDir)).replayed, 1);
  assert.deepEqual(await spooled(path.join(dataDir, 'spool')), ['whole']);
});

test('refuses a damaged file, naming the line, and moves nothing', async () => {
  await fileDeadLetters(dataDir)(Buffer.from('good'), 'invalid_message: x');
  await writeFile(path.join(dataDir, DEAD_LETTERS_FILE), 'not json\n', { flag: 'a' });
  await assert.rejects(replayDeadLetters(dataDir), (err: Error) => {
    assert.ok(err instanceof ReplayError);
    assert.match(err.message, /line 2 is not a dead letter/);
    return true;
  });
  assert.deepEqual(await readdir(dataDir), [DEAD_LETTERS_FILE]);
});

test('refuses while an all-in-one process holds the data folder', async () => {
  await fileDeadLetters(dataDir)(Buffer.from('good'), 'invalid_message: x');
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  await once(holder, 'spawn');
  try {
    await writeFile(path.join(dataDir, 'all-in-one.pid'), String(holder.pid));
    await assert.rejects(replayDeadLetters(dataDir), /is in use by process/);
    assert.deepEqual((await readdir(dataDir)).sort(), ['all-in-one.pid', DEAD_LETTERS_FILE]);
  } finally {
    holder.kill('SIGKILL');
  }
});

test('leaves the file as it was when the spool cannot be written', async () => {
  await fileDeadLetters(dataDir)(Buffer.from('good'), 'invalid_message: x');
  const before = await readFile(path.join(dataDir, DEAD_LETTERS_FILE), 'utf8');
  // A file where the spool folder should be: the spool cannot open, whoever runs the test.
  await writeFile(path.join(dataDir, 'spool'), 'in the way');
  await assert.rejects(replayDeadLetters(dataDir));
  assert.equal(await readFile(path.join(dataDir, DEAD_LETTERS_FILE), 'utf8'), before);
  assert.ok(!(await readdir(dataDir)).includes('all-in-one.pid'), 'the lock is released');
});
