import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GameState } from '@snakepit/battlesnake';
import {
  createLogger,
  createRegistry,
  decodeTurnMessage,
  encodeTurnMessage,
  type TurnRecord,
  type TurnSink,
} from '@snakepit/common';
import type { Registry } from 'prom-client';
import { pino } from 'pino';
import { gameState } from '../../../test/helpers/api-boards.ts';
import { readSnakeApiConfig, startSnakeApi, type SnakeApi } from '../src/service.ts';
import pkg from '../package.json' with { type: 'json' };

const logger = createLogger('test', 'silent');

/** A sink that remembers every turn; `accept` runs `hook` and returns what it returns. */
function recordingSink(hook: () => void | Promise<void> = () => undefined) {
  const turns: TurnRecord[] = [];
  const sink: TurnSink = {
    accept: (turn) => {
      turns.push(turn);
      return hook();
    },
  };
  return { sink, turns };
}

async function start(sink: TurnSink, env: Record<string, string> = {}) {
  const config = readSnakeApiConfig({ PORT: '0', ...env });
  const registry = createRegistry('test');
  const api = await startSnakeApi({ config, logger, registry, sink, host: '127.0.0.1' });
  return { api, registry, base: `http://127.0.0.1:${api.port}` };
}

const body = (
  state: GameState = gameState({
    you: {
      body: [
        [3, 3],
        [3, 2],
        [3, 1],
      ],
    },
  }),
) => JSON.stringify(state);

function post(base: string, path: string, payload: string, type = 'application/json') {
  return fetch(base + path, { method: 'POST', headers: { 'content-type': type }, body: payload });
}

let api: SnakeApi;
let base: string;
let registry: Registry;
const recorded = recordingSink();

before(async () => {
  ({ api, base, registry } = await start(recorded.sink, { DEFAULT_STRATEGY: 'random_valid' }));
});
after(() => api.close());

test('GET / answers the default strategy info object with the package version', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  const info = (await res.json()) as Record<string, string>;
  assert.equal(info.apiversion, '1');
  assert.equal(info.version, pkg.version);
  assert.equal(info.color, '#4caf50');
  assert.equal(typeof info.author, 'string');
});

test('GET /:strategy answers that strategy appearance', async () => {
  const info = (await (await fetch(`${base}/cautious_carol`)).json()) as Record<string, string>;
  assert.equal(info.color, '#3f51b5');
  assert.equal(info.head, 'smart-caterpillar');
});

test('an unknown strategy answers 404 listing the strategies', async () => {
  for (const res of [await fetch(`${base}/nope`), await post(base, '/nope/move', body())]) {
    assert.equal(res.status, 404);
    const answer = (await res.json()) as { error: string; strategies: string[] };
    assert.match(answer.error, /nope/);
    assert.ok(answer.strategies.includes('cautious_carol'));
  }
});

test('an unknown path answers 404 JSON', async () => {
  const res = await post(base, '/a/b/c', body());
  assert.equal(res.status, 404);
  assert.match(((await res.json()) as { error: string }).error, /no route POST \/a\/b\/c/);
});

test('POST /move answers a move from the default strategy', async () => {
  const res = await post(base, '/move', body());
  assert.equal(res.status, 200);
  const { move } = (await res.json()) as { move: string };
  assert.ok(['up', 'left', 'right'].includes(move), `answered ${move}`);
  assert.equal(recorded.turns.at(-1)?.strategy, 'random_valid');
});

test('POST /:strategy/move plays that strategy', async () => {
  const res = await post(base, '/cautious_carol/move', body());
  assert.equal(res.status, 200);
  assert.equal(recorded.turns.at(-1)?.strategy, 'cautious_carol');
});

test('every answered start, move and end reaches the sink with the raw body', async () => {
  const payload = body();
  recorded.turns.length = 0;
  for (const kind of ['start', 'move', 'end']) {
    assert.equal((await post(base, `/random/${kind}`, payload)).status, 200);
  }
  assert.deepEqual(
    recorded.turns.map((t) => [t.kind, t.path, t.rawBody.toString()]),
    [
      ['start', '/random/start', payload],
      ['move', '/random/move', payload],
      ['end', '/random/end', payload],
    ],
  );
  assert.ok(['up', 'down', 'left', 'right'].includes(recorded.turns[1]?.move ?? ''));
  assert.equal(typeof recorded.turns[1]?.computeMs, 'number');
});

test('a body sent with a byte order mark or as UTF-16 becomes a message that decodes', async () => {
  const payload = body();
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(payload)]);
  const cases: [Buffer, string][] = [
    [bom, 'application/json'],
    [Buffer.from(payload, 'utf16le'), 'application/json; charset=utf-16le'],
  ];
  for (const [bytes, type] of cases) {
    recorded.turns.length = 0;
    const res = await fetch(`${base}/move`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: bytes,
    });
    assert.equal(res.status, 200, type);
    const [turn] = recorded.turns;
    assert.ok(turn);
    const message = decodeTurnMessage(encodeTurnMessage(turn).bytes);
    assert.deepEqual(message.body, JSON.parse(payload));
  }
});

test('a string holding \\u0000 answers 400 naming the field', async () => {
  const state = JSON.parse(body()) as { board: { snakes: Record<string, unknown>[] } };
  const snake = state.board.snakes[0];
  assert.ok(snake);
  snake.name = 'a\0b';
  const res = await post(base, '/move', JSON.stringify(state));
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    error: 'board.snakes[0].name must not contain \\u0000 (NUL)',
    field: 'board.snakes[0].name',
  });
});

test('malformed JSON answers 400 naming the body', async () => {
  const res = await post(base, '/move', '{"game":');
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { error: 'body is not valid JSON', field: '(body)' });
});

test('a wrong content type answers 400 naming the content type', async () => {
  const res = await post(base, '/move', body(), 'text/plain');
  assert.equal(res.status, 400);
  const answer = (await res.json()) as { field: string; error: string };
  assert.equal(answer.field, 'content-type');
  assert.match(answer.error, /application\/json/);
});

test('a POST without any body answers 400 saying the body is required', async () => {
  const res = await fetch(`${base}/move`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    error: 'body is required: the game state as JSON',
    field: '(body)',
  });
});

test('another method on a turn path answers 405 allowing POST, whatever the strategy', async () => {
  for (const [method, path] of [
    ['GET', '/move'],
    ['PUT', '/start'],
    ['DELETE', '/random_valid/end'],
    ['GET', '/no_such_strategy/move'],
  ] as const) {
    const res = await fetch(base + path, { method });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get('allow'), 'POST');
    assert.match(((await res.json()) as { error: string }).error, /use POST/);
  }
});

test('a POST on an info path answers 405 allowing GET', async () => {
  for (const path of ['/', '/random_valid']) {
    const res = await post(base, path, body());
    assert.equal(res.status, 405, path);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  }
});

test('a missing field answers 400 naming it', async () => {
  const state = JSON.parse(body()) as { board: { snakes: Record<string, unknown>[] } };
  delete state.board.snakes[0]?.health;
  const res = await post(base, '/move', JSON.stringify(state));
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    error: 'board.snakes[0].health is required',
    field: 'board.snakes[0].health',
  });
});

test('an ill-typed coordinate answers 400 naming its path', async () => {
  const state = JSON.parse(body()) as GameState;
  (state.board.snakes[0]?.body[1] as unknown as { x: unknown }).x = '3';
  const res = await post(base, '/move', JSON.stringify(state));
  assert.equal(res.status, 400);
  const answer = (await res.json()) as { error: string };
  assert.equal(answer.error, 'board.snakes[0].body[1].x must be integer');
});

test('ill-typed squad settings and customizations answer 400 naming them', async () => {
  const squad = JSON.parse(body()) as GameState;
  (squad.game.ruleset.settings.squad as unknown as Record<string, unknown>).sharedHealth = 'no';
  const custom = JSON.parse(body()) as GameState;
  (custom.you.customizations as unknown as Record<string, unknown>).color = 7;
  const fields = [];
  for (const state of [squad, custom]) {
    const res = await post(base, '/move', JSON.stringify(state));
    assert.equal(res.status, 400);
    fields.push(((await res.json()) as { field: string }).field);
  }
  assert.deepEqual(fields, [
    'game.ruleset.settings.squad.sharedHealth',
    'you.customizations.color',
  ]);
});

test('food off the board answers 400 naming the square', async () => {
  const state = gameState({
    you: {
      body: [
        [3, 3],
        [3, 2],
        [3, 1],
      ],
    },
    food: [[7, 0]],
  });
  const res = await post(base, '/move', JSON.stringify(state));
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { field: string }).field, 'board.food[0]');
});

test('a move for a snake missing from the board answers 400, its end answers 200', async () => {
  const state = gameState({
    you: {
      body: [
        [3, 7],
        [3, 6],
        [3, 5],
      ],
    },
    others: [{ body: [[0, 0]] }],
  });
  state.board.snakes = state.board.snakes.slice(1);
  const move = await post(base, '/move', JSON.stringify(state));
  assert.equal(move.status, 400);
  assert.equal(((await move.json()) as { field: string }).field, 'you.id');
  assert.equal((await post(base, '/end', JSON.stringify(state))).status, 200);
});

test('a body over MAX_BODY_BYTES answers 413', async () => {
  const small = await start(recordingSink().sink, { MAX_BODY_BYTES: '2048' });
  try {
    const res = await post(small.base, '/move', `{"pad":"${'x'.repeat(4096)}"}`);
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { error: string }).error, /MAX_BODY_BYTES/);
  } finally {
    await small.api.close();
  }
});

test('with a sink that returns a promise the answer waits until the turn is stored', async () => {
  let stored = 0;
  const slow = recordingSink(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    stored++;
  });
  const sync = await start(slow.sink);
  try {
    const res = await post(sync.base, '/move', body());
    assert.equal(res.status, 200);
    assert.equal(stored, 1);
  } finally {
    await sync.api.close();
  }
});

test('a move is still answered when the sink fails to store it', async () => {
  const failing = recordingSink(() => Promise.reject(new Error('database away')));
  const broken = await start(failing.sink);
  try {
    const res = await post(broken.base, '/move', body());
    assert.equal(res.status, 200);
    assert.equal(failing.turns.length, 1);
  } finally {
    await broken.api.close();
  }
});

/** The value of one series of `name` (a counter, or a histogram's `_count`) with these labels. */
async function seriesValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name.replace(/_count$/, ''));
  const values = (await metric?.get())?.values ?? [];
  const match = values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? name) === name &&
      Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return match?.value ?? 0;
}

test('request duration is labelled with the route pattern, strategy and status', async () => {
  await post(base, '/chase_closest_food/move', body());
  const labels = { method: 'POST', route: '/:strategy/move', strategy: 'chase_closest_food' };
  const count = 'snakepit_http_request_duration_seconds_count';
  assert.ok((await seriesValue(count, { ...labels, status: '200' })) >= 1);
});

test('move compute time and budget ratio are recorded by strategy', async () => {
  await post(base, '/chase_random_food/move', body());
  const strategy = { strategy: 'chase_random_food' };
  assert.equal(await seriesValue('snakepit_move_compute_seconds_count', strategy), 1);
  assert.equal(await seriesValue('snakepit_move_budget_ratio_count', strategy), 1);
});

test('games started and ended are counted by strategy, ruleset and result', async () => {
  const state = gameState({
    ruleset: 'wrapped',
    you: {
      body: [
        [3, 3],
        [3, 2],
        [3, 1],
      ],
    },
  });
  await post(base, '/blast_random_valid/start', JSON.stringify(state));
  await post(base, '/blast_random_valid/end', JSON.stringify(state));
  const labels = { strategy: 'blast_random_valid', ruleset: 'wrapped' };
  assert.equal(await seriesValue('snakepit_games_started_total', labels), 1);
  assert.equal(await seriesValue('snakepit_games_ended_total', { ...labels, result: 'won' }), 1);
});

test('a game logs one info line at its start and one at its end, and no line per move', async () => {
  const lines: Record<string, unknown>[] = [];
  const capture = pino(
    { level: 'info' },
    { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) },
  );
  const config = readSnakeApiConfig({ PORT: '0' });
  const logged = await startSnakeApi({
    config,
    logger: capture,
    registry: createRegistry('test'),
    sink: recordingSink().sink,
    host: '127.0.0.1',
  });
  try {
    const url = `http://127.0.0.1:${logged.port}`;
    const state = gameState({
      map: 'hz_spiral',
      you: {
        body: [
          [3, 3],
          [3, 2],
          [3, 1],
        ],
      },
    });
    for (const kind of ['start', 'move', 'move', 'end'])
      await post(url, `/random_valid/${kind}`, JSON.stringify(state));
    const games = lines.filter((l) => l.gameId === 'game-1');
    assert.deepEqual(
      games.map((l) => [l.msg, l.strategy, l.ruleset, l.map, l.result]),
      [
        ['game started', 'random_valid', 'standard', 'hz_spiral', undefined],
        ['game ended', 'random_valid', 'standard', 'hz_spiral', 'won'],
      ],
    );
  } finally {
    await logged.close();
  }
});
