import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@snakepit/common';
import { readSnakeApiConfig } from '../src/service.ts';

test('the configuration defaults match the documented ones', () => {
  assert.deepEqual(readSnakeApiConfig({}), {
    port: 8000,
    adminPort: 9100,
    logLevel: 'info',
    shutdownTimeoutMs: 10_000,
    defaultStrategy: 'vigilant_vera',
    persistMode: 'async',
    moveLatencyReserveMs: 150,
    maxBodyBytes: 1_048_576,
  });
});

const badValues: [string, string][] = [
  ['DEFAULT_STRATEGY', 'smartest'],
  ['PERSIST_MODE', 'sometimes'],
  ['MOVE_LATENCY_RESERVE_MS', '150ms'],
  ['MAX_BODY_BYTES', '-1'],
  ['PORT', '70000'],
  ['LOG_LEVEL', 'loud'],
];

for (const [variable, value] of badValues) {
  test(`${variable}=${value} fails at start naming the variable`, () => {
    assert.throws(
      () => readSnakeApiConfig({ [variable]: value }),
      (err: unknown) => err instanceof ConfigError && err.variable === variable,
    );
  });
}
