// Random play for tests and benchmarks that need boards from the middle of a game.
import {
  DIRECTIONS,
  safeMoves,
  type Direction,
  type Rng,
  type Rules,
  type SimState,
} from '@snakepit/battlesnake';

/**
 * A random surviving move for every snake in `state`, any direction for a snake that has none.
 * One `rng` draw per snake, in board order, so that a seeded game plays the same every run.
 */
export function randomSurvivingMoves(
  state: SimState,
  rules: Rules,
  rng: Rng,
): Map<string, Direction> {
  const moves = new Map<string, Direction>();
  for (const snake of state.snakes) {
    const safe = safeMoves(state, snake.id, rules);
    const choices = safe.length > 0 ? safe : DIRECTIONS;
    moves.set(snake.id, choices[Math.floor(rng.next() * choices.length)] as Direction);
  }
  return moves;
}
