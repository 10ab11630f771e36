// Small builders for hand-made boards in unit tests.
import {
  defaultRules,
  type Coord,
  type Direction,
  type GameType,
  type Rules,
  type SimSnake,
  type SimState,
} from '@snakepit/battlesnake';

/** A coord from "x,y" shorthand. */
export function at(x: number, y: number): Coord {
  return { x, y };
}

/** Squares from "x,y x,y ..." shorthand, in order. */
export function squares(list: string): Coord[] {
  return list
    .split(' ')
    .filter((p) => p !== '')
    .map((p) => {
      const [x, y] = p.split(',').map(Number);
      return at(x ?? NaN, y ?? NaN);
    });
}

/** A snake with its body given head first as "x,y x,y ..."; health 100 unless given. */
export function snake(id: string, body: string, health = 100): SimSnake {
  return { id, health, body: squares(body) };
}

/** A board of `size` (default 7x7) at turn 0 with the given snakes, food and hazards. */
export function board(opts: {
  snakes: SimSnake[];
  /** "x,y x,y ..." */
  food?: string;
  /** "x,y x,y ..."; repeat a square to stack hazards. */
  hazards?: string;
  width?: number;
  height?: number;
  turn?: number;
}): SimState {
  return {
    turn: opts.turn ?? 0,
    width: opts.width ?? 7,
    height: opts.height ?? 7,
    food: squares(opts.food ?? ''),
    hazards: squares(opts.hazards ?? ''),
    snakes: opts.snakes,
  };
}

/** Rules of a game type with the engine CLI's defaults (hazard damage 14), overridable. */
export function rulesOf(gameType: GameType = 'standard', overrides: Partial<Rules> = {}): Rules {
  return defaultRules(gameType, overrides);
}

/** A move map from an object literal. */
export function movesOf(moves: Record<string, Direction>): Map<string, Direction> {
  return new Map(Object.entries(moves));
}

/** The snake with `id` in `state` (fails the test if missing). */
export function find(state: SimState, id: string): SimSnake {
  const s = state.snakes.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no snake ${id} on the board`);
  return s;
}

/** A body as "x,y x,y ...", for compact assertions. */
export function pairs(s: SimSnake): string {
  return s.body.map((c) => `${c.x},${c.y}`).join(' ');
}
