import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeMoves } from '@snakepit/battlesnake';
import { board, rulesOf, snake } from './boards.ts';

const standard = rulesOf('standard');

test('safeMoves leaves out walls and the neck', () => {
  const state = board({ snakes: [snake('a', '0,0 1,0 2,0')] });
  assert.deepEqual(safeMoves(state, 'a', standard), ['up']);
});

test('safeMoves allows the square a tail is leaving', () => {
  const state = board({ snakes: [snake('a', '2,2 3,2 3,3 2,3')] });
  assert.deepEqual(safeMoves(state, 'a', standard), ['up', 'down', 'left']);
});

test('safeMoves refuses a tail that stays because its snake just ate', () => {
  const state = board({ snakes: [snake('a', '2,2 3,2 3,3 2,3 2,3')] });
  assert.deepEqual(safeMoves(state, 'a', standard), ['down', 'left']);
});

test("safeMoves refuses other snakes' bodies but allows their moving tails", () => {
  const state = board({
    snakes: [snake('a', '3,3 3,2 3,1'), snake('b', '2,4 2,3 1,3'), snake('c', '5,3 4,3 4,4')],
  });
  // Up (3,4) is free, left (2,3) is b's neck, right (4,3) is c's neck; b's tail (1,3) would move.
  assert.deepEqual(safeMoves(state, 'a', standard), ['up']);
  const tail = board({ snakes: [snake('a', '3,3 3,2 3,1'), snake('b', '1,4 1,3 2,3')] });
  assert.deepEqual(safeMoves(tail, 'a', standard), ['up', 'left', 'right']);
});

test('safeMoves keeps head-to-head risks in (strategies weigh those)', () => {
  const state = board({ snakes: [snake('a', '2,3 1,3 0,3'), snake('b', '4,3 5,3 6,3 6,2')] });
  assert.ok(safeMoves(state, 'a', standard).includes('right'));
});

test('safeMoves refuses a move that starves the snake unless food is there', () => {
  const state = board({ snakes: [snake('a', '3,3 3,2 3,1', 1)], food: '3,4' });
  assert.deepEqual(safeMoves(state, 'a', standard), ['up']);
});

test('safeMoves refuses a hazard square whose damage would kill', () => {
  const state = board({ snakes: [snake('a', '3,3 3,2 3,1', 15)], hazards: '3,4 2,3 2,3' });
  // Up costs 1 + 14 = 15 (deadly); left is a double hazard; right is clear.
  assert.deepEqual(safeMoves(state, 'a', standard), ['right']);
});

test('safeMoves allows a hazard square the snake can afford, and one with food on it', () => {
  const state = board({ snakes: [snake('a', '3,3 3,2 3,1', 16)], hazards: '3,4 2,3', food: '2,3' });
  assert.deepEqual(safeMoves(state, 'a', standard), ['up', 'left', 'right']);
});

test('safeMoves crosses the edges of a wrapped board', () => {
  const state = board({ snakes: [snake('a', '0,0 1,0 2,0')] });
  assert.deepEqual(safeMoves(state, 'a', rulesOf('wrapped')), ['up', 'down', 'left']);
});

test('safeMoves treats constrictor tails as staying', () => {
  const state = board({ snakes: [snake('a', '2,2 3,2 3,3 2,3 2,3')] });
  assert.deepEqual(safeMoves(state, 'a', rulesOf('constrictor')), ['down', 'left']);
});

test('safeMoves is empty for an unknown or eliminated snake', () => {
  const dead = { ...snake('d', '3,3 3,2 3,1'), elimination: { cause: 'hazard' as const, turn: 1 } };
  const state = board({ snakes: [dead] });
  assert.deepEqual(safeMoves(state, 'd', standard), []);
  assert.deepEqual(safeMoves(state, 'nobody', standard), []);
});
