// The embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly) on the files in
// DATA_DIR/pgdata, served over the wire protocol on a private 127.0.0.1 port. turn-persister
// connects to it with `pg` and runs the same migrations and SQL as against a real server.
//
// PGlite and its wire server run on a worker thread (worker.ts). PGlite executes each request
// synchronously on the thread that calls it: on the main thread a batch insert blocked the
// event loop that serves the Battlesnake API, and could eat a search's time budget. This module
// stays on the main thread: it checks and locks DATA_DIR, starts the thread, and releases the
// lock once the thread has closed PGlite.
//
// Durability, measured: PGlite runs PostgreSQL with fsync off (-F), but every COMMIT still
// writes its WAL into DATA_DIR before it returns. A SIGKILL of this process therefore loses no
// committed row (the kernel holds the written pages); an OS crash or power cut can lose the
// commits of the last moments, since nothing was fsynced.
//
// Memory, measured on Node 24 (resident, after 10,000 turns): PGlite's WebAssembly heap starts
// at 128 MiB (its minimum), and the compiled module, the file-system bundle and PostgreSQL's
// buffers come on top; worker.ts starts PostgreSQL with smaller caches, which matter little
// for an append-mostly table written in batches. The thread adds a V8 isolate of its own:
// measured with npm start's flags on a reopened database, 242 against 221 MiB idle, and 20 to
// 50 MiB more than on the main thread after 2,000 turns (three runs each).
import { Worker } from 'node:worker_threads';
import type { Logger } from '@snakepit/common';
import { checkDataDir, DataDirError, lockDataDir, type DataLayout } from './data-dir.ts';
import type { SerializedError, WorkerCommand, WorkerInput, WorkerReport } from './worker.ts';

/** A running embedded database. */
export interface EmbeddedDatabase {
  /** postgres:// URL of the private wire port (127.0.0.1, random port, no password). */
  url: string;
  /** The PostgreSQL data folder, `<DATA_DIR>/pgdata`. */
  pgdata: string;
  /** True when this start created the database. */
  created: boolean;
  /** Stops the wire port and closes PGlite (which writes its last state to DATA_DIR). */
  close(): Promise<void>;
}

/**
 * How much lower than the process the database thread runs, in nice steps (0 is normal, 19 the
 * lowest). Storing a batch can wait some milliseconds; a /move answer has a deadline. On a 2-core
 * machine the database thread, the API's thread and V8's collector compete for the cores while a
 * batch is written, and at the default priority `npm run bench all-in-one` measured /move p99
 * at about 2 times that of snake-api alone. At 10 the kernel gives the API's thread the core first and the
 * database whatever is idle, which on a machine with a core to spare is all it needs. What it
 * costs: under CPU contention that lasts, the database falls behind, the in-process queue fills
 * and turns go to the spool (nothing is lost; see README "What can be lost").
 */
export const DATABASE_THREAD_NICE = 10;

/** Options for `startEmbeddedDatabase`. */
export interface EmbeddedDatabaseOptions {
  /** DATA_DIR: the folder that keeps the database; default ./data. */
  dataDir: string;
  /** Port on 127.0.0.1 for the wire protocol; default 0, any free port. */
  port?: number;
  logger: Logger;
}

/**
 * Checks DATA_DIR (see checkDataDir), opens or creates the database in it on a worker thread and
 * serves it on a private port. Throws DataDirError when the folder cannot be used or the
 * database not opened.
 */
export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions,
): Promise<EmbeddedDatabase> {
  const { logger } = options;
  const layout = await checkDataDir(options.dataDir);
  const unlock = await lockDataDir(layout.root);
  if (layout.fresh)
    logger.info({ pgdata: layout.pgdata }, 'creating the embedded database (~30 s)');
  let started: StartedWorker;
  try {
    started = await startWorker(layout, options.port ?? 0, logger);
  } catch (err) {
    await unlock();
    throw err;
  }
  const stop = supervise(started.worker, logger);
  let closing: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${started.port}/postgres`,
    pgdata: layout.pgdata,
    created: layout.fresh,
    close: () =>
      (closing ??= (async () => {
        await stop();
        await unlock();
      })()),
  };
}

interface StartedWorker {
  worker: Worker;
  port: number;
}

/**
 * The worker entry next to this file: worker.ts when running from the sources, worker.js from
 * the compiled dist/ (tsc rewrites import specifiers, not this string).
 */
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js',
  import.meta.url,
);

/**
 * The thread's execArgv: only the module conditions, so that `--conditions=source` resolves the
 * workspace packages to their sources there too. Not the process's execArgv minus the telemetry
 * preload (`--import @snakepit/common/telemetry/register`, of no use to a thread without traced
 * I/O): Node refuses V8 flags in a worker's execArgv (ERR_WORKER_INVALID_EXEC_ARGV, measured with
 * --optimize-for-size), and they need no passing, since V8 flags are process-wide (measured:
 * --max-semi-space-size given to the process sizes the thread's heap too). Other Node options of
 * the process (warnings, inspector, preloads) do not reach the thread. A preload in NODE_OPTIONS
 * still does: Node applies NODE_OPTIONS to every thread.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (arg.startsWith('--conditions=')) kept.push(arg);
    else if ((arg === '--conditions' || arg === '-C') && i + 1 < execArgv.length)
      kept.push(arg, execArgv[++i] as string);
  }
  return kept;
}

/** Starts the thread and waits for its wire port; rejects as the start would have on this thread. */
async function startWorker(
  layout: DataLayout,
  port: number,
  logger: Logger,
): Promise<StartedWorker> {
  const workerData: WorkerInput = {
    pgdata: layout.pgdata,
    port,
    service: serviceName(logger),
    logLevel: logger.level,
    nice: DATABASE_THREAD_NICE,
  };
  const worker = new Worker(WORKER_URL, {
    workerData,
    execArgv: workerExecArgv(process.execArgv),
    name: 'embedded-database',
  });
  try {
    const boundPort = await firstReport(worker, layout.root);
    return { worker, port: boundPort };
  } catch (err) {
    await worker.terminate();
    throw err;
  }
}

/** The process logger's `service` field, for the thread's logger to carry the same. */
function serviceName(logger: Logger): string {
  const { service } = logger.bindings();
  return typeof service === 'string' ? service : 'all-in-one';
}

/** The thread's first report: its port, or the error that stopped it. */
function firstReport(worker: Worker, root: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: WorkerReport): void => {
      settle();
      if (message.type === 'ready') resolve(message.port);
      else if (message.type === 'failed' && message.stage === 'open')
        reject(openFailure(root, message.error));
      else if (message.type === 'failed') reject(revive(message.error));
      else reject(new Error(`embedded database thread: unexpected first report ${message.type}`));
    };
    const onError = (err: Error): void => {
      settle();
      reject(err);
    };
    const onExit = (code: number): void => {
      settle();
      reject(new Error(`the embedded database thread exited (code ${code}) before it started`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

function openFailure(root: string, error: SerializedError): DataDirError {
  return new DataDirError(
    root,
    `has a database PGlite could not open (${error.message})`,
    'it was left as it was: move it aside and restore a backup, or point DATA_DIR elsewhere',
    revive(error),
  );
}

function revive(error: SerializedError): Error {
  const err = new Error(error.message);
  if (error.stack) err.stack = error.stack;
  return error.code ? Object.assign(err, { code: error.code }) : err;
}

/**
 * Watches the running thread and returns its stop: ask it to close the wire server and PGlite,
 * wait until it has (or has died), then end it. The stop resolves only after PGlite closed, so
 * the caller may then release the DATA_DIR lock.
 *
 * A thread that dies while the process runs (an uncaught error in it, PGlite aborting, the
 * WebAssembly heap out of memory) is logged at error level, and the process keeps running on
 * purpose: the API keeps answering; turn-persister's writes fail, and it backs off and retries;
 * its `database` readiness check fails (/readyz answers 503) and snakepit_database_up drops to 0;
 * turns wait in the in-process queue, then in the disk spool, and SIGTERM still spools what is
 * left. Nothing restarts the thread: the database stays down until the process is restarted,
 * which replays the spool.
 */
function supervise(worker: Worker, logger: Logger): () => Promise<void> {
  let stopping = false;
  let failure: Error | undefined;
  let pgliteClosed = false;
  worker.on('error', (err: Error) => {
    failure = err;
  });
  const closed = new Promise<void>((resolve) => {
    worker.on('message', (message: WorkerReport) => {
      if (message.type !== 'closed') return;
      pgliteClosed = true;
      resolve();
    });
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (exitCode) => {
      if (!stopping) {
        logger.error(
          { err: failure, exitCode },
          'the embedded database thread stopped: no turn is stored (they wait in the queue, then the spool) until the process is restarted',
        );
      } else if (!pgliteClosed) {
        logger.error(
          { err: failure, exitCode },
          'the embedded database thread died closing PGlite',
        );
      }
      resolve();
    });
  });
  return async () => {
    stopping = true;
    // To a thread that already died this goes nowhere, and `exited` has resolved.
    worker.postMessage({ type: 'close' } satisfies WorkerCommand);
    await Promise.race([closed, exited]);
    // PGlite is closed (or the thread is gone): nothing is left to lose by ending it now.
    await worker.terminate();
  };
}
