import { test } from 'node:test';
import assert from 'node:assert/strict';
import { step } from '@snakepit/battlesnake';
import { board, find, movesOf, pairs, rulesOf, snake } from './boards.ts';

const standard = rulesOf('standard');

test('a move puts the head one square further and drops the last tail segment', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,0')],
  });
  const next = step(state, movesOf({ a: 'right' }), standard);
  assert.deepEqual(pairs(find(next, 'a')), '3,2 2,2 2,1');
});

test('y grows upwards: up adds one to y', () => {
  const state = board({
    snakes: [snake('a', '2,2 1,2 0,2')],
  });
  assert.deepEqual(find(step(state, movesOf({ a: 'up' }), standard), 'a').body[0], { x: 2, y: 3 });
});

test('the turn number goes up by one', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,0')],
    turn: 41,
  });
  assert.equal(step(state, movesOf({ a: 'up' }), standard).turn, 42);
});

test('a snake without a move keeps going the way its head points', () => {
  const state = board({
    snakes: [snake('a', '2,2 1,2 0,2')],
  });
  assert.deepEqual(find(step(state, new Map(), standard), 'a').body[0], { x: 3, y: 2 });
});

test('a snake with an invalid move keeps going the way its head points', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,3 2,4')],
  });
  const moves = new Map([['a', 'sideways']]) as unknown as Map<string, 'up'>;
  assert.deepEqual(find(step(state, moves, standard), 'a').body[0], { x: 2, y: 1 });
});

test('a stacked snake without a move goes up', () => {
  const state = board({
    snakes: [snake('a', '3,3 3,3 3,3')],
  });
  assert.deepEqual(find(step(state, new Map(), standard), 'a').body[0], { x: 3, y: 4 });
});

test('a snake without a move on a wrapped board keeps its direction across the edge', () => {
  const state = board({
    snakes: [snake('a', '0,3 6,3 5,3')],
  });
  const next = step(state, new Map(), rulesOf('wrapped'));
  assert.deepEqual(find(next, 'a').body[0], { x: 1, y: 3 });
});

test('a stacked starting body unfolds one square per turn and keeps length 3', () => {
  let state = board({
    snakes: [snake('a', '1,1 1,1 1,1')],
    food: '5,5',
  });
  state = step(state, movesOf({ a: 'up' }), standard);
  assert.deepEqual(pairs(find(state, 'a')), '1,2 1,1 1,1');
  state = step(state, movesOf({ a: 'up' }), standard);
  assert.deepEqual(pairs(find(state, 'a')), '1,3 1,2 1,1');
});

test('every turn costs one health', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,0', 57)],
  });
  assert.equal(find(step(state, movesOf({ a: 'up' }), standard), 'a').health, 56);
});

test('a snake that eats is back to 100 health and the food is gone', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,0', 30)],
    food: '2,3 5,5',
  });
  const next = step(state, movesOf({ a: 'up' }), standard);
  assert.equal(find(next, 'a').health, 100);
  assert.deepEqual(next.food, [{ x: 5, y: 5 }]);
});

test('a snake that eats keeps its tail in place for one turn', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,0')],
    food: '2,3',
  });
  const ate = step(state, movesOf({ a: 'up' }), standard);
  assert.deepEqual(pairs(find(ate, 'a')), '2,3 2,2 2,1 2,1');
  const after = step(ate, movesOf({ a: 'up' }), standard);
  assert.deepEqual(pairs(find(after, 'a')), '2,4 2,3 2,2 2,1');
});

test('a snake at 1 health that reaches food survives', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,0', 1)],
    food: '2,3',
  });
  const a = find(step(state, movesOf({ a: 'up' }), standard), 'a');
  assert.equal(a.elimination, undefined);
  assert.equal(a.health, 100);
});

test('two snakes reaching the same food both eat it', () => {
  const state = board({
    snakes: [snake('a', '2,3 1,3 0,3'), snake('b', '4,3 5,3 6,3 6,4', 50)],
    food: '3,3',
  });
  const next = step(state, movesOf({ a: 'right', b: 'left' }), standard);
  assert.equal(find(next, 'a').body.length, 4);
  assert.equal(find(next, 'b').health, 100);
  assert.deepEqual(next.food, []);
});

test('a snake may move into the square its tail is leaving', () => {
  const state = board({
    snakes: [snake('a', '2,2 3,2 3,3 2,3')],
  });
  const a = find(step(state, movesOf({ a: 'up' }), standard), 'a');
  assert.equal(a.elimination, undefined);
  assert.deepEqual(a.body[0], { x: 2, y: 3 });
});

test('a tail that stays because the snake just ate is a collision', () => {
  const state = board({
    snakes: [snake('a', '2,2 3,2 3,3 2,3 2,3')],
  });
  const a = find(step(state, movesOf({ a: 'up' }), standard), 'a');
  assert.equal(a.elimination?.cause, 'snake-self-collision');
});

test('eliminated snakes do not move, starve or eat', () => {
  const dead = {
    ...snake('d', '5,5 5,4 5,3', 40),
    elimination: { cause: 'wall-collision' as const, turn: 3 },
  };
  const state = board({
    snakes: [snake('a', '1,1 1,2 1,3'), dead],
    food: '5,6',
  });
  const next = step(state, movesOf({ a: 'down', d: 'up' }), standard);
  assert.equal(find(next, 'd'), dead);
  assert.equal(next.food.length, 1);
});

test('step leaves its input state untouched', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,0', 30), snake('b', '4,4 4,5 4,6')],
    food: '2,3',
    hazards: '4,3',
  });
  const copy = structuredClone(state);
  step(state, movesOf({ a: 'up', b: 'down' }), standard);
  assert.deepEqual(state, copy);
});

test('step never adds food or changes hazards', () => {
  const state = board({
    snakes: [snake('a', '2,2 2,1 2,0')],
    hazards: '0,0',
    turn: 99,
  });
  const next = step(state, movesOf({ a: 'up' }), rulesOf('royale', { shrinkEveryNTurns: 1 }));
  assert.deepEqual(next.food, []);
  assert.deepEqual(next.hazards, [{ x: 0, y: 0 }]);
});
