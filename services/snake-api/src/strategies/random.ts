// Any of the four directions, uniformly: the baseline every other strategy must beat.
import { DIRECTIONS } from '@snakepit/battlesnake';
import { pick } from './lib/board.ts';
import type { Strategy } from './types.ts';

/** Moves in a uniformly random direction, even into a wall. */
export const random: Strategy = {
  name: 'random',
  summary: 'Moves in any of the four directions at random, walls and bodies included.',
  appearance: { color: '#9e9e9e', head: 'default', tail: 'default' },
  move: (_state, ctx) => pick(DIRECTIONS, ctx.random),
};
