import { test } from 'node:test';
import assert from 'node:assert/strict';
import { step, type Elimination } from '@snakepit/battlesnake';
import { board, find, movesOf, rulesOf, snake } from './boards.ts';

const standard = rulesOf('standard');

test('moving off the board is a wall-collision on the new turn', () => {
  const state = board({
    snakes: [snake('a', '0,3 1,3 2,3')],
    turn: 4,
  });
  const a = find(step(state, movesOf({ a: 'left' }), standard), 'a');
  assert.deepEqual(a.elimination, { cause: 'wall-collision', turn: 5 });
});

test('moving into its own body is a self-collision credited to the snake itself', () => {
  const state = board({
    snakes: [snake('a', '2,2 3,2 3,3 2,3 1,3')],
  });
  const a = find(step(state, movesOf({ a: 'up' }), standard), 'a');
  assert.deepEqual(a.elimination, { cause: 'snake-self-collision', by: 'a', turn: 1 });
});

test('moving back onto its neck is a self-collision', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,0')],
  });
  const a = find(step(state, movesOf({ a: 'down' }), standard), 'a');
  assert.equal(a.elimination?.cause, 'snake-self-collision');
});

test("moving into another snake's body is a snake-collision credited to that snake", () => {
  const state = board({
    snakes: [snake('a', '2,2 1,2 0,2'), snake('b', '3,4 3,3 3,2 3,1')],
  });
  const next = step(state, movesOf({ a: 'right', b: 'up' }), standard);
  assert.deepEqual(find(next, 'a').elimination, { cause: 'snake-collision', by: 'b', turn: 1 });
  assert.equal(find(next, 'b').elimination, undefined);
});

test('two equal-length heads on one square both die', () => {
  const state = board({
    snakes: [snake('a', '2,3 1,3 0,3'), snake('b', '4,3 5,3 6,3')],
  });
  const next = step(state, movesOf({ a: 'right', b: 'left' }), standard);
  assert.deepEqual(find(next, 'a').elimination, { cause: 'head-collision', by: 'b', turn: 1 });
  assert.deepEqual(find(next, 'b').elimination, { cause: 'head-collision', by: 'a', turn: 1 });
});

test('in a head-to-head the longer snake survives and the shorter is credited to it', () => {
  const state = board({
    snakes: [snake('a', '2,3 1,3 0,3'), snake('b', '4,3 5,3 6,3 6,2')],
  });
  const next = step(state, movesOf({ a: 'right', b: 'left' }), standard);
  assert.deepEqual(find(next, 'a').elimination, { cause: 'head-collision', by: 'b', turn: 1 });
  assert.equal(find(next, 'b').elimination, undefined);
});

test('length counts after eating: a snake that eats on the meeting square can win', () => {
  const state = board({
    snakes: [snake('a', '2,3 1,3 0,3'), snake('b', '4,3 5,3 6,3')],
    food: '3,3',
  });
  // Both eat the same food, so both grow to 4 and still tie.
  const next = step(state, movesOf({ a: 'right', b: 'left' }), standard);
  assert.equal(find(next, 'a').elimination?.cause, 'head-collision');
  assert.equal(find(next, 'b').elimination?.cause, 'head-collision');
});

test('when three heads meet, deaths are credited to the longest snake there', () => {
  const state = board({
    snakes: [
      snake('a', '2,3 1,3 0,3'),
      snake('b', '4,3 5,3 6,3 6,2 6,1'),
      snake('c', '3,2 3,1 3,0 2,0'),
    ],
  });
  const next = step(state, movesOf({ a: 'right', b: 'left', c: 'up' }), standard);
  assert.equal(find(next, 'a').elimination?.by, 'b');
  assert.equal(find(next, 'c').elimination?.by, 'b');
  assert.equal(find(next, 'b').elimination, undefined);
});

test('snakes that hit each other in the same turn are eliminated together', () => {
  // a's head runs into b's neck while b's head runs into a's neck.
  const state = board({
    snakes: [snake('a', '2,3 2,2 2,1'), snake('b', '3,2 3,3 3,4')],
  });
  const next = step(state, movesOf({ a: 'right', b: 'left' }), standard);
  const causes = [find(next, 'a').elimination, find(next, 'b').elimination].map(
    (e: Elimination | undefined) => e?.cause,
  );
  assert.deepEqual(causes, ['snake-collision', 'snake-collision']);
});

test('a snake that starves this turn is no longer an obstacle for others', () => {
  const state = board({
    snakes: [snake('a', '2,2 1,2 0,2'), snake('b', '3,4 3,3 3,2 3,1', 1)],
  });
  const next = step(state, movesOf({ a: 'right', b: 'up' }), standard);
  assert.equal(find(next, 'b').elimination?.cause, 'out-of-health');
  assert.equal(find(next, 'a').elimination, undefined);
});

test('a snake that leaves the board this turn is no longer an obstacle for others', () => {
  const state = board({
    snakes: [snake('a', '0,3 1,3 2,3 3,3'), snake('b', '2,4 2,5 2,6')],
  });
  const next = step(state, movesOf({ a: 'left', b: 'down' }), standard);
  assert.equal(find(next, 'a').elimination?.cause, 'wall-collision');
  assert.equal(find(next, 'b').elimination, undefined);
});
