// Food chasers: A* to a food square, first step of the path, random_valid when no food is
// reachable.
import type { Coord, Direction, GameState } from '@snakepit/battlesnake';
import { pathStart } from './lib/a-star.ts';
import { distance, indexOf } from './lib/grid.ts';
import { positionOf, preferredMoves, randomSurvivingMove, type Position } from './lib/board.ts';
import type { MoveContext, Strategy } from './types.ts';

/**
 * The first move of the cheapest path to the nearest reachable food (by path cost, hazards
 * included), or undefined when no food is reachable through a move that survives this turn.
 * Foods are tried nearest-first by straight distance, and a food whose straight distance already
 * exceeds the best path found is not searched.
 */
export function towardsClosestFood(p: Position): Direction | undefined {
  const firstMoves = preferredMoves(p);
  const goals = p.state.food
    .map((f) => indexOf(p.grid, f))
    .sort((a, b) => distance(p.grid, p.head, a) - distance(p.grid, p.head, b));

  let best: { direction: Direction; cost: number } | undefined;
  for (const goal of goals) {
    if (best !== undefined && distance(p.grid, p.head, goal) >= best.cost) break;
    const found = pathStart(p.grid, p.head, goal, { firstMoves, maxCost: best?.cost });
    if (found !== undefined && (best === undefined || found.cost < best.cost)) best = found;
  }
  return best?.direction;
}

function chaseClosest(state: GameState, ctx: MoveContext): Direction {
  const p = positionOf(state, ctx.rules);
  return towardsClosestFood(p) ?? randomSurvivingMove(p, ctx.random);
}

/** Heads for the nearest food by A*; random_valid when there is none it can reach. */
export const chaseClosestFood: Strategy = {
  name: 'chase_closest_food',
  summary: 'Follows the A* shortest path to the nearest food; random_valid when none is reachable.',
  appearance: { color: '#ff9800', head: 'beluga', tail: 'curled' },
  move: chaseClosest,
};

function chaseRandom(state: GameState, ctx: MoveContext): Direction {
  const p = positionOf(state, ctx.rules);
  const firstMoves = preferredMoves(p);
  const salt = `${state.game.id}/${state.you.id}`;
  const ranked = [...p.state.food].sort((a, b) => foodRank(salt, a) - foodRank(salt, b));
  for (const food of ranked) {
    const found = pathStart(p.grid, p.head, indexOf(p.grid, food), { firstMoves });
    if (found !== undefined) return found.direction;
  }
  return randomSurvivingMove(p, ctx.random);
}

/**
 * A pseudo-random rank of a food square within one game (FNV-1a of game, snake and square).
 * Ranking by it picks a uniformly random food per game that stays the target until eaten, where
 * drawing afresh every turn would zigzag between targets and rarely reach any.
 */
export function foodRank(salt: string, c: Coord): number {
  const key = `${salt}/${c.x},${c.y}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Heads for a food chosen at random per game (not the closest) by A*, keeping that target until
 * it is eaten; random_valid when no food is reachable.
 */
export const chaseRandomFood: Strategy = {
  name: 'chase_random_food',
  summary:
    'Follows the A* path to a food chosen at random for the game; random_valid when none is reachable.',
  appearance: { color: '#e91e63', head: 'fang', tail: 'sharp' },
  move: chaseRandom,
};
