// Laying out a new game the way the engine's standard map does: snakes on fixed start squares
// (corners and edge midpoints, one square in), one food two moves from each snake, one in the
// centre. Other maps' layouts (hazard pits, mazes, ...) are not simulated; a game on them is set
// up like a standard one, without hazards, until a map module is written for each.
import type { Coord } from '../api.ts';
import { isConstrictorGame } from './board.ts';
import { GameSetupError } from './errors.ts';
import { randomInt, shuffle, type Rng } from './rng.ts';
import { MAX_HEALTH, START_LENGTH, type Rules, type SimState } from './types.ts';

/** What createGame needs: board size in squares, snake ids in board order, rules and a seeded Rng. */
export interface CreateGameOptions {
  width: number;
  height: number;
  snakeIds: string[];
  rules: Rules;
  rng: Rng;
}

const SMALL_BOARD = 7;
const MEDIUM_BOARD = 11;
const MAX_SNAKES = 16;

/** Turn 0 of a new game: every snake stacked three deep on its start square at full health, plus food (none in constrictor games). */
export function createGame(opts: CreateGameOptions): SimState {
  const { width, height, snakeIds, rng } = opts;
  checkSetup(width, height, snakeIds);
  const heads = placeSnakes(rng, width, height, snakeIds.length);
  const snakes = snakeIds.map((id, i) => {
    const head = heads[i] as Coord;
    return { id, health: MAX_HEALTH, body: Array.from({ length: START_LENGTH }, () => head) };
  });
  const food = placeStartFood(rng, width, height, heads);
  // Constrictor games start without food: the engine places it, then its first pipeline run
  // (at set-up, before turn 0 is sent) clears it, as every constrictor turn does.
  const startFood = isConstrictorGame(opts.rules.gameType) ? [] : food;
  return { turn: 0, width, height, food: startFood, hazards: [], snakes };
}

function checkSetup(width: number, height: number, snakeIds: readonly string[]): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new GameSetupError(`board ${width}x${height} is not a positive whole size`);
  }
  if (snakeIds.length < 1 || snakeIds.length > MAX_SNAKES) {
    throw new GameSetupError(`${snakeIds.length} snakes given; play with 1 to ${MAX_SNAKES}`);
  }
  if (new Set(snakeIds).size !== snakeIds.length) {
    throw new GameSetupError('snake ids repeat; give every snake its own id');
  }
}

function placeSnakes(rng: Rng, width: number, height: number, n: number): Coord[] {
  if (width === height) {
    if (n > 8 && width < SMALL_BOARD) {
      throw new GameSetupError(
        `more than 8 snakes need a board of at least ${SMALL_BOARD}x${SMALL_BOARD}`,
      );
    }
    if (n <= 8 && width >= SMALL_BOARD) return fixedStarts(rng, width).slice(0, n);
    if (width >= MEDIUM_BOARD) return distributedStarts(rng, width, height, n);
  }
  return randomStarts(rng, width, height, n);
}

/** The engine's 8 start squares, corners and edge midpoints in random order, one group first. */
function fixedStarts(rng: Rng, size: number): Coord[] {
  const lo = 1;
  const mid = Math.floor((size - 1) / 2);
  const hi = size - 2;
  const corners = shuffle(rng, [xy(lo, lo), xy(lo, hi), xy(hi, lo), xy(hi, hi)]);
  const edges = shuffle(rng, [xy(lo, mid), xy(mid, lo), xy(mid, hi), xy(hi, mid)]);
  return randomInt(rng, 2) === 0 ? [...corners, ...edges] : [...edges, ...corners];
}

/** Up to 16 snakes, spread over the four quadrants in turn, 4 candidate squares in each. */
function distributedStarts(rng: Rng, width: number, height: number, n: number): Coord[] {
  const qw = Math.floor(width / 2);
  const qh = Math.floor(height / 2);
  const ho = Math.floor(qw / 3);
  const vo = Math.floor(qh / 3);
  const first = [xy(ho, vo), xy(qw - ho, vo), xy(ho, qh - vo), xy(qw - ho, qh - vo)];
  const quadrants = [
    first,
    first.map((p) => xy(width - p.x - 1, p.y)),
    first.map((p) => xy(p.x, height - p.y - 1)),
    first.map((p) => xy(width - p.x - 1, height - p.y - 1)),
  ];
  let q = randomInt(rng, 4);
  const starts: Coord[] = [];
  for (let i = 0; i < n; i++) {
    const bucket = quadrants[q] as Coord[];
    starts.push(bucket.splice(randomInt(rng, bucket.length), 1)[0] as Coord);
    q = (q + 1) % 4;
  }
  return starts;
}

/** Odd boards and odd numbers of snakes: random free squares with x + y even, never the centre. */
function randomStarts(rng: Rng, width: number, height: number, n: number): Coord[] {
  const centre = xy(Math.floor((width - 1) / 2), Math.floor((height - 1) / 2));
  const starts: Coord[] = [];
  for (let i = 0; i < n; i++) {
    const free = allSquares(width, height).filter(
      (p) => (p.x + p.y) % 2 === 0 && !isAt(p, centre) && !starts.some((s) => isAt(s, p)),
    );
    if (free.length === 0)
      throw new GameSetupError(`no room for ${n} snakes on ${width}x${height}`);
    starts.push(free[randomInt(rng, free.length)] as Coord);
  }
  return starts;
}

function placeStartFood(rng: Rng, width: number, height: number, heads: Coord[]): Coord[] {
  if (width === height && width >= SMALL_BOARD) return fixedStartFood(rng, width, heads);
  const food: Coord[] = [];
  for (let i = 0; i < heads.length; i++) {
    const free = freeSquares(width, height, heads, food);
    if (free.length > 0) food.push(free[randomInt(rng, free.length)] as Coord);
  }
  return food;
}

/** One food diagonal to each head, away from the centre and out of corners; then one in the centre. */
function fixedStartFood(rng: Rng, size: number, heads: Coord[]): Coord[] {
  const centre = xy(Math.floor((size - 1) / 2), Math.floor((size - 1) / 2));
  const food: Coord[] = [];
  // The engine skips the per-snake food on small boards crowded with more than 4 snakes.
  if (heads.length <= 4 || size * size >= MEDIUM_BOARD * MEDIUM_BOARD) {
    for (const head of heads) {
      const options = diagonals(head).filter((p) => isGoodStartFood(p, head, centre, size, food));
      if (options.length === 0) throw new GameSetupError('no room for the starting food');
      food.push(options[randomInt(rng, options.length)] as Coord);
    }
  }
  if (food.some((f) => isAt(f, centre)) || heads.some((h) => isAt(h, centre))) {
    throw new GameSetupError('the centre square is taken; no room for the centre food');
  }
  food.push(centre);
  return food;
}

function isGoodStartFood(
  p: Coord,
  head: Coord,
  centre: Coord,
  size: number,
  food: Coord[],
): boolean {
  if (isAt(p, centre) || food.some((f) => isAt(f, p))) return false;
  const away =
    (p.x < head.x && head.x < centre.x) ||
    (centre.x < head.x && head.x < p.x) ||
    (p.y < head.y && head.y < centre.y) ||
    (centre.y < head.y && head.y < p.y);
  const corner = (p.x === 0 || p.x === size - 1) && (p.y === 0 || p.y === size - 1);
  return away && !corner;
}

/** Squares without food, body, or a head's neighbour (where a snake may move next). */
export function freeSquares(
  width: number,
  height: number,
  bodies: readonly Coord[],
  food: readonly Coord[],
  heads: readonly Coord[] = bodies,
): Coord[] {
  const taken = new Uint8Array(width * height);
  const mark = (p: Coord): void => {
    if (p.x >= 0 && p.x < width && p.y >= 0 && p.y < height) taken[p.y * width + p.x] = 1;
  };
  for (const p of food) mark(p);
  for (const p of bodies) mark(p);
  for (const h of heads) {
    mark(xy(h.x - 1, h.y));
    mark(xy(h.x + 1, h.y));
    mark(xy(h.x, h.y - 1));
    mark(xy(h.x, h.y + 1));
  }
  // Column by column, like the engine, so a shuffle over the list has the same shape.
  const free: Coord[] = [];
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) if (taken[y * width + x] === 0) free.push(xy(x, y));
  }
  return free;
}

function diagonals(c: Coord): Coord[] {
  return [xy(c.x - 1, c.y - 1), xy(c.x - 1, c.y + 1), xy(c.x + 1, c.y - 1), xy(c.x + 1, c.y + 1)];
}

function allSquares(width: number, height: number): Coord[] {
  const squares: Coord[] = [];
  for (let x = 0; x < width; x++) for (let y = 0; y < height; y++) squares.push(xy(x, y));
  return squares;
}

function isAt(a: Coord, b: Coord): boolean {
  return a.x === b.x && a.y === b.y;
}

function xy(x: number, y: number): Coord {
  return { x, y };
}
