// The embedded database's own thread: PGlite and the wire server in front of it. PGlite runs each
// request synchronously on the thread that calls it, so on the main thread every batch insert
// held up the Battlesnake API's event loop (and a search's time budget) for as long as it took.
// Here it holds up only this thread; the main thread reaches the database over TCP, as it would
// reach any PostgreSQL server. startEmbeddedDatabase (database.ts) is the only one to start it.
//
// The conversation with the main thread:
// - this thread posts { type: 'ready', port } once the wire port listens, or { type: 'failed' }
//   with the stage and the error when PGlite cannot open the database or the port cannot be bound;
// - on { type: 'close' } it closes the wire server, then PGlite (which writes its last state to
//   DATA_DIR), and posts { type: 'closed' }; the main thread then ends the thread.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { createLogger } from '@snakepit/common';
import { serveWire } from './wire.ts';

/** What startEmbeddedDatabase hands the thread (as workerData). */
export interface WorkerInput {
  /** The PostgreSQL data folder, `<DATA_DIR>/pgdata`, already checked and locked. */
  pgdata: string;
  /** The 127.0.0.1 port to serve; 0 picks a free one. */
  port: number;
  /** The `service` field and the level of the process logger, for this thread's own logger. */
  service: string;
  logLevel: string;
  /** How much lower than the process this thread runs (DATABASE_THREAD_NICE in database.ts). */
  nice: number;
}

/** What the main thread may ask. */
export interface WorkerCommand {
  type: 'close';
}

/** What this thread reports. */
export type WorkerReport =
  | { type: 'ready'; port: number }
  | { type: 'failed'; stage: 'open' | 'serve'; error: SerializedError }
  | { type: 'closed' };

/** An error as it crosses to the main thread (the parts worth keeping of any thrown value). */
export interface SerializedError {
  message: string;
  stack?: string | undefined;
  code?: string | undefined;
}

/** PostgreSQL settings that keep the embedded database small (defaults: 128MB, 4MB, 4MB, 8MB, 64MB). */
const LEAN_SETTINGS = {
  shared_buffers: '16MB',
  wal_buffers: '1MB',
  work_mem: '2MB',
  temp_buffers: '2MB',
  maintenance_work_mem: '16MB',
};

/**
 * Lowers this thread's priority, not the process's: on Linux every thread is a task with its own
 * nice value, and /proc/thread-self names this one. Elsewhere (or where the kernel refuses) the
 * thread keeps the process's priority, which is correct, only slower for the API under load.
 */
function lowerThreadPriority(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid)) return;
    // Relative to the process, never absolute: under `nice -n 15` an absolute 10 would raise
    // the database above the API. 19 is the lowest priority there is.
    setPriority(tid, Math.min(19, getPriority(tid) + nice));
  } catch (err) {
    logger.debug({ err }, 'the embedded database thread keeps the process priority');
  }
}

if (!parentPort)
  throw new Error('embedded/worker is a worker thread: startEmbeddedDatabase runs it');
const port = parentPort;
const input = workerData as WorkerInput;
const logger = createLogger(input.service, input.logLevel).child({
  component: 'embedded-database',
});

function report(message: WorkerReport): void {
  port.postMessage(message);
}

function serialize(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { message: String(err) };
  return { message: err.message, stack: err.stack, code: (err as NodeJS.ErrnoException).code };
}

async function run(): Promise<void> {
  lowerThreadPriority(input.nice);
  let db: PGlite;
  try {
    const settings = Object.entries(LEAN_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
    db = await PGlite.create({
      dataDir: input.pgdata,
      startParams: [...PGlite.defaultStartParams, ...settings],
    });
  } catch (err) {
    report({ type: 'failed', stage: 'open', error: serialize(err) });
    return;
  }
  const wire = await serveWire(db, logger, input.port).catch(async (err: unknown) => {
    await db.close();
    report({ type: 'failed', stage: 'serve', error: serialize(err) });
  });
  if (!wire) return;
  port.on('message', (command: WorkerCommand) => {
    if (command.type !== 'close') return;
    void (async () => {
      await wire.close();
      await db.close();
      report({ type: 'closed' });
    })();
  });
  report({ type: 'ready', port: wire.port });
}

await run();
