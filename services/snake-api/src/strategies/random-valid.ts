// A random move among those that survive this turn.
import { positionOf, randomSurvivingMove } from './lib/board.ts';
import type { Strategy } from './types.ts';

/** Moves at random among the moves that do not die this turn. */
export const randomValid: Strategy = {
  name: 'random_valid',
  summary:
    'Moves at random among the moves that survive this turn, avoiding head-to-heads it would lose.',
  appearance: { color: '#4caf50', head: 'smile', tail: 'round-bum' },
  move: (state, ctx) => randomSurvivingMove(positionOf(state, ctx.rules), ctx.random),
};
