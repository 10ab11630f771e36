// The schema lives in numbered SQL files, migrations/NNN_name.sql, applied in order and recorded in
// schema_migrations. Every replica may start at once, so the whole run holds a PostgreSQL advisory
// lock: the first one applies, the others wait and then find nothing left to do.
//
// Run alone as `npm run migrate` (dist/migrate.js in the image): reads DATABASE_URL and LOG_LEVEL.
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { ConfigError, createLogger, readString, type Logger } from '@snakepit/common';
import { readDatabaseUrl } from './store.ts';

/** The folder of the SQL files; one level above src/ and dist/ alike. */
export const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);

/** Key of the advisory lock that serialises migration runs across replicas (arbitrary, fixed). */
const MIGRATION_LOCK_KEY = 7_311_002_017;

const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** A migrations folder that cannot be applied as it stands (a developer's mistake, not a fault). */
export class MigrationFileError extends Error {
  override readonly name = 'MigrationFileError';
}

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations in `dir`, in version order; throws MigrationFileError for a misnamed file. */
export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) {
      throw new MigrationFileError(`${file} in ${dir.pathname}: expected NNN_lower_snake_name.sql`);
    }
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) {
      throw new MigrationFileError(`${file}: version ${version} is used twice`);
    }
    migrations.push({ version, name: file, sql: await readFile(new URL(file, dir), 'utf8') });
  }
  return migrations;
}

/**
 * Applies every migration not yet recorded, each in its own transaction, under the advisory
 * lock. Returns the file names applied by this call (empty when the schema was up to date).
 */
export async function runMigrations(
  pool: pg.Pool,
  logger: Logger,
  dir: URL = MIGRATIONS_DIR,
): Promise<string[]> {
  const migrations = await loadMigrations(dir);
  const client = await pool.connect();
  try {
    // A session lock, not a transaction lock: it must outlive the per-migration transactions.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await applyPending(client, migrations, logger);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function applyPending(
  client: pg.PoolClient,
  migrations: readonly Migration[],
  logger: Logger,
): Promise<string[]> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((r) => r.version));

  const done: string[] = [];
  for (const migration of migrations.filter((m) => !applied.has(m.version))) {
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
    logger.info({ migration: migration.name }, 'migration applied');
    done.push(migration.name);
  }
  return done;
}

async function main(): Promise<void> {
  const logger = createLogger('turn-persister', readString(process.env, 'LOG_LEVEL', 'info'));
  let databaseUrl: string;
  try {
    databaseUrl = readDatabaseUrl(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`migrate: ${err.message}`);
    process.exit(1);
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const applied = await runMigrations(pool, logger);
    logger.info({ applied: applied.length }, 'schema up to date');
  } catch (err) {
    logger.error({ err }, 'migration failed');
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}

if (import.meta.main) await main();
