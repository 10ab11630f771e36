import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ConfigError } from '@snakepit/common';
import { readPersisterConfig } from '../src/service.ts';

const REQUIRED = {
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672/',
  DATABASE_URL: 'postgres://root@127.0.0.1:5432/snakepit',
};

test('takes the agreed defaults when only the two URLs are set', () => {
  const config = readPersisterConfig(REQUIRED);
  assert.deepEqual(
    { ...config, topology: undefined },
    {
      adminPort: 9101,
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      amqpUrl: REQUIRED.AMQP_URL,
      databaseUrl: REQUIRED.DATABASE_URL,
      databasePoolSize: 4,
      batchSize: 500,
      batchMaxWaitMs: 200,
      prefetch: 1000,
      migrateOnStart: true,
      topology: undefined,
    },
  );
  assert.deepEqual(config.topology, {
    exchange: 'snakepit.turns',
    queue: 'snakepit.turns',
    deadLetterExchange: 'snakepit.turns.dead',
    deadLetterQueue: 'snakepit.turns.dead',
    deliveryLimit: 5,
  });
});

for (const [variable, env, expected] of [
  ['AMQP_URL', { DATABASE_URL: REQUIRED.DATABASE_URL }, /AMQP_URL is not set; expected amqp:\/\//],
  ['DATABASE_URL', { AMQP_URL: REQUIRED.AMQP_URL }, /DATABASE_URL is not set; expected postgres:/],
  ['DATABASE_URL', { ...REQUIRED, DATABASE_URL: 'mysql://h/db' }, /has the scheme mysql:/],
  ['BATCH_SIZE', { ...REQUIRED, BATCH_SIZE: '0' }, /BATCH_SIZE is "0"; expected a whole number/],
  ['BATCH_MAX_WAIT_MS', { ...REQUIRED, BATCH_MAX_WAIT_MS: '1.5' }, /expected a whole number/],
  ['MIGRATE_ON_START', { ...REQUIRED, MIGRATE_ON_START: 'maybe' }, /expected true or false/],
] as const) {
  test(`refuses to start on ${variable}=${(env as Record<string, string | undefined>)[variable] ?? '(unset)'}, naming it and the expected form`, () => {
    assert.throws(
      () => readPersisterConfig(env),
      (err) =>
        err instanceof ConfigError && err.variable === variable && expected.test(err.message),
    );
  });
}

test('the process exits 1 on a bad variable without printing the database password', () => {
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', 'services/turn-persister/src/main.ts'],
    {
      env: {
        ...process.env,
        ...REQUIRED,
        DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:5432/x',
        PREFETCH: 'lots',
      },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  assert.equal(result.status, 1);
  assert.match(result.stderr, /PREFETCH is "lots"; expected a whole number from 1 to 65535/);
  assert.doesNotMatch(result.stdout + result.stderr, /hunter2/);
});
