import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GameSetupError,
  advance,
  createGame,
  createRng,
  type Coord,
  type SimState,
} from '@snakepit/battlesnake';
import { board, movesOf, rulesOf, snake, squares } from './boards.ts';

const standard = rulesOf('standard');
const key = (c: Coord) => `${c.x},${c.y}`;

function newGame(size: number, n: number, seed: number): SimState {
  const snakeIds = Array.from({ length: n }, (_, i) => `s${i}`);
  return createGame({ width: size, height: size, snakeIds, rules: standard, rng: createRng(seed) });
}

test('a new game stacks every snake three deep on its start square at full health', () => {
  const state = newGame(11, 4, 1);
  assert.equal(state.turn, 0);
  for (const s of state.snakes) {
    assert.equal(s.health, 100);
    assert.equal(s.body.length, 3);
    assert.equal(new Set(s.body.map(key)).size, 1);
  }
});

test('up to 8 snakes start on the fixed corner and edge squares, one square in', () => {
  const allowed = new Set(squares('1,1 1,9 9,1 9,9 1,5 5,1 5,9 9,5').map(key));
  const heads = newGame(11, 8, 2).snakes.map((s) => key(s.body[0] as Coord));
  assert.equal(new Set(heads).size, 8);
  for (const h of heads) assert.ok(allowed.has(h), `${h} is a start square`);
});

test('a new game places one food diagonal to each snake and one in the centre', () => {
  const state = newGame(11, 4, 3);
  assert.equal(state.food.length, 5);
  assert.deepEqual(state.food[4], { x: 5, y: 5 });
  state.snakes.forEach((s, i) => {
    const head = s.body[0] as Coord;
    const food = state.food[i] as Coord;
    assert.equal(Math.abs(food.x - head.x), 1);
    assert.equal(Math.abs(food.y - head.y), 1);
  });
});

test('a constrictor game starts without food, as the engine clears it before turn 0', () => {
  const rules = rulesOf('constrictor');
  const state = createGame({
    width: 11,
    height: 11,
    snakeIds: ['a', 'b'],
    rules,
    rng: createRng(1),
  });
  assert.deepEqual(state.food, []);
  assert.equal(state.snakes.length, 2);
});

test('more than 8 snakes on a large board are spread over the four quadrants', () => {
  const state = newGame(19, 12, 4);
  const heads = state.snakes.map((s) => s.body[0] as Coord);
  assert.equal(new Set(heads.map(key)).size, 12);
  const quadrant = (c: Coord) => (c.x < 9 ? 0 : 1) + (c.y < 9 ? 0 : 2);
  const perQuadrant = [0, 1, 2, 3].map((q) => heads.filter((h) => quadrant(h) === q).length);
  assert.deepEqual(perQuadrant, [3, 3, 3, 3]);
});

test('the same seed sets up the same game', () => {
  assert.deepEqual(newGame(11, 4, 99), newGame(11, 4, 99));
});

test('a board too small for its snakes is refused with GameSetupError', () => {
  assert.throws(() => newGame(5, 9, 1), GameSetupError);
  assert.throws(() => newGame(11, 17, 1), /1 to 16/);
});

test('advance tops food up to minimumFood, off bodies and away from heads', () => {
  const rules = rulesOf('standard', { minimumFood: 3, foodSpawnChance: 0 });
  for (let seed = 0; seed < 20; seed++) {
    const state = board({ snakes: [snake('a', '3,3 3,2 3,1')] });
    const next = advance(state, movesOf({ a: 'up' }), rules, createRng(seed));
    assert.equal(next.food.length, 3);
    const blocked = new Set(squares('3,4 3,3 3,2 3,5 2,4 4,4').map(key));
    for (const f of next.food) assert.ok(!blocked.has(key(f)), `food at ${key(f)}`);
  }
});

test('advance adds no food with zero spawn chance and enough food on the board', () => {
  const rules = rulesOf('standard', { minimumFood: 1, foodSpawnChance: 0 });
  const state = board({ snakes: [snake('a', '3,3 3,2 3,1')], food: '0,0' });
  const next = advance(state, movesOf({ a: 'up' }), rules, createRng(1));
  assert.deepEqual(next.food, [{ x: 0, y: 0 }]);
});

test('advance spawns food with about foodSpawnChance - 1 percent odds, as the engine does', () => {
  const rules = rulesOf('standard', { minimumFood: 0, foodSpawnChance: 50 });
  const rng = createRng(7);
  let spawned = 0;
  for (let i = 0; i < 2000; i++) {
    const state = board({ snakes: [snake('a', '3,3 3,2 3,1')] });
    spawned += advance(state, movesOf({ a: 'up' }), rules, rng).food.length;
  }
  // 49 % expected; 2000 draws put 95 % of outcomes within about ±2.2 points.
  assert.ok(spawned > 2000 * 0.44 && spawned < 2000 * 0.54, `${spawned} of 2000`);
});

test('royale hazards shrink by one side every N turns', () => {
  const rules = rulesOf('royale', { shrinkEveryNTurns: 3, minimumFood: 0, foodSpawnChance: 0 });
  const rng = createRng(5);
  let state = board({ snakes: [snake('a', '3,3'), snake('b', '5,5')], width: 7 });
  const hazardsByTurn: number[] = [];
  const moves = [movesOf({ a: 'up', b: 'down' }), movesOf({ a: 'down', b: 'up' })];
  for (let turn = 1; turn <= 7; turn++) {
    state = advance(state, moves[turn % 2] as Map<string, 'up'>, rules, rng);
    hazardsByTurn.push(state.hazards.length);
  }
  // Turns 1-2: none; turn 3: one full edge (7 squares); turn 6: a second edge (6 or 7 more).
  assert.deepEqual(hazardsByTurn.slice(0, 5), [0, 0, 7, 7, 7]);
  assert.ok(hazardsByTurn[5] === 13 || hazardsByTurn[5] === 14, `${hazardsByTurn[5]} at turn 6`);
  assert.equal(hazardsByTurn[6], hazardsByTurn[5]);
});

test('royale hazards leave a rectangle of safe squares', () => {
  const rules = rulesOf('royale', { shrinkEveryNTurns: 1, minimumFood: 0, foodSpawnChance: 0 });
  const rng = createRng(11);
  let state = board({ snakes: [snake('a', '3,3'), snake('b', '5,5')], width: 11, height: 11 });
  for (let turn = 1; turn <= 6; turn++) {
    state = advance(
      state,
      movesOf({ a: turn % 2 ? 'up' : 'down', b: turn % 2 ? 'down' : 'up' }),
      rules,
      rng,
    );
  }
  const hazard = new Set(state.hazards.map(key));
  const safe = [];
  for (let x = 0; x < 11; x++)
    for (let y = 0; y < 11; y++) if (!hazard.has(`${x},${y}`)) safe.push({ x, y });
  const xs = safe.map((c) => c.x);
  const ys = safe.map((c) => c.y);
  const w = Math.max(...xs) - Math.min(...xs) + 1;
  const h = Math.max(...ys) - Math.min(...ys) + 1;
  assert.equal(safe.length, w * h);
  assert.equal(w + h, 22 - 6);
});
