// Which moves the search looks at, for us and for each opponent, and in what order.
import {
  defaultMove,
  safeMoves,
  type Coord,
  type Direction,
  type Rules,
  type SimSnake,
  type SimState,
} from '@snakepit/battlesnake';

/**
 * The moves worth searching for `snake`: those that survive this turn apart from head-to-heads.
 * When none does, the one move it makes anyway (it dies either way; one branch is enough).
 */
export function candidateMoves(state: SimState, snake: SimSnake, rules: Rules): Direction[] {
  const safe = safeMoves(state, snake.id, rules);
  return safe.length > 0 ? safe : [defaultMove(snake.body)];
}

/**
 * Opponents we play against move by move: the `limit` nearest to our head. The rest keep to a
 * fixed, cheap policy (see `routineMove`); on crowded boards searching every joint move of 15
 * snakes would leave no time to look even one turn ahead.
 */
export function nearestOpponents(me: SimSnake, alive: readonly SimSnake[], limit: number) {
  const head = me.body[0] as Coord;
  return alive
    .filter((s) => s !== me)
    .map((s) => ({ s, d: manhattan(head, s.body[0] as Coord) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, limit)
    .map((e) => e.s);
}

/** A distant opponent's move: straight on when that survives, else its first surviving move. */
export function routineMove(state: SimState, snake: SimSnake, rules: Rules): Direction {
  const moves = candidateMoves(state, snake, rules);
  const straight = defaultMove(snake.body);
  return moves.includes(straight) ? straight : (moves[0] as Direction);
}

/** Opponent moves towards our head first: the dangerous ones, which cut the search off soonest. */
export function orderTowards(moves: Direction[], from: Coord, target: Coord): Direction[] {
  const after = (d: Direction): number => manhattan(stepOnce(from, d), target);
  return moves.sort((a, b) => after(a) - after(b));
}

function stepOnce(c: Coord, d: Direction): Coord {
  if (d === 'up') return { x: c.x, y: c.y + 1 };
  if (d === 'down') return { x: c.x, y: c.y - 1 };
  if (d === 'left') return { x: c.x - 1, y: c.y };
  return { x: c.x + 1, y: c.y };
}

function manhattan(a: Coord, b: Coord): number {
  return Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
}
