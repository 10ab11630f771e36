import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Direction } from '@snakepit/battlesnake';
import { gameState, type BoardSpec } from '../../../test/helpers/api-boards.ts';
import { deathCause } from '../src/death.ts';
import { gameResult } from '../src/games.ts';

/** The /end request after `spec`: the same game one turn on, with only `survivors` on the board. */
function endAfter(spec: BoardSpec, you: BoardSpec['you'], survivors: BoardSpec['others'] = []) {
  const end = gameState({ ...spec, turn: (spec.turn ?? 10) + 1, you, others: survivors });
  end.board.snakes = end.board.snakes.filter((s) => s.id !== 'you');
  return end;
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
  const end = endAfter(spec, {
    body: [
      [7, 3],
      [6, 3],
      [5, 3],
    ],
  });
  assert.equal(deathCause(gameState(spec), 'right', end), 'wall-collision');
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
  const end = endAfter(spec, {
    body: [
      [3, 2],
      [2, 2],
      [2, 3],
      [3, 3],
      [3, 2],
    ],
  });
  assert.equal(deathCause(gameState(spec), 'right', end), 'snake-self-collision');
});

test('a snake that met a longer one head to head lost the head collision', () => {
  const spec: BoardSpec = {
    you: {
      body: [
        [2, 3],
        [1, 3],
        [0, 3],
      ],
    },
    others: [
      {
        body: [
          [4, 3],
          [5, 3],
          [6, 3],
          [6, 4],
        ],
      },
    ],
  };
  // The other snake moved left onto (3, 3) as we moved right, and survived.
  const end = endAfter(
    spec,
    {
      body: [
        [3, 3],
        [2, 3],
        [1, 3],
      ],
    },
    [
      {
        body: [
          [3, 3],
          [4, 3],
          [5, 3],
          [6, 3],
        ],
      },
    ],
  );
  const move: Direction = 'right';
  assert.equal(deathCause(gameState(spec), move, end), 'head-collision');
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
  const end = endAfter(spec, {
    body: [
      [3, 3],
      [2, 3],
      [1, 3],
    ],
  });
  assert.equal(deathCause(gameState(spec), 'right', end), null);
});

test('a body the simulator cannot read gives no cause', () => {
  const spec: BoardSpec = { you: { body: [[6, 3]] }, ruleset: 'squad' };
  const end = endAfter(spec, { body: [[7, 3]] });
  assert.equal(deathCause(gameState(spec), 'right', end), null);
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
