// PERSIST_MODE=sync: each turn is written to PostgreSQL inside its request, the slow design kept
// for comparison (see `npm run bench persist-modes`). It reuses turn-persister's store, so the
// rows are exactly those the async path produces: one transaction per turn, ON CONFLICT DO
// NOTHING on the message id, the games row kept up to date.
import type pg from 'pg';
import { toTurnMessage, type TurnRecord, type TurnSink } from '@snakepit/common';
import { createDatabasePool, storeTurns, turnRow } from '@snakepit/turn-persister/store';

/** A sink whose `accept` resolves once the turn is committed (or rejects; the caller logs it). */
export interface SyncWriter extends TurnSink {
  accept(record: TurnRecord): Promise<void>;
  close(): Promise<void>;
}

/** Pool size for sync mode: concurrent requests beyond it queue for a connection. */
const SYNC_POOL_SIZE = 10;

/** Connects lazily: the first turn opens the pool's first connection. */
export function createSyncWriter(databaseUrl: string): SyncWriter {
  const pool: pg.Pool = createDatabasePool(databaseUrl, SYNC_POOL_SIZE);
  // An idle connection dropped by the server (a restart): the pool replaces it on next use.
  pool.on('error', () => undefined);
  return {
    accept: async (record) => {
      await storeTurns(pool, [turnRow(toTurnMessage(record))]);
    },
    close: () => pool.end(),
  };
}
