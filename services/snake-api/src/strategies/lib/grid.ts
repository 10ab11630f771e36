// A board as flat arrays indexed by `y * width + x`, for searches that visit every square many
// times per move. Built once per move from the simulator's state.
import {
  DIRECTIONS,
  isConstrictorGame,
  isWrappedGame,
  type Coord,
  type Direction,
  type Rules,
  type SimState,
} from '@snakepit/battlesnake';

/** The directions in DIRECTIONS order: `neighbours[i * 4 + k]` steps in direction STEPS[k]. */
export const STEPS = DIRECTIONS;

/** A square that never frees up within any search horizon (constrictor bodies). */
export const NEVER = 1 << 30;

export interface Grid {
  width: number;
  height: number;
  wrap: boolean;
  /**
   * For each square, how many turns from now until no body covers it: 0 when free now, 1 for a
   * tail that moves away this turn, L - i for segment i of a body of length L, NEVER when bodies
   * never move off (constrictor). A search may enter a square at turn t when t >= freeAt.
   */
  freeAt: Int32Array;
  /** For each square, how many hazard copies lie on it (each deals the hazard damage). */
  hazards: Uint8Array;
  /** For each square, 1 when food lies on it. */
  food: Uint8Array;
  /** `neighbours[i * 4 + k]`: the square one step from i in direction STEPS[k], or -1 off the board. */
  neighbours: Int32Array;
}

/** The grid of a state: bodies timed by when they leave, hazards, food. */
export function buildGrid(state: SimState, rules: Rules): Grid {
  const { width, height } = state;
  const size = width * height;
  const grid: Grid = {
    width,
    height,
    wrap: isWrappedGame(rules.gameType),
    freeAt: new Int32Array(size),
    hazards: new Uint8Array(size),
    food: new Uint8Array(size),
    neighbours: neighbourTable(width, height, isWrappedGame(rules.gameType)),
  };
  const growsEveryTurn = isConstrictorGame(rules.gameType);
  for (const s of state.snakes) {
    if (s.elimination !== undefined) continue;
    markBody(grid, s.body, growsEveryTurn);
  }
  for (const h of state.hazards) {
    const at = indexOf(grid, h);
    grid.hazards[at] = Math.min(255, (grid.hazards[at] ?? 0) + 1);
  }
  for (const f of state.food) grid.food[indexOf(grid, f)] = 1;
  return grid;
}

function markBody(grid: Grid, body: readonly Coord[], growsEveryTurn: boolean): void {
  const length = body.length;
  for (let i = 0; i < length; i++) {
    const at = indexOf(grid, body[i] as Coord);
    // A stacked tail shows up as two segments on one square; the later index wins, which is
    // right: the square frees one turn after a single tail would.
    const free = growsEveryTurn ? NEVER : length - i;
    if (free > (grid.freeAt[at] ?? 0)) grid.freeAt[at] = free;
  }
}

/** The flat index of a square. */
export function indexOf(grid: Grid, c: Coord): number {
  return c.y * grid.width + c.x;
}

// Searches step between squares millions of times; the table turns each step into one lookup.
// There are at most 25 * 25 * 2 shapes, so the cache stays small.
const tables = new Map<string, Int32Array>();

function neighbourTable(width: number, height: number, wrap: boolean): Int32Array {
  const key = `${width}x${height}${wrap ? 'w' : ''}`;
  const cached = tables.get(key);
  if (cached !== undefined) return cached;
  const table = new Int32Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < 4; k++) {
      table[i * 4 + k] = computeStep(width, height, wrap, i, STEPS[k] as Direction);
    }
  }
  tables.set(key, table);
  return table;
}

/** The index one step from `index` in direction `d`, wrapping when the grid wraps; -1 off the board. */
export function stepIndex(grid: Grid, index: number, d: Direction): number {
  return grid.neighbours[index * 4 + STEPS.indexOf(d)] as number;
}

function computeStep(width: number, height: number, wrap: boolean, index: number, d: Direction) {
  let x = index % width;
  let y = (index - x) / width;
  if (d === 'up') y += 1;
  else if (d === 'down') y -= 1;
  else if (d === 'left') x -= 1;
  else x += 1;
  if (wrap) {
    x = (x + width) % width;
    y = (y + height) % height;
  } else if (x < 0 || y < 0 || x >= width || y >= height) {
    return -1;
  }
  return y * width + x;
}

/** Fewest steps between two squares ignoring obstacles (the A* heuristic); wraps on wrapped grids. */
export function distance(grid: Grid, a: number, b: number): number {
  const w = grid.width;
  let dx = Math.abs((a % w) - (b % w));
  let dy = Math.abs(Math.floor(a / w) - Math.floor(b / w));
  if (grid.wrap) {
    dx = Math.min(dx, w - dx);
    dy = Math.min(dy, grid.height - dy);
  }
  return dx + dy;
}
