// The embedded database over its wire port, with `pg` and pg-copy-streams as turn-persister uses
// them: COPY FROM STDIN, transactions from several connections at once, and a client that
// vanishes mid transaction. One PGlite for the file (creating it takes 15 to 40 s).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createLogger } from '@snakepit/common';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/embedded/database.ts';

let dataDir: string;
let db: EmbeddedDatabase;
let pool: pg.Pool;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'snakepit-wire-'));
  db = await startEmbeddedDatabase({ dataDir, logger: createLogger('wire-test', 'silent') });
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await pool.query('CREATE TABLE items (k integer PRIMARY KEY, v jsonb NOT NULL)');
});

after(async () => {
  await pool.end();
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function count(where = 'true'): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM items WHERE ${where}`,
  );
  return Number(rows[0]?.n);
}

test('COPY FROM STDIN into a temporary table inside a transaction stores every row', async () => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE stage (k integer, v jsonb) ON COMMIT DROP');
    const text = Array.from({ length: 300 }, (_, i) => `${i}\t{"n":${i},"s":"a\\\\tb"}\n`).join('');
    await pipeline(Readable.from([text]), client.query(copyFrom('COPY stage (k, v) FROM STDIN')));
    await client.query('INSERT INTO items SELECT k, v FROM stage');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  assert.equal(await count('k < 300'), 300);
  const { rows } = await pool.query<{ s: string }>(`SELECT v->>'s' AS s FROM items WHERE k = 7`);
  assert.equal(rows[0]?.s, 'a\tb');
});

test('a COPY row the database refuses fails that statement and the connection stays usable', async () => {
  const client = await pool.connect();
  try {
    const copy = client.query(copyFrom('COPY items (k, v) FROM STDIN'));
    await assert.rejects(pipeline(Readable.from(['not-a-number\t{}\n']), copy), /invalid input/);
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(rows[0]?.one, 1);
  } finally {
    client.release();
  }
});

test('transactions from four connections at once each commit or roll back whole', async () => {
  await Promise.all(
    [0, 1, 2, 3].map(async (c) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (let i = 0; i < 5; i++) {
          await client.query('INSERT INTO items VALUES ($1, $2)', [1000 + c * 10 + i, { c }]);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        await client.query(c === 2 ? 'ROLLBACK' : 'COMMIT');
      } finally {
        client.release();
      }
    }),
  );
  assert.equal(await count('k BETWEEN 1000 AND 1039'), 15);
  assert.equal(await count(`v->>'c' = '2'`), 0);
});

test('a client that disconnects inside a transaction leaves nothing behind and blocks no one', async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  client.on('error', () => undefined);
  await client.query('BEGIN');
  await client.query('INSERT INTO items VALUES (5000, $1)', [{ gone: true }]);
  (
    client as unknown as { connection: { stream: { destroy(): void } } }
  ).connection.stream.destroy();

  assert.equal(await count('k = 5000'), 0);
  await pool.query('INSERT INTO items VALUES (5001, $1)', [{ after: true }]);
  assert.equal(await count('k = 5001'), 1);
});
