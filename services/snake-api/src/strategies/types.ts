// What a strategy is, and what it is told about the move it must make.
import type { Direction, GameState, Rules } from '@snakepit/battlesnake';

/** How the snake looks on the board; sent in the info object (GET / and GET /:strategy). */
export interface Appearance {
  /** A hex colour such as `#3e8e41`. */
  color: string;
  /** A head customization name from the Battlesnake docs, such as `default`. */
  head: string;
  /** A tail customization name from the Battlesnake docs, such as `default`. */
  tail: string;
}

/** Everything a strategy may use besides the request body. */
export interface MoveContext {
  /** The rules of this game (wrapping, hazard damage, ...), for the simulator. */
  rules: Rules;
  /** When the answer must be ready, on the `performance.now()` clock, in milliseconds. */
  deadlineAt: number;
  /** Milliseconds from the start of the strategy's work to `deadlineAt`. */
  budgetMs: number;
  /** Uniform random numbers in [0, 1); injected so tests can make choices repeatable. */
  random: () => number;
}

/**
 * One way of playing. `move` must be a pure function of its arguments (no I/O) and should return
 * before `ctx.deadlineAt`; the handler falls back to a safe move if it throws or, when it returns
 * a promise, if that promise has not settled by the deadline.
 */
export interface Strategy {
  /** The URL path segment, for example `cautious_carol`. */
  name: string;
  /** One sentence on how it plays, for the README and the 404 listing. */
  summary: string;
  appearance: Appearance;
  move(state: GameState, ctx: MoveContext): Direction | Promise<Direction>;
}
