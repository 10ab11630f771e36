// Questions strategies and game loops ask about a state; none of them changes it.
import { DIRECTIONS, type Coord, type Direction } from '../api.ts';
import { containsCoord, hazardsAt, isWrappedGame, moveCoord, onBoard } from './board.ts';
import { MAX_HEALTH, type Rules, type SimSnake, type SimState } from './types.ts';

/** The snakes not yet eliminated, in board order. */
export function aliveSnakes(state: SimState): SimSnake[] {
  return state.snakes.filter((s) => s.elimination === undefined);
}

/**
 * True when the engine would end the game before playing another turn: in a solo game once no
 * snake is left, in every other game type once one snake or none is left. (The engine CLI plays
 * any one-snake game as solo; give such games the game type 'solo' here.)
 */
export function isGameOver(state: SimState, rules: Rules): boolean {
  let alive = 0;
  for (const s of state.snakes) if (s.elimination === undefined) alive++;
  return rules.gameType === 'solo' ? alive === 0 : alive <= 1;
}

/**
 * The moves after which this snake cannot be eliminated this turn by a wall, its own body,
 * another body, starvation or hazard damage, in DIRECTIONS order. A tail square counts as free
 * when that tail will move (it will not if it is doubled: just ate, or the game just started).
 * Head-to-head risk is left to the caller. Bodies of snakes that may die this same turn still
 * count as obstacles, so the answer errs on the safe side. Unknown or eliminated snake: [].
 */
export function safeMoves(state: SimState, snakeId: string, rules: Rules): Direction[] {
  const snake = state.snakes.find((s) => s.id === snakeId);
  const head = snake?.body[0];
  if (snake === undefined || snake.elimination !== undefined || head === undefined) return [];

  const wrap = isWrappedGame(rules.gameType);
  const safe: Direction[] = [];
  for (const d of DIRECTIONS) {
    const next = moveCoord(head, d, state.width, state.height, wrap);
    if (!onBoard(next, state.width, state.height)) continue;
    if (isOccupiedNextTurn(next, state)) continue;
    if (healthAfterMove(snake.health, next, state, rules) <= 0) continue;
    safe.push(d);
  }
  return safe;
}

/**
 * True when a body segment will be on `c` after every snake has moved: all segments but the
 * last one, which is the tail that leaves (a doubled tail leaves one copy behind, so it stays).
 */
function isOccupiedNextTurn(c: Coord, state: SimState): boolean {
  for (const s of state.snakes) {
    if (s.elimination !== undefined) continue;
    const body = s.body;
    for (let i = 0; i < body.length - 1; i++) {
      const p = body[i] as Coord;
      if (p.x === c.x && p.y === c.y) return true;
    }
  }
  return false;
}

/** Health once the head is on `c` at the end of the turn, before food is eaten (full if food is there). */
function healthAfterMove(health: number, c: Coord, state: SimState, rules: Rules): number {
  if (containsCoord(state.food, c)) return MAX_HEALTH;
  const stacks = hazardsAt(state.hazards, c, state.width, state.height);
  const damage = stacks * rules.hazardDamagePerTurn;
  return Math.min(MAX_HEALTH, Math.max(0, health - 1 - damage));
}
