// A throwaway PostgreSQL database per test file on the local server (trust auth, user root).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The local server tests use. */
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'root' };

export interface TestDatabase {
  name: string;
  /** postgres://root@127.0.0.1:<port>/<name>; `port` defaults to 5432 (pass a proxy's port). */
  url(port?: number): string;
  /** Drops the database, ending whatever sessions are still connected to it. */
  drop(): Promise<void>;
}

/** Creates an empty database named `<prefix>_<random>`. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  return {
    name,
    url: (port = POSTGRES.port) => `postgres://${POSTGRES.user}@${POSTGRES.host}:${port}/${name}`,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
