import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGameOver, neighbour, step } from '@snakepit/battlesnake';
import { board, find, movesOf, pairs, rulesOf, snake } from './boards.ts';

const wrapped = rulesOf('wrapped');

test('a wrapped board moves a head from x=0 left to x=width-1', () => {
  const state = board({
    snakes: [snake('a', '0,3 1,3 2,3')],
  });
  const a = find(step(state, movesOf({ a: 'left' }), wrapped), 'a');
  assert.equal(a.elimination, undefined);
  assert.deepEqual(a.body[0], { x: 6, y: 3 });
});

test('a wrapped board moves a head from the top row up to y=0', () => {
  const state = board({
    snakes: [snake('a', '3,6 3,5 3,4')],
  });
  assert.deepEqual(find(step(state, movesOf({ a: 'up' }), wrapped), 'a').body[0], { x: 3, y: 0 });
});

test('wrapped_constrictor wraps as well', () => {
  const state = board({
    snakes: [snake('a', '6,0 5,0 4,0')],
  });
  const next = step(state, movesOf({ a: 'right' }), rulesOf('wrapped_constrictor'));
  assert.deepEqual(find(next, 'a').body[0], { x: 0, y: 0 });
});

test('a body lying across a wrapped edge is an obstacle on both sides', () => {
  const state = board({
    snakes: [snake('a', '0,3 6,3 5,3 4,3'), snake('b', '6,4 6,5 6,6')],
  });
  const next = step(state, movesOf({ a: 'up', b: 'down' }), wrapped);
  assert.deepEqual(find(next, 'b').elimination, { cause: 'snake-collision', by: 'a', turn: 1 });
});

test('neighbour wraps on wrapped boards and not on standard ones', () => {
  const state = board({ snakes: [] });
  assert.deepEqual(neighbour({ x: 0, y: 0 }, 'down', state, wrapped), { x: 0, y: 6 });
  assert.deepEqual(neighbour({ x: 0, y: 0 }, 'down', state, rulesOf('standard')), { x: 0, y: -1 });
});

test('constrictor snakes grow every turn and stay at full health', () => {
  const constrictor = rulesOf('constrictor');
  let state = board({
    snakes: [snake('a', '1,1 1,1 1,1', 100)],
  });
  state = step(state, movesOf({ a: 'up' }), constrictor);
  assert.deepEqual(pairs(find(state, 'a')), '1,2 1,1 1,1');
  state = step(state, movesOf({ a: 'up' }), constrictor);
  assert.deepEqual(pairs(find(state, 'a')), '1,3 1,2 1,1 1,1');
  state = step(state, movesOf({ a: 'right' }), constrictor);
  assert.deepEqual(pairs(find(state, 'a')), '2,3 1,3 1,2 1,1 1,1');
  assert.equal(find(state, 'a').health, 100);
});

test('constrictor clears all food, eaten or not', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,1', 100)],
    food: '2,3 5,5',
  });
  const next = step(state, movesOf({ a: 'up' }), rulesOf('constrictor'));
  assert.deepEqual(next.food, []);
  // Eating already doubled the tail, so the constrictor growth adds nothing more this turn.
  assert.deepEqual(pairs(find(next, 'a')), '2,3 2,2 2,1 2,1');
});

test('a standard game is over when one snake is left', () => {
  const dead = { ...snake('b', '5,5'), elimination: { cause: 'hazard' as const, turn: 2 } };
  const state = board({ snakes: [snake('a', '1,1'), dead] });
  assert.equal(isGameOver(state, rulesOf('standard')), true);
  assert.equal(isGameOver(state, rulesOf('royale')), true);
});

test('a standard game with two snakes left goes on', () => {
  const state = board({ snakes: [snake('a', '1,1'), snake('b', '5,5')] });
  assert.equal(isGameOver(state, rulesOf('standard')), false);
});

test('a solo game goes on while its snake is alive and ends when it dies', () => {
  const alive = board({
    snakes: [snake('a', '1,0 1,1')],
  });
  assert.equal(isGameOver(alive, rulesOf('solo')), false);
  const next = step(alive, movesOf({ a: 'down' }), rulesOf('solo'));
  assert.equal(find(next, 'a').elimination?.cause, 'wall-collision');
  assert.equal(isGameOver(next, rulesOf('solo')), true);
});
