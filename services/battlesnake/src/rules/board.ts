// Geometry of the board: moving one square, wrapping, bounds.
import type { Coord, Direction } from '../api.ts';
import type { GameType, Rules, SimState } from './types.ts';

/** True for the game types whose edges wrap around (wrapped, wrapped_constrictor). */
export function isWrappedGame(gameType: GameType): boolean {
  return gameType === 'wrapped' || gameType === 'wrapped_constrictor';
}

/** True for the game types where every snake grows every turn and food is cleared (constrictor, wrapped_constrictor). */
export function isConstrictorGame(gameType: GameType): boolean {
  return gameType === 'constrictor' || gameType === 'wrapped_constrictor';
}

/** The square one step from `c` in direction `d`; on wrapped boards it re-enters at the opposite edge. */
export function neighbour(c: Coord, d: Direction, state: SimState, rules: Rules): Coord {
  return moveCoord(c, d, state.width, state.height, isWrappedGame(rules.gameType));
}

/** The square one step from `c`; with `wrap`, coordinates leaving the board re-enter on the other side. */
export function moveCoord(
  c: Coord,
  d: Direction,
  width: number,
  height: number,
  wrap: boolean,
): Coord {
  let x = c.x;
  let y = c.y;
  if (d === 'up') y += 1;
  else if (d === 'down') y -= 1;
  else if (d === 'left') x -= 1;
  else x += 1;
  if (wrap) {
    // One step can only leave by one square, so the engine's "jump to the other edge" is enough.
    if (x < 0) x = width - 1;
    else if (x >= width) x = 0;
    if (y < 0) y = height - 1;
    else if (y >= height) y = 0;
  }
  return { x, y };
}

/** True when `c` lies on a board of the given size. */
export function onBoard(c: Coord, width: number, height: number): boolean {
  return c.x >= 0 && c.x < width && c.y >= 0 && c.y < height;
}

/** True when two coords name the same square. */
export function sameCoord(a: Coord, b: Coord): boolean {
  return a.x === b.x && a.y === b.y;
}

/** How many entries of `coords` are on square `c` (hazards stack: each copy counts). */
export function countAt(coords: readonly Coord[], c: Coord): number {
  let n = 0;
  for (const p of coords) if (p.x === c.x && p.y === c.y) n++;
  return n;
}

// Hazard lists are shared, unchanged, by every state a search derives from one request, so a
// per-square count is built once per list and looked up from then on; short lists are scanned.
// States are read-only by contract; the length check only catches the commonest slip (a push).
interface HazardGrid {
  length: number;
  width: number;
  counts: Uint8Array;
}
const hazardGrids = new WeakMap<readonly Coord[], HazardGrid>();
const SCAN_HAZARDS_UP_TO = 8;

/** How many hazard copies lie on `c` (0 off the board). */
export function hazardsAt(
  hazards: readonly Coord[],
  c: Coord,
  width: number,
  height: number,
): number {
  if (hazards.length <= SCAN_HAZARDS_UP_TO) return countAt(hazards, c);
  if (c.x < 0 || c.x >= width || c.y < 0 || c.y >= height) return 0;
  let grid = hazardGrids.get(hazards);
  if (
    grid?.length !== hazards.length ||
    grid.width !== width ||
    grid.counts.length !== width * height
  ) {
    grid = { length: hazards.length, width, counts: countGrid(hazards, width, height) };
    hazardGrids.set(hazards, grid);
  }
  return grid.counts[c.y * width + c.x] as number;
}

function countGrid(hazards: readonly Coord[], width: number, height: number): Uint8Array {
  const counts = new Uint8Array(width * height);
  for (const h of hazards) {
    if (h.x < 0 || h.x >= width || h.y < 0 || h.y >= height) continue;
    const i = h.y * width + h.x;
    counts[i] = Math.min(255, (counts[i] as number) + 1);
  }
  return counts;
}

/** True when any entry of `coords` is on square `c`. */
export function containsCoord(coords: readonly Coord[], c: Coord): boolean {
  for (const p of coords) if (p.x === c.x && p.y === c.y) return true;
  return false;
}

/**
 * The direction a snake keeps going when it sends no valid move: the way its head points
 * (from neck to head, across a wrapped edge if need be), or up when head and neck share a
 * square, as at the start of a game. This is the engine's rule.
 */
export function defaultMove(body: readonly Coord[]): Direction {
  const head = body[0];
  const neck = body[1];
  if (head === undefined || neck === undefined) return 'up';
  if (head.x === neck.x + 1) return 'right';
  if (head.x === neck.x - 1) return 'left';
  if (head.y === neck.y + 1) return 'up';
  if (head.y === neck.y - 1) return 'down';
  if (head.x === 0 && neck.x > 0) return 'right';
  if (neck.x === 0 && head.x > 0) return 'left';
  if (head.y === 0 && neck.y > 0) return 'up';
  if (neck.y === 0 && head.y > 0) return 'down';
  return 'up';
}
