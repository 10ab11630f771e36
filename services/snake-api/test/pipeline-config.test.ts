import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@snakepit/common';
import { readPipelineConfig } from '../src/pipeline/index.ts';

function configError(env: Record<string, string>): ConfigError {
  try {
    readPipelineConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

test('async mode without AMQP_URL stops the service and says how to run without a broker', () => {
  const err = configError({});
  assert.equal(err.variable, 'AMQP_URL');
  assert.match(err.message, /PERSIST_MODE=off/);
});

test('sync mode without DATABASE_URL names DATABASE_URL', () => {
  assert.equal(configError({ PERSIST_MODE: 'sync' }).variable, 'DATABASE_URL');
});

test('off needs nothing and every default is as documented', () => {
  const config = readPipelineConfig({ PERSIST_MODE: 'off' });
  assert.deepEqual(
    { ...config, topology: undefined },
    {
      mode: 'off',
      amqpUrl: undefined,
      databaseUrl: undefined,
      topology: undefined,
      spoolDir: './spool',
      spoolMaxBytes: 1024 ** 3,
      publishBufferMax: 10_000,
      shutdownTimeoutMs: 10_000,
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

test('a malformed value names its variable and never echoes a password', () => {
  const amqp = 'amqp://u:p@h:5672/v';
  assert.equal(
    configError({ AMQP_URL: amqp, SPOOL_MAX_BYTES: 'lots' }).variable,
    'SPOOL_MAX_BYTES',
  );
  assert.equal(
    configError({ AMQP_URL: amqp, PUBLISH_BUFFER_MAX: '0' }).variable,
    'PUBLISH_BUFFER_MAX',
  );
  assert.equal(configError({ AMQP_URL: amqp, DELIVERY_LIMIT: '-1' }).variable, 'DELIVERY_LIMIT');
  const err = configError({ AMQP_URL: 'https://user:hunter2@h/v' });
  assert.equal(err.variable, 'AMQP_URL');
  assert.doesNotMatch(err.message, /hunter2/);
});
