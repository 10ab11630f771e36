import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultMove } from '@snakepit/battlesnake';
import { countAt, hazardsAt } from '../../src/rules/board.ts';
import { squares } from './boards.ts';

test('the default move follows the head away from the neck', () => {
  assert.equal(defaultMove(squares('3,3 2,3 1,3')), 'right');
  assert.equal(defaultMove(squares('3,3 4,3')), 'left');
  assert.equal(defaultMove(squares('3,3 3,2')), 'up');
  assert.equal(defaultMove(squares('3,3 3,4')), 'down');
});

test('the default move follows a head that just crossed a wrapped edge', () => {
  assert.equal(defaultMove(squares('0,3 6,3')), 'right');
  assert.equal(defaultMove(squares('6,3 0,3')), 'left');
  assert.equal(defaultMove(squares('3,0 3,6')), 'up');
  assert.equal(defaultMove(squares('3,6 3,0')), 'down');
});

test('the default move of a stacked or one-square snake is up', () => {
  assert.equal(defaultMove(squares('3,3 3,3 3,3')), 'up');
  assert.equal(defaultMove(squares('3,3')), 'up');
});

test('hazardsAt counts every stacked copy, on short and long hazard lists alike', () => {
  const coord = fc.record({ x: fc.integer({ min: 0, max: 6 }), y: fc.integer({ min: 0, max: 6 }) });
  fc.assert(
    fc.property(fc.array(coord, { maxLength: 40 }), coord, (hazards, c) => {
      assert.equal(hazardsAt(hazards, c, 7, 7), countAt(hazards, c));
    }),
  );
});

test('hazardsAt notices a hazard list that grew after it was first read', () => {
  const hazards = squares('0,0 1,1 2,2 3,3 4,4 5,5 6,6 0,6 6,0');
  assert.equal(hazardsAt(hazards, { x: 1, y: 2 }, 7, 7), 0);
  hazards.push({ x: 1, y: 2 });
  assert.equal(hazardsAt(hazards, { x: 1, y: 2 }, 7, 7), 1);
});
