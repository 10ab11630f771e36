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
    drop: () => dropDatabase(name),
  };
}

/**
 * Sessions a pool has just ended may still be closing on the server; dropping WITH (FORCE) at
 * that moment sends a client a FATAL it no longer listens for, which crashed a test once. So
 * wait up to 2 s for them to go, and force only what is still connected after that (a killed
 * service's sessions).
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await admin(`DROP DATABASE IF EXISTS ${name}`);
      return;
    } catch (err) {
      // 55006 object_in_use: other sessions are still connected.
      if ((err as { code?: unknown }).code !== '55006') throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
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
