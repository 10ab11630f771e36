// One turn of look-ahead against every combination of nearby enemy replies.
import {
  DIRECTIONS,
  defaultMove,
  safeMoves,
  step,
  type Direction,
  type GameState,
  type SimSnake,
} from '@snakepit/battlesnake';
import { distance, indexOf } from './lib/grid.ts';
import { pick, positionOf, type Position } from './lib/board.ts';
import type { MoveContext, Strategy } from './types.ts';

/**
 * Heads within two steps of ours: only they can reach a square we can reach this turn, so only
 * their replies can change whether we survive it. Every other body's next position is the same
 * whatever it does (its head moves away from us, its tail leaves either way).
 */
function rivalsNear(p: Position): SimSnake[] {
  return p.state.snakes.filter((s) => {
    const head = s.body[0];
    if (s.id === p.me.id || s.elimination !== undefined || head === undefined) return false;
    return distance(p.grid, p.head, indexOf(p.grid, head)) <= 2;
  });
}

/** How often each of our candidate moves died over the combinations simulated so far. */
interface Tally {
  deaths: number[];
  tried: number;
}

/**
 * Simulates every combination of rival replies (each rival's surviving moves, or the way its
 * head points when it has none) against each candidate move, until all are done or the
 * deadline passes; combinations are the outer loop so a cut-off leaves every move equally tried.
 */
function tally(p: Position, candidates: readonly Direction[], ctx: MoveContext): Tally {
  const rivals = rivalsNear(p);
  const replies = rivals.map((r) => {
    const moves = safeMoves(p.state, r.id, p.rules);
    return moves.length > 0 ? moves : [defaultMove(r.body)];
  });
  const choice = new Array<number>(rivals.length).fill(0);
  const result: Tally = { deaths: candidates.map(() => 0), tried: 0 };

  for (;;) {
    const moves = new Map<string, Direction>();
    rivals.forEach((r, i) => moves.set(r.id, replies[i]?.[choice[i] as number] ?? 'up'));
    candidates.forEach((d, k) => {
      moves.set(p.me.id, d);
      const next = step(p.state, moves, p.rules);
      const me = next.snakes.find((s) => s.id === p.me.id);
      if (me?.elimination !== undefined) result.deaths[k] = (result.deaths[k] as number) + 1;
    });
    result.tried++;
    if (!advance(choice, replies) || performance.now() >= ctx.deadlineAt) return result;
  }
}

/** The next combination in odometer order; false after the last one. */
function advance(choice: number[], replies: readonly (readonly Direction[])[]): boolean {
  for (let i = 0; i < choice.length; i++) {
    choice[i] = (choice[i] as number) + 1;
    if ((choice[i] as number) < (replies[i]?.length ?? 0)) return true;
    choice[i] = 0;
  }
  return false;
}

function blast(state: GameState, ctx: MoveContext): Direction {
  const p = positionOf(state, ctx.rules);
  const candidates = p.safe.length > 0 ? p.safe : DIRECTIONS;
  if (candidates.length === 1) return candidates[0] as Direction;

  const { deaths } = tally(p, candidates, ctx);
  const fewest = Math.min(...deaths);
  const best = candidates.filter((_, k) => deaths[k] === fewest);
  return pick(best, ctx.random);
}

/**
 * Looks one turn ahead against every combination of nearby enemy replies; picks at random among
 * the moves that die in the fewest combinations (none, when it can).
 */
export const blastRandomValid: Strategy = {
  name: 'blast_random_valid',
  summary:
    'Simulates every combination of nearby enemy replies one turn ahead and picks at random among the moves that die in the fewest of them.',
  appearance: { color: '#00bcd4', head: 'bendr', tail: 'bolt' },
  move: blast,
};
