// The embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly) on the files in
// DATA_DIR/pgdata, served over the wire protocol on a private 127.0.0.1 port. turn-persister
// connects to it with `pg` and runs the same migrations and SQL as against a real server.
//
// Durability, measured: PGlite runs PostgreSQL with fsync off (-F), but every COMMIT still
// writes its WAL into DATA_DIR before it returns. A SIGKILL of this process therefore loses no
// committed row (the kernel holds the written pages); an OS crash or power cut can lose the
// commits of the last moments, since nothing was fsynced.
//
// Memory, measured on Node 24 (resident, after 10,000 turns): PGlite's WebAssembly heap starts
// at 128 MiB (its minimum), and the compiled module, the file-system bundle and PostgreSQL's
// buffers come on top. The settings below shrink PostgreSQL's own caches, which matter little
// for an append-mostly table written in batches.
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from '@snakepit/common';
import { checkDataDir, DataDirError, lockDataDir } from './data-dir.ts';
import { serveWire } from './wire.ts';

/** PostgreSQL settings that keep the embedded database small (defaults: 128MB, 4MB, 4MB, 8MB, 64MB). */
const LEAN_SETTINGS = {
  shared_buffers: '16MB',
  wal_buffers: '1MB',
  work_mem: '2MB',
  temp_buffers: '2MB',
  maintenance_work_mem: '16MB',
};

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

/** Options for `startEmbeddedDatabase`. */
export interface EmbeddedDatabaseOptions {
  /** DATA_DIR: the folder that keeps the database; default ./data. */
  dataDir: string;
  /** Port on 127.0.0.1 for the wire protocol; default 0, any free port. */
  port?: number;
  logger: Logger;
}

/**
 * Checks DATA_DIR (see checkDataDir), opens or creates the database in it and serves it on a
 * private port. Throws DataDirError when the folder cannot be used or the database not opened.
 */
export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions,
): Promise<EmbeddedDatabase> {
  const { logger } = options;
  const layout = await checkDataDir(options.dataDir);
  const unlock = await lockDataDir(layout.root);
  if (layout.fresh)
    logger.info({ pgdata: layout.pgdata }, 'creating the embedded database (~30 s)');
  let db: PGlite;
  try {
    db = await openPglite(layout.root, layout.pgdata);
  } catch (err) {
    await unlock();
    throw err;
  }
  const wire = await serveWire(db, logger, options.port).catch(async (err: unknown) => {
    await db.close();
    await unlock();
    throw err;
  });
  return {
    url: `postgres://postgres@127.0.0.1:${wire.port}/postgres`,
    pgdata: layout.pgdata,
    created: layout.fresh,
    close: async () => {
      await wire.close();
      await db.close();
      await unlock();
    },
  };
}

async function openPglite(root: string, pgdata: string): Promise<PGlite> {
  const settings = Object.entries(LEAN_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  try {
    return await PGlite.create({
      dataDir: pgdata,
      startParams: [...PGlite.defaultStartParams, ...settings],
    });
  } catch (err) {
    throw new DataDirError(
      root,
      `has a database PGlite could not open (${(err as Error).message})`,
      'it was left as it was: move it aside and restore a backup, or point DATA_DIR elsewhere',
      err,
    );
  }
}
