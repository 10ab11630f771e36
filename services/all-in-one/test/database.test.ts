// The embedded database as the all-in-one process starts it: PGlite works on a worker thread, so
// a long write leaves the main thread (the Battlesnake API's event loop) free; the DATA_DIR lock
// is held until PGlite has closed, and what was written is there at the next start. One PGlite
// for the file (creating it takes from 2 s on an idle machine to 40 s on a busy one).
import assert from 'node:assert/strict';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from '@snakepit/common';
import {
  DATABASE_THREAD_NICE,
  startEmbeddedDatabase,
  workerExecArgv,
  type EmbeddedDatabase,
} from '../src/embedded/database.ts';
import { withClient } from '../../../test/all-in-one/harness.ts';

const logger = createLogger('database-test', 'silent');
let dataDir: string;
let db: EmbeddedDatabase | undefined;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'snakepit-embedded-'));
  db = await startEmbeddedDatabase({ dataDir, logger });
});

after(async () => {
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('a long write on the embedded database does not stall the main event loop', async () => {
  const { url } = db as EmbeddedDatabase;
  await withClient(url, async (client) => {
    await client.query('CREATE TABLE bulk (k integer PRIMARY KEY, v text NOT NULL)');
    // The longest gap between ticks of a 5 ms timer. (monitorEventLoopDelay is no help here:
    // measured, its max stayed 0 through a one-second block of the loop.)
    let lastTick = performance.now();
    let stallMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      stallMs = Math.max(stallMs, now - lastTick);
      lastTick = now;
    }, 5);
    const started = performance.now();
    // One statement: PGlite runs it in one synchronous call, wherever that call is made.
    await client.query(
      `INSERT INTO bulk SELECT g, repeat('x', 200) FROM generate_series(1, 300000) g`,
    );
    const writeMs = performance.now() - started;
    clearInterval(ticker);

    // The write must be long enough to prove anything; on the main thread the loop would stall
    // for about all of it. The margins are wide so a busy machine does not fail the test.
    assert.ok(writeMs > 300, `the write took only ${writeMs.toFixed(0)} ms; make it larger`);
    assert.ok(
      stallMs < 100,
      `the event loop stalled ${stallMs.toFixed(0)} ms during a ${writeMs.toFixed(0)} ms write`,
    );
  });
});

/** The nice value of every thread of this process, by thread id (Linux /proc). */
async function threadNiceValues(): Promise<Map<number, number>> {
  const tids = (await readdir('/proc/self/task')).map(Number);
  const values = await Promise.all(
    tids.map(async (tid) => {
      const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state is field 3, nice field 19.
      return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] as const;
    }),
  );
  return new Map(values);
}

test('the database thread runs at a lower priority than the API thread', async (t) => {
  if (process.platform !== 'linux') return t.skip('thread priorities are read from Linux /proc');
  const nice = await threadNiceValues();
  const main = nice.get(process.pid) as number;
  const lowered = Math.min(19, main + DATABASE_THREAD_NICE);
  if (lowered === main) return t.skip('the tests already run at the lowest priority');
  nice.delete(process.pid);
  assert.equal([...nice.values()].filter((n) => n === lowered).length, 1);
});

test('the thread gets the module conditions, not the telemetry preload nor V8 flags', () => {
  // What the root `npm start` runs with; Node refuses V8 flags in a worker's execArgv.
  const npmStart = [
    '--conditions=source',
    '--optimize-for-size',
    '--import',
    '@snakepit/common/telemetry/register',
  ];
  assert.deepEqual(workerExecArgv(npmStart), ['--conditions=source']);
  assert.deepEqual(
    workerExecArgv(['-C', 'source', '--import=./register.js', '--conditions', 'x']),
    ['-C', 'source', '--conditions', 'x'],
  );
  assert.deepEqual(workerExecArgv(['--max-semi-space-size=2']), []);
});

test('close releases DATA_DIR only after PGlite closed, and the next start finds the rows', async () => {
  const pidFile = path.join(dataDir, 'all-in-one.pid');
  await access(pidFile);
  await (db as EmbeddedDatabase).close();
  db = undefined;
  await assert.rejects(access(pidFile), { code: 'ENOENT' });

  db = await startEmbeddedDatabase({ dataDir, logger });
  assert.equal(db.created, false);
  const n = await withClient(db.url, async (client) => {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM bulk');
    return Number(rows[0]?.n);
  });
  assert.equal(n, 300_000);
});
