// DATA_DIR, checked before PGlite touches it. PGlite runs initdb into any folder that lacks a
// database, so a wrong or damaged folder must be refused here, with nothing deleted or written
// over: the player's games may be in it.
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The PostgreSQL major version this PGlite build writes (its data folders say so in PG_VERSION). */
export const PG_MAJOR_VERSION = '18';

/** DATA_DIR cannot be used; `dataDir` is the folder, the message says what to do. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
  readonly dataDir: string;

  constructor(dataDir: string, problem: string, remedy: string, cause?: unknown) {
    super(`DATA_DIR ${dataDir} ${problem}; ${remedy}`, { cause });
    this.dataDir = dataDir;
  }
}

/** Where things live inside DATA_DIR. */
export interface DataLayout {
  /** DATA_DIR itself, absolute. */
  root: string;
  /** The PostgreSQL data folder PGlite runs on: `<DATA_DIR>/pgdata`. */
  pgdata: string;
  /** True when `pgdata` holds no database yet (PGlite will create one, which takes ~30 s). */
  fresh: boolean;
}

const NOT_WRITABLE = 'point DATA_DIR at a folder this user can write, or fix its permissions';

/**
 * Creates DATA_DIR if missing, proves it writable by writing and removing a probe file, and
 * checks that `<DATA_DIR>/pgdata` is either absent, empty, or a PostgreSQL PG_MAJOR_VERSION data
 * folder. Throws DataDirError otherwise; never deletes or rewrites anything that was there.
 */
export async function checkDataDir(dataDir: string): Promise<DataLayout> {
  const root = path.resolve(dataDir);
  await ensureWritableFolder(root);
  const pgdata = path.join(root, 'pgdata');
  const entries = await readdir(pgdata).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw new DataDirError(
      root,
      `has a pgdata that cannot be read (${err.code})`,
      NOT_WRITABLE,
      err,
    );
  });
  if (entries.length > 0) await checkDatabaseFolder(root, pgdata, entries);
  return { root, pgdata, fresh: entries.length === 0 };
}

async function ensureWritableFolder(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true });
    if (!(await stat(root)).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    await access(root, constants.W_OK | constants.X_OK);
    // access() says yes to root on a read-only mount; only a real write settles it.
    const probe = path.join(root, `.write-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    // mkdir on an existing file says EEXIST; either way the path is not a folder.
    const notFolder = code === 'ENOTDIR' || code === 'EEXIST';
    const problem = notFolder ? `is not a folder (${code})` : `is not writable (${code})`;
    throw new DataDirError(root, problem, NOT_WRITABLE, err);
  }
}

const MOVE_ASIDE =
  'move that folder aside (keep it: it may hold your games) or point DATA_DIR elsewhere';

async function checkDatabaseFolder(root: string, pgdata: string, entries: string[]): Promise<void> {
  if (!entries.includes('PG_VERSION')) {
    throw new DataDirError(
      root,
      `has a pgdata folder that is not a database (no PG_VERSION)`,
      MOVE_ASIDE,
    );
  }
  const version = (await readFile(path.join(pgdata, 'PG_VERSION'), 'utf8')).trim();
  if (version !== PG_MAJOR_VERSION) {
    throw new DataDirError(
      root,
      `holds a PostgreSQL ${version} database, this build runs ${PG_MAJOR_VERSION}`,
      'dump it with that version and load it here, or point DATA_DIR elsewhere',
    );
  }
  for (const required of ['global/pg_control', 'base', 'pg_wal']) {
    try {
      await stat(path.join(pgdata, required));
    } catch {
      throw new DataDirError(
        root,
        `has a damaged database (pgdata/${required} is missing)`,
        MOVE_ASIDE,
      );
    }
  }
}

/**
 * Takes `<DATA_DIR>/all-in-one.pid` so that a second process cannot open the same database
 * (PGlite takes no lock of its own). A pid file left by a process that died (SIGKILL) is taken
 * over. Returns the release function.
 */
export async function lockDataDir(root: string): Promise<() => Promise<void>> {
  const file = path.join(root, 'all-in-one.pid');
  const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  if (holder > 0 && holder !== process.pid && isAlive(holder)) {
    throw new DataDirError(
      root,
      `is in use by process ${holder}`,
      'stop that process first, or give this one another DATA_DIR',
    );
  }
  const handle = await open(file, 'w');
  await handle.writeFile(String(process.pid));
  await handle.close();
  return () => rm(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
