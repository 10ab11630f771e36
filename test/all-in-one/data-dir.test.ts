// Starting the all-in-one process on a DATA_DIR it must not use: it exits with one line that
// names the folder and says what to do, and leaves every file as it was.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT } from '../helpers/processes.ts';
import { ENTRY } from './harness.ts';

let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'snakepit-aio-dd-'));
  await chmod(root, 0o755);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the process to its exit; `asNobody` drops root's right to write anywhere. */
async function runOn(
  dataDir: string,
  asNobody = false,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--conditions=source', ENTRY], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      ADMIN_PORT: '0',
      AMQP_URL: '',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

/** Every file under `dir` with its size and SHA-256, to prove nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile()) {
      result[path.relative(dir, file)] = 'dir';
      continue;
    }
    const bytes = await readFile(file);
    result[path.relative(dir, file)] = createHash('sha256').update(bytes).digest('hex');
  }
  return result;
}

/** A folder that looks like a PostgreSQL 18 data folder with a destroyed pg_control. */
async function damagedDatabase(dataDir: string): Promise<void> {
  const pgdata = path.join(dataDir, 'pgdata');
  for (const sub of ['global', 'base/1', 'pg_wal'])
    await mkdir(path.join(pgdata, sub), { recursive: true });
  await writeFile(path.join(pgdata, 'PG_VERSION'), '18\n');
  await writeFile(path.join(pgdata, 'global/pg_control'), Buffer.alloc(8192, 0x5a));
  await writeFile(path.join(pgdata, 'base/1/1259'), Buffer.alloc(8192, 0x33));
}

test('a DATA_DIR this user cannot write stops the start with a clear message and is left alone', async () => {
  const dataDir = path.join(root, 'read-only');
  await mkdir(dataDir);
  await writeFile(path.join(dataDir, 'games-backup.txt'), 'precious');
  // root writes anywhere, so then the process runs as nobody (when nobody can read this clone);
  // anyone else gets a read-only folder.
  const asRoot = process.getuid?.() === 0;
  const asNobody = asRoot && (await nobodyCanRun());
  if (!asRoot) await chmod(dataDir, 0o555);
  // A root that cannot switch users gets a folder the kernel refuses even to root.
  const target = asRoot && !asNobody ? '/proc/1' : dataDir;
  const before = await snapshot(dataDir);

  const { code, output } = await runOn(target, asNobody);

  assert.equal(code, 1, output);
  assert.match(
    output,
    new RegExp(
      `DATA_DIR ${target} is not writable \\((EACCES|EPERM)\\); point DATA_DIR at a folder`,
    ),
  );
  assert.deepEqual(await snapshot(dataDir), before);
});

/** Whether user nobody can read the entry file of this clone (a clone under /root cannot). */
async function nobodyCanRun(): Promise<boolean> {
  const child = spawn(
    process.execPath,
    ['-e', `require('fs').accessSync(${JSON.stringify(path.join(REPO_ROOT, ENTRY))})`],
    {
      uid: 65534,
      gid: 65534,
      stdio: 'ignore',
    },
  );
  const [code] = (await once(child, 'close').catch(() => [1])) as [number | null];
  return code === 0;
}

test('a DATA_DIR that is a file is refused as not a folder', async () => {
  const file = path.join(root, 'a-file');
  await writeFile(file, 'x');

  const { code, output } = await runOn(file);

  assert.equal(code, 1, output);
  assert.match(output, /DATA_DIR .*a-file is not a folder/);
  assert.equal(await readFile(file, 'utf8'), 'x');
});

test('a pgdata folder without PG_VERSION is refused, not initialised over', async () => {
  const dataDir = path.join(root, 'not-a-database');
  await mkdir(path.join(dataDir, 'pgdata'), { recursive: true });
  await writeFile(path.join(dataDir, 'pgdata', 'notes.txt'), 'mine');
  const before = await snapshot(dataDir);

  const { code, output } = await runOn(dataDir);

  assert.equal(code, 1, output);
  assert.match(
    output,
    /has a pgdata folder that is not a database \(no PG_VERSION\); move that folder aside/,
  );
  assert.deepEqual(await snapshot(dataDir), before);
});

test('a database of another PostgreSQL version is refused with the versions named', async () => {
  const dataDir = path.join(root, 'old-version');
  await damagedDatabase(dataDir);
  await writeFile(path.join(dataDir, 'pgdata', 'PG_VERSION'), '16\n');

  const { code, output } = await runOn(dataDir);

  assert.equal(code, 1, output);
  assert.match(output, /holds a PostgreSQL 16 database, this build runs 18/);
});

test('a corrupt database fails the start with a clear message and every file unchanged', async () => {
  const dataDir = path.join(root, 'corrupt');
  await damagedDatabase(dataDir);
  const before = await snapshot(dataDir);

  const { code, output } = await runOn(dataDir);

  assert.equal(code, 1, output);
  assert.match(output, /has a database PGlite could not open .*; it was left as it was/);
  assert.deepEqual(await snapshot(dataDir), before);
  assert.ok((await stat(path.join(dataDir, 'pgdata'))).isDirectory());
});
