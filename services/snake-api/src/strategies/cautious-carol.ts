// Chases food while it is safe to, otherwise keeps the most room.
import type { Direction, GameState } from '@snakepit/battlesnake';
import { towardsClosestFood } from './chase-food.ts';
import { floodArea } from './lib/flood-fill.ts';
import {
  positionOf,
  randomSurvivingMove,
  risksHeadToHead,
  targetOf,
  type Position,
} from './lib/board.ts';
import type { MoveContext, Strategy } from './types.ts';

/** Squares reachable after move `d` (0 when it leaves the board), counted up to `limit`. */
export function roomAfter(p: Position, d: Direction, limit = Infinity): number {
  const at = targetOf(p, d);
  return at === undefined ? 0 : floodArea(p.grid, at, 1, limit);
}

/**
 * The surviving move that keeps the most room: first the moves that risk no losing
 * head-to-head, then the largest flood-fill area, then the fewest hazard copies; ties keep
 * DIRECTIONS order. Undefined when no move survives.
 */
export function roomiestMove(p: Position): Direction | undefined {
  let best: { d: Direction; key: [number, number, number] } | undefined;
  for (const d of p.safe) {
    const at = targetOf(p, d) ?? 0;
    const key: [number, number, number] = [
      risksHeadToHead(p, d) ? 1 : 0,
      -roomAfter(p, d),
      p.grid.hazards[at] as number,
    ];
    if (best === undefined || lexLess(key, best.key)) best = { d, key };
  }
  return best?.d;
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) < (b[i] as number);
  }
  return false;
}

function carol(state: GameState, ctx: MoveContext): Direction {
  const p = positionOf(state, ctx.rules);
  const toFood = towardsClosestFood(p);
  // The food move must not risk a head-to-head it could lose, and must not lead into a pocket
  // smaller than the body: a snake that fits nowhere dies in a few turns.
  const acceptable =
    toFood !== undefined && !risksHeadToHead(p, toFood) && roomAfter(p, toFood) >= p.me.body.length;
  if (acceptable) return toFood;
  return roomiestMove(p) ?? randomSurvivingMove(p, ctx.random);
}

/** Chases the closest food unless that is risky; otherwise takes the roomiest move. */
export const cautiousCarol: Strategy = {
  name: 'cautious_carol',
  summary:
    'Chases the closest food unless that risks a losing head-to-head or a pocket smaller than its body; otherwise takes the move with the most room.',
  appearance: { color: '#3f51b5', head: 'smart-caterpillar', tail: 'coffee' },
  move: carol,
};
