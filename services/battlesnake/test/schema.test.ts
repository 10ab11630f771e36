import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateGameState, type GameState } from '../src/index.ts';

// A /start body exactly as the official CLI (battlesnake play v1.2.3) sent it, captured.
const CLI_BODY = `{"game":{"id":"f90a0eca-2901-4a59-b69a-415d9f3a09ab","ruleset":{"name":"royale","version":"cli","settings":{"foodSpawnChance":15,"minimumFood":1,"hazardDamagePerTurn":14,"hazardMap":"","hazardMapAuthor":"","royale":{"shrinkEveryNTurns":25},"squad":{"allowBodyCollisions":false,"sharedElimination":false,"sharedHealth":false,"sharedLength":false}}},"map":"hz_spiral","timeout":500,"source":""},"turn":0,"board":{"height":11,"width":11,"snakes":[{"id":"47c314a0-ddda-4146-950e-655a0ca08e2a","name":"a","latency":"0","health":100,"body":[{"x":1,"y":5},{"x":1,"y":5},{"x":1,"y":5}],"head":{"x":1,"y":5},"length":3,"shout":"","squad":"","customizations":{"color":"","head":"","tail":""}}],"food":[{"x":0,"y":4},{"x":5,"y":5}],"hazards":[]},"you":{"id":"47c314a0-ddda-4146-950e-655a0ca08e2a","name":"a","latency":"0","health":100,"body":[{"x":1,"y":5},{"x":1,"y":5},{"x":1,"y":5}],"head":{"x":1,"y":5},"length":3,"shout":"","squad":"","customizations":{"color":"","head":"","tail":""}}}`;

const cli = () => JSON.parse(CLI_BODY) as GameState;

function problem(body: unknown, options = {}): string {
  const result = validateGameState(body, options);
  assert.equal(result.ok, false, 'the body was accepted');
  return result.ok ? '' : result.message;
}

test('a request exactly as the official CLI sends it is valid', () => {
  assert.equal(validateGameState(cli(), { youOnBoard: true }).ok, true);
});

test('optional fields may be left out', () => {
  const body = cli() as unknown as {
    game: {
      map?: string;
      source?: string;
      ruleset: { version?: string; settings: Record<string, unknown> };
    };
    you: Record<string, unknown>;
  };
  delete body.game.map;
  delete body.game.source;
  delete body.game.ruleset.version;
  delete body.game.ruleset.settings.squad;
  delete body.game.ruleset.settings.hazardMap;
  for (const field of ['name', 'latency', 'shout', 'squad', 'customizations'])
    delete body.you[field];
  assert.equal(validateGameState(body).ok, true);
});

test('unknown fields from a newer engine are accepted', () => {
  const body = { ...cli(), newField: { anything: [1, 2] } };
  assert.equal(validateGameState(body).ok, true);
});

test('a missing required field is named in full', () => {
  const body = cli() as unknown as { game: { ruleset: Record<string, unknown> } };
  delete body.game.ruleset.name;
  assert.equal(problem(body), 'game.ruleset.name is required');
});

test('an ill-typed field is named with its index path', () => {
  const body = cli();
  (body.board.snakes[0]?.body[2] as unknown as { y: unknown }).y = 1.5;
  assert.equal(problem(body), 'board.snakes[0].body[2].y must be integer');
});

test('a missing top-level field is named bare', () => {
  const body = cli() as unknown as Record<string, unknown>;
  delete body.turn;
  assert.equal(problem(body), 'turn is required');
});

test('a field of the wrong type names every type it may have', () => {
  const body = cli() as unknown as { you: { latency: unknown } };
  body.you.latency = true;
  assert.equal(problem(body), 'you.latency must be string or number');
});

test('a body that is not an object is rejected as a whole', () => {
  assert.equal(problem([]), '(body) must be object');
});

test('boards larger than 25x25 are rejected', () => {
  const body = cli();
  body.board.width = 26;
  assert.equal(problem(body), 'board.width must be <= 25');
});

test('more than 16 snakes are rejected', () => {
  const body = cli();
  const snake = body.board.snakes[0];
  assert.ok(snake);
  body.board.snakes = Array.from({ length: 17 }, (_, i) => ({ ...snake, id: String(i) }));
  assert.match(problem(body), /^board\.snakes must NOT have more than 16 items/);
});

test('a snake with an empty body is rejected', () => {
  const body = cli();
  (body.board.snakes[0] as { body: unknown[] }).body = [];
  assert.match(problem(body), /^board\.snakes\[0\]\.body must NOT have fewer than 1 items/);
});

test('a body segment off the board is rejected, naming the segment', () => {
  const body = cli();
  (body.board.snakes[0]?.body[1] as { x: number }).x = 11;
  assert.match(problem(body), /^board\.snakes\[0\]\.body\[1\] must lie on the 11x11 board/);
});

test('a you off the board is accepted unless it must be on the board', () => {
  const body = cli();
  body.board.snakes = [];
  body.you.body[0] = { x: 1, y: 11 };
  assert.equal(validateGameState(body).ok, true);
  assert.equal(problem(body, { youOnBoard: true }), 'you.id must name one of board.snakes');
});

test('a game id longer than 256 characters is rejected, naming the field', () => {
  const body = cli();
  body.game.id = '\u4e00'.repeat(257);
  assert.equal(problem(body), 'game.id must NOT have more than 256 characters');
  body.game.id = '\u4e00'.repeat(256);
  assert.equal(validateGameState(body).ok, true);
});

test('a snake id longer than 256 characters is rejected, naming the field', () => {
  const body = cli();
  body.you.id = 'x'.repeat(257);
  assert.equal(problem(body), 'you.id must NOT have more than 256 characters');
});
