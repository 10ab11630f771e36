import { test } from 'node:test';
import assert from 'node:assert/strict';
import { step } from '@snakepit/battlesnake';
import { board, find, movesOf, rulesOf, snake } from './boards.ts';

const rules = rulesOf('standard', { hazardDamagePerTurn: 14 });
const up = movesOf({ a: 'up' });
const a = (health: number) => snake('a', '2,2 2,1 2,0', health);

test('a head ending its turn on a hazard loses the hazard damage on top of the usual 1', () => {
  const next = step(board({ snakes: [a(80)], hazards: '2,3' }), up, rules);
  assert.equal(find(next, 'a').health, 65);
});

test('a hazard under the body but not the head does no damage', () => {
  const next = step(board({ snakes: [a(80)], hazards: '2,1' }), up, rules);
  assert.equal(find(next, 'a').health, 79);
});

test('stacked hazards on one square deal their damage once per copy', () => {
  const next = step(
    board({
      snakes: [a(80)],
      hazards: '2,3 2,3 2,3',
    }),
    up,
    rules,
  );
  assert.equal(find(next, 'a').health, 80 - 1 - 3 * 14);
});

test('food on a hazard square cancels the hazard damage and feeds the snake', () => {
  const next = step(board({ snakes: [a(20)], hazards: '2,3', food: '2,3' }), up, rules);
  assert.equal(find(next, 'a').health, 100);
});

test('hazard damage that empties health eliminates the snake with cause hazard', () => {
  const next = step(board({ snakes: [a(10)], hazards: '2,3', turn: 7 }), up, rules);
  assert.deepEqual(find(next, 'a').elimination, { cause: 'hazard', turn: 8 });
  assert.equal(find(next, 'a').health, 0);
});

test('a snake starving on a harmless hazard is eliminated by hazard, as in the engine', () => {
  const harmless = rulesOf('standard', { hazardDamagePerTurn: 0 });
  const next = step(board({ snakes: [a(1)], hazards: '2,3' }), up, harmless);
  assert.equal(find(next, 'a').elimination?.cause, 'hazard');
});

test('a snake starving off hazards is eliminated out-of-health', () => {
  const next = step(board({ snakes: [a(1)], hazards: '6,6' }), up, rules);
  assert.equal(find(next, 'a').elimination?.cause, 'out-of-health');
});

test('negative hazard damage heals, up to 100', () => {
  const healing = rulesOf('standard', { hazardDamagePerTurn: -10 });
  const low = step(board({ snakes: [a(50)], hazards: '2,3' }), up, healing);
  assert.equal(find(low, 'a').health, 59);
  const high = step(board({ snakes: [a(97)], hazards: '2,3' }), up, healing);
  assert.equal(find(high, 'a').health, 100);
});

test('a snake a hazard eliminates is no longer an obstacle for others', () => {
  const state = board({
    snakes: [snake('a', '2,2 1,2 0,2'), snake('b', '3,4 3,3 3,2 3,1', 10)],
    hazards: '3,5',
  });
  const next = step(state, movesOf({ a: 'right', b: 'up' }), rules);
  assert.equal(find(next, 'b').elimination?.cause, 'hazard');
  assert.equal(find(next, 'a').elimination, undefined);
});

test('a longer snake that a hazard eliminates loses the head-to-head it would have won', () => {
  const state = board({
    snakes: [snake('a', '2,3 1,3 0,3'), snake('b', '4,3 5,3 6,3 6,2', 5)],
    hazards: '3,3',
  });
  const next = step(state, movesOf({ a: 'right', b: 'left' }), rules);
  assert.equal(find(next, 'b').elimination?.cause, 'hazard');
  assert.equal(find(next, 'a').elimination, undefined);
  assert.equal(find(next, 'a').health, 85);
});

test('stacked hazards deal their damage once per copy on a board full of hazards too', () => {
  const pits = '1,1 1,5 5,1 5,5 0,0 0,6 6,0 6,6 2,3 2,3 2,3 2,3';
  const next = step(board({ snakes: [a(80)], hazards: pits }), up, rules);
  assert.equal(find(next, 'a').health, 80 - 1 - 4 * 14);
});
