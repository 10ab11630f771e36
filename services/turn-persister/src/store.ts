// The database boundary: the connection pool, the batch insert, and the mapping from driver
// errors to the two things a caller must tell apart (this row is refused / the database is away).
//
// How a batch is written, chosen by measurement (`npm run bench persister`: ~2.7 KB random turns,
// 500-row batches, all variants in one run on a 2-core machine shared with other work, so read
// the ratios, not the rates): COPY into a temporary staging table, then one INSERT ... SELECT ...
// ON CONFLICT DO NOTHING and the games upkeep, stored 81% of what a plain COPY into an unindexed
// table did (717 vs 888 rows/s), and 19x the same path one turn per transaction. One json
// parameter expanded by json_to_recordset reached 61%, unnest() over a jsonb[] parameter 72% (the
// client escapes every quote of every request into an array literal). An earlier, quieter run
// also put the staging COPY first (80-90% of the ceiling), ahead of json_to_recordset, multi-row
// VALUES and unnest.
//
// COPY needs the CopyIn sub-protocol; the all-in-one process's PGlite wire adapter passes it
// through (services/all-in-one/src/embedded/wire.ts). Should another backend lack it, swap COPY
// for the json_to_recordset statement (plain SQL, next best) here, in this one place.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ConfigError, readUrl, TurnMessageError, type TurnMessage } from '@snakepit/common';
import { upsertGames } from './games.ts';

type Env = Readonly<Record<string, string | undefined>>;

const DATABASE_URL_EXAMPLE = 'postgres://user:pass@host:5432/dbname';

/** DATABASE_URL, postgres:// or postgresql://; throws ConfigError when unset or malformed. */
export function readDatabaseUrl(env: Env): string {
  const url = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], DATABASE_URL_EXAMPLE);
  if (url === undefined) throw new ConfigError('DATABASE_URL', 'is not set', DATABASE_URL_EXAMPLE);
  return url;
}

/**
 * A pool of `size` connections. Connecting gives up after 5 s and a statement after 30 s, so a
 * database that stops answering fails the batch (which is then retried) instead of hanging it.
 */
export function createDatabasePool(url: string, size: number): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: size,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 30_000,
    query_timeout: 35_000,
    keepAlive: true,
  });
}

/** One row of `turns`, ready to store. */
export interface TurnRow {
  messageId: string;
  gameId: string;
  snakeId: string;
  turn: number;
  kind: TurnMessage['kind'];
  strategy: string;
  path: string;
  /** The request body as JSON text. */
  requestJson: string;
  move: string | null;
  computeMs: number | null;
  /** An /end whose board no longer holds our snake. */
  dead: boolean;
  receivedAt: Date;
}

/** The row a decoded message becomes. */
export function turnRow(message: TurnMessage): TurnRow {
  const body = message.body;
  // The message schema checks only that the board is an object: read its snakes defensively.
  const snakes: unknown = body.board.snakes;
  const onBoard =
    Array.isArray(snakes) && snakes.some((s: { id?: unknown }) => s?.id === body.you.id);
  const receivedAt = new Date(message.receivedAt);
  if (Number.isNaN(receivedAt.getTime())) {
    throw new TurnMessageError('receivedAt', `is not a date (${message.receivedAt})`);
  }
  return {
    messageId: message.id,
    gameId: message.gameId,
    snakeId: message.snakeId,
    turn: message.turn,
    kind: message.kind,
    strategy: message.strategy,
    path: message.path,
    requestJson: JSON.stringify(body),
    move: message.move,
    computeMs: message.computeMs,
    dead: message.kind === 'end' && !onBoard,
    receivedAt,
  };
}

/** The database refused a row's data (SQLSTATE class 22 or 23): retrying will not help. */
export class TurnRejectedError extends Error {
  override readonly name = 'TurnRejectedError';
  /** The SQLSTATE, for example 22003 (numeric value out of range). */
  readonly code: string;

  constructor(code: string, cause: unknown) {
    super(`the database refused a turn (SQLSTATE ${code}): ${(cause as Error).message}`, { cause });
    this.code = code;
  }
}

/**
 * Any other failure: the database is away, overloaded, or not as this service expects. Retry
 * with backoff. `needsOperator` marks what will not heal by itself (missing table, permission,
 * wrong password): the caller still retries, but logs it as an error.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  readonly needsOperator: boolean;

  constructor(cause: unknown) {
    const code = sqlState(cause);
    super(`database unavailable${code ? ` (SQLSTATE ${code})` : ''}: ${(cause as Error).message}`, {
      cause,
    });
    this.needsOperator = code !== undefined && OPERATOR_CLASSES.has(code.slice(0, 2));
  }
}

// Which failures are final, in one place. Class 22 (data exception), 23 (integrity) and 54
// (program limit exceeded: a key too large for its btree index) come from the row itself. 28 (authentication), 3D (no such database) and 42 (missing table or column,
// permission) need a person. Everything else, connection errors included, is a fault that passes.
const ROW_CLASSES = new Set(['22', '23', '54']);
const OPERATOR_CLASSES = new Set(['28', '3D', '42']);

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Maps a driver error to TurnRejectedError or DatabaseUnavailableError. */
export function toStoreError(err: unknown): TurnRejectedError | DatabaseUnavailableError {
  const code = sqlState(err);
  if (code && ROW_CLASSES.has(code.slice(0, 2))) return new TurnRejectedError(code, err);
  return new DatabaseUnavailableError(err);
}

/** What one batch write did. */
export interface StoreResult {
  /** Rows new to `turns`. */
  stored: number;
  /** Rows whose message id was already stored (redeliveries), skipped. */
  duplicates: number;
  /** When each newly stored turn was received, for the lag histogram. */
  storedReceivedAt: Date[];
}

const STAGING_TABLE = `
  CREATE TEMPORARY TABLE IF NOT EXISTS turns_staging (
    message_id text, game_id text, snake_id text, turn integer, kind text, strategy text,
    path text, request jsonb, move text, compute_ms double precision, dead boolean,
    received_at timestamptz
  ) ON COMMIT DELETE ROWS`;

const COPY_INTO_STAGING = `
  COPY turns_staging (message_id, game_id, snake_id, turn, kind, strategy, path, request, move,
                      compute_ms, dead, received_at)
  FROM STDIN`;

const INSERT_FROM_STAGING = `
  INSERT INTO turns (message_id, game_id, snake_id, turn, kind, strategy, path, request, move,
                     compute_ms, dead, received_at)
  SELECT message_id, game_id, snake_id, turn, kind, strategy, path, request, move,
         compute_ms, dead, received_at
  FROM turns_staging
  ON CONFLICT (message_id) DO NOTHING
  RETURNING received_at`;

/**
 * Writes `rows` and brings their games rows up to date, in one transaction: all of it or none.
 * Rows already stored (same message id) are skipped and counted as duplicates. Throws
 * TurnRejectedError or DatabaseUnavailableError; the transaction is then rolled back.
 */
export async function storeTurns(pool: pg.Pool, rows: readonly TurnRow[]): Promise<StoreResult> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw toStoreError(err);
  }
  let broken = false;
  try {
    return await inTransaction(client, rows);
  } catch (err) {
    broken = true;
    throw toStoreError(err);
  } finally {
    // A client that failed mid-protocol may be unusable; pass the error so the pool drops it.
    client.release(broken);
  }
}

async function inTransaction(
  client: pg.PoolClient,
  rows: readonly TurnRow[],
): Promise<StoreResult> {
  await client.query('BEGIN');
  try {
    await client.query(STAGING_TABLE);
    await pipeline(Readable.from([copyText(rows)]), client.query(copyFrom(COPY_INTO_STAGING)));
    const inserted = await client.query<{ received_at: Date }>(INSERT_FROM_STAGING);
    await upsertGames(client);
    await client.query('COMMIT');
    const stored = inserted.rows.length;
    return {
      stored,
      duplicates: rows.length - stored,
      storedReceivedAt: inserted.rows.map((r) => r.received_at),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The rows in COPY's text format: tab-separated, \N for NULL, backslash escapes. */
export function copyText(rows: readonly TurnRow[]): string {
  let text = '';
  for (const r of rows) {
    text +=
      [
        copyField(r.messageId),
        copyField(r.gameId),
        copyField(r.snakeId),
        String(r.turn),
        r.kind,
        copyField(r.strategy),
        copyField(r.path),
        copyField(r.requestJson),
        r.move === null ? '\\N' : copyField(r.move),
        r.computeMs === null ? '\\N' : String(r.computeMs),
        r.dead ? 't' : 'f',
        r.receivedAt.toISOString(),
      ].join('\t') + '\n';
  }
  return text;
}

const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

function copyField(value: string): string {
  return value.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c] ?? c);
}
