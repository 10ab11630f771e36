// Fuzzed requests: whatever a client sends, the answer is a 200 or a 4xx, never a 5xx.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLogger, createRegistry, discardTurns } from '@snakepit/common';
import { gameState } from '../../../test/helpers/api-boards.ts';
import { readSnakeApiConfig, startSnakeApi, type SnakeApi } from '../src/service.ts';

let api: SnakeApi;
let base: string;

before(async () => {
  const config = readSnakeApiConfig({ PORT: '0', MAX_BODY_BYTES: '65536' });
  const logger = createLogger('test', 'silent');
  api = await startSnakeApi({
    config,
    logger,
    registry: createRegistry('test'),
    sink: discardTurns,
    host: '127.0.0.1',
  });
  base = `http://127.0.0.1:${api.port}`;
});
after(() => api.close());

const valid = gameState({
  you: {
    body: [
      [3, 3],
      [3, 2],
      [3, 1],
    ],
  },
  others: [
    {
      body: [
        [5, 5],
        [5, 6],
        [6, 6],
      ],
    },
  ],
  food: [[0, 0]],
  hazards: [[1, 1]],
});

const path = fc.constantFrom(
  '/move',
  '/start',
  '/end',
  '/random/move',
  '/cautious_carol/move',
  '/blast_random_valid/move',
);

/** Sets `value` at a random place in a copy of the valid body (or deletes what is there). */
const mutated = fc
  .tuple(
    fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    fc.option(fc.jsonValue({ maxDepth: 2 })),
  )
  .map(([steps, value]) => {
    const copy = structuredClone(valid) as unknown as Record<string, unknown>;
    let node: Record<string, unknown> = copy;
    for (const [i, step] of steps.entries()) {
      const keys = Object.keys(node);
      const key = keys[step % Math.max(1, keys.length)] ?? 'extra';
      const child = node[key];
      const last = i === steps.length - 1 || typeof child !== 'object' || child === null;
      if (last) {
        if (value === null) delete node[key];
        else node[key] = value;
        break;
      }
      node = child as Record<string, unknown>;
    }
    return JSON.stringify(copy);
  });

const body = fc.oneof(
  mutated,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant(JSON.stringify(valid)),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/json; charset=latin-9',
);

test('fuzzed request bodies are answered 200 or 4xx, never 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(path, body, contentType, async (p, payload, type) => {
      const res = await fetch(base + p, {
        method: 'POST',
        headers: { 'content-type': type },
        body: payload,
      });
      await res.arrayBuffer();
      assert.ok(
        res.status === 200 || (res.status >= 400 && res.status < 500),
        `${p} answered ${res.status}`,
      );
    }),
    { numRuns: 200 },
  );
});
