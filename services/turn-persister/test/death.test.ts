import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Direction } from '@snakepit/battlesnake';
import {
  gameState,
  type BoardSpec,
  type SnakeSpec,
  type Square,
} from '../../../test/helpers/api-boards.ts';
import { deathCause } from '../src/death.ts';
import { gameResult } from '../src/games.ts';

const STEP: Record<Direction, Square> = { up: [0, 1], down: [0, -1], left: [-1, 0], right: [1, 0] };

/** `snake` one move on: a new head next to the old one, the tail square given up. */
function moved(snake: SnakeSpec, move: Direction): SnakeSpec {
  const [x, y] = snake.body[0] ?? assert.fail('a snake has a head');
  const [dx, dy] = STEP[move];
  return { ...snake, body: [[x + dx, y + dy], ...snake.body.slice(0, -1)] };
}

/**
 * The cause the persister gives when our snake made `move` on `spec` and the /end request, one
 * turn on, holds only `survivors`.
 */
function causeAfter(spec: BoardSpec, move: Direction, survivors: readonly SnakeSpec[] = []) {
  const end = gameState({
    ...spec,
    turn: (spec.turn ?? 10) + 1,
    you: moved(spec.you, move),
    others: survivors,
  });
  end.board.snakes = end.board.snakes.filter((s) => s.id !== 'you');
  return deathCause(gameState(spec), move, end);
}

test('a snake that moved off the board died of a wall collision', () => {
  const spec: BoardSpec = {
    you: {
      body: [
        [6, 3],
        [5, 3],
        [4, 3],
      ],
    },
  };
  assert.equal(causeAfter(spec, 'right'), 'wall-collision');
});

test('a snake that turned into its own body died of a self collision', () => {
  const spec: BoardSpec = {
    you: {
      body: [
        [2, 2],
        [2, 3],
        [3, 3],
        [3, 2],
        [3, 1],
      ],
    },
  };
  assert.equal(causeAfter(spec, 'right'), 'snake-self-collision');
});

test('a snake that met a longer one head to head lost the head collision', () => {
  const other: SnakeSpec = {
    body: [
      [4, 3],
      [5, 3],
      [6, 3],
      [6, 4],
    ],
  };
  const spec: BoardSpec = {
    you: {
      body: [
        [2, 3],
        [1, 3],
        [0, 3],
      ],
    },
    others: [other],
  };
  // The other snake moved left onto (3, 3) as we moved right, and survived.
  assert.equal(causeAfter(spec, 'right', [moved(other, 'left')]), 'head-collision');
});

test('a snake the replay sees surviving gets no cause rather than a wrong one', () => {
  const spec: BoardSpec = {
    you: {
      body: [
        [2, 3],
        [1, 3],
        [0, 3],
      ],
    },
  };
  assert.equal(causeAfter(spec, 'right'), null);
});

test('a body the simulator cannot read gives no cause', () => {
  const spec: BoardSpec = { you: { body: [[6, 3]] }, ruleset: 'squad' };
  assert.equal(causeAfter(spec, 'right'), null);
});

test('the result is won alone, draw with nobody, lost otherwise, and won alive in solo', () => {
  const you = { body: [[1, 1]] as const };
  const other = { body: [[5, 5]] as const };
  const alone = gameState({ you });
  const both = gameState({ you, others: [other] });
  const nobody = gameState({ you });
  nobody.board.snakes = [];
  const onlyOther = gameState({ you, others: [other] });
  onlyOther.board.snakes = onlyOther.board.snakes.filter((s) => s.id !== 'you');
  const solo = gameState({ you, ruleset: 'solo' });
  assert.deepEqual([alone, nobody, onlyOther, both, solo].map(gameResult), [
    'won',
    'draw',
    'lost',
    'lost',
    'won',
  ]);
});
