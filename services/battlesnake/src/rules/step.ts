// One turn of the official engine's pipeline (rules v1.2.3), in its order: move, starve, hazard
// damage, feed, eliminate, and for constrictor games clear food and grow. Food spawning and map
// hazards are what happens *between* turns; they live in advance.ts so that `step` stays
// deterministic for strategies that search thousands of futures per move.
import type { Coord, Direction } from '../api.ts';
import {
  containsCoord,
  hazardsAt,
  defaultMove,
  isConstrictorGame,
  isWrappedGame,
  moveCoord,
} from './board.ts';
import { eliminateSnakes } from './eliminate.ts';
import { MAX_HEALTH, type Rules, type SimSnake, type SimState } from './types.ts';

/**
 * The state after one turn: every alive snake moves (a snake missing from `moves`, or with an
 * invalid move, keeps going the way its head points, as in the engine), then health, hazards,
 * food and eliminations are applied. Turn + 1. Does not spawn food or grow hazards, does not
 * check whether the game was already over, and never mutates `state`.
 */
export function step(
  state: SimState,
  moves: ReadonlyMap<string, Direction>,
  rules: Rules,
): SimState {
  const turn = state.turn + 1;
  const wrap = isWrappedGame(rules.gameType);
  const snakes = state.snakes.map((s) =>
    s.elimination === undefined ? moveSnake(s, moves.get(s.id), state, wrap) : s,
  );

  damageOnHazards(snakes, state, rules.hazardDamagePerTurn, turn);
  let food = feedSnakes(snakes, state.food);
  eliminateSnakes(snakes, state.width, state.height, turn);
  if (isConstrictorGame(rules.gameType)) {
    food = [];
    growConstrictors(snakes);
  }

  return { turn, width: state.width, height: state.height, food, hazards: state.hazards, snakes };
}

/** A fresh snake one square further on, with one health less (starvation is part of moving). */
function moveSnake(
  snake: SimSnake,
  move: Direction | undefined,
  state: SimState,
  wrap: boolean,
): SimSnake {
  const old = snake.body;
  const head = old[0];
  // An alive snake without a body cannot move; the engine refuses such a state, we leave it be.
  if (head === undefined) return { id: snake.id, health: snake.health - 1, body: [] };

  const direction = isDirection(move) ? move : defaultMove(old);
  // Built by push so the array stays packed (no holes), which keeps later reads fast.
  const body = [moveCoord(head, direction, state.width, state.height, wrap)];
  for (let i = 1; i < old.length; i++) body.push(old[i - 1] as Coord);
  return { id: snake.id, health: snake.health - 1, body };
}

function isDirection(move: unknown): move is Direction {
  return move === 'up' || move === 'down' || move === 'left' || move === 'right';
}

/**
 * Each hazard copy under a head costs `damage` health, unless food lies there (it is about to be
 * eaten). A snake brought to 0 here is eliminated by 'hazard', even when starvation took the last
 * point, so callers can tell hazard deaths apart; this is the engine's order and cause.
 */
function damageOnHazards(snakes: SimSnake[], state: SimState, damage: number, turn: number): void {
  const { food, hazards, width, height } = state;
  if (hazards.length === 0) return;
  for (const s of snakes) {
    const head = s.body[0];
    if (s.elimination !== undefined || head === undefined) continue;
    const stacks = hazardsAt(hazards, head, width, height);
    if (stacks === 0 || containsCoord(food, head)) continue;

    // Clamping once equals the engine's clamp per copy, because every copy deals the same damage.
    s.health = Math.min(MAX_HEALTH, Math.max(0, s.health - damage * stacks));
    if (s.health <= 0) s.elimination = { cause: 'hazard', turn };
  }
}

/** Alive heads on food eat it (all of them, if several share it): full health, tail doubled. */
function feedSnakes(snakes: SimSnake[], food: Coord[]): Coord[] {
  let left: Coord[] | undefined;
  for (let i = 0; i < food.length; i++) {
    const f = food[i] as Coord;
    let eaten = false;
    for (const s of snakes) {
      const head = s.body[0];
      if (s.elimination !== undefined || head === undefined) continue;
      if (head.x !== f.x || head.y !== f.y) continue;
      s.health = MAX_HEALTH;
      s.body.push(s.body[s.body.length - 1] as Coord);
      eaten = true;
    }
    // Copy the food list only once something is eaten; most turns share it unchanged.
    if (eaten && left === undefined) left = food.slice(0, i);
    else if (!eaten && left !== undefined) left.push(f);
  }
  return left ?? food;
}

/**
 * Constrictor: alive snakes are always at full health and grow by one each turn, unless the tail
 * is already doubled (as at the start, or after eating). The engine does this to eliminated
 * snakes as well, which no request shows (they carry alive snakes only); we leave eliminated
 * snakes as they died.
 */
function growConstrictors(snakes: SimSnake[]): void {
  for (const s of snakes) {
    if (s.elimination !== undefined || s.body.length === 0) continue;
    s.health = MAX_HEALTH;
    const tail = s.body[s.body.length - 1] as Coord;
    const beforeTail = s.body[s.body.length - 2];
    if (beforeTail === undefined || beforeTail.x !== tail.x || beforeTail.y !== tail.y) {
      s.body.push(tail);
    }
  }
}
