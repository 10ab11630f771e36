// The engine's elimination stage. Order matters and is the engine's: first out of health and
// off the board (those snakes no longer count as obstacles), then collisions judged against the
// remaining snakes all at once, so two snakes can eliminate each other in the same turn.
import type { Coord } from '../api.ts';
import type { Elimination, SimSnake } from './types.ts';

/** Marks the snakes a turn eliminated (mutates the fresh snakes `step` built; `turn` is the new turn). */
export function eliminateSnakes(
  snakes: SimSnake[],
  width: number,
  height: number,
  turn: number,
): void {
  for (const s of snakes) {
    if (s.elimination !== undefined) continue;
    if (s.health <= 0) s.elimination = { cause: 'out-of-health', turn };
    else if (isOffBoard(s.body, width, height)) s.elimination = { cause: 'wall-collision', turn };
  }

  // Judge every snake before marking any, so collisions this turn are mutual.
  let found: (Elimination | undefined)[] | undefined;
  for (let i = 0; i < snakes.length; i++) {
    const s = snakes[i] as SimSnake;
    if (s.elimination !== undefined || s.body.length === 0) continue;
    const elimination = findCollision(s, snakes, turn);
    if (elimination === undefined) continue;
    found ??= new Array<Elimination | undefined>(snakes.length);
    found[i] = elimination;
  }
  if (found === undefined) return;
  for (let i = 0; i < snakes.length; i++) {
    const elimination = found[i];
    if (elimination !== undefined) (snakes[i] as SimSnake).elimination = elimination;
  }
}

function isOffBoard(body: readonly Coord[], width: number, height: number): boolean {
  for (const p of body) if (p.x < 0 || p.x >= width || p.y < 0 || p.y >= height) return true;
  return false;
}

/**
 * Self first, then other bodies, then head-to-head (lost when not strictly longer). A death is
 * credited to the longest snake involved, the earliest on the board among equals: the engine
 * walks the snakes sorted longest first with Go's sort.Slice, which keeps board order among
 * equals for the ≤ 12 snakes a real board holds (beyond 12 its tie order is unspecified).
 */
function findCollision(
  s: SimSnake,
  snakes: readonly SimSnake[],
  turn: number,
): Elimination | undefined {
  const head = s.body[0] as Coord;
  if (hitsBody(head, s.body)) return { cause: 'snake-self-collision', by: s.id, turn };

  // Plain loops rather than a shared "find the longest" helper: this runs for every snake on
  // every simulated turn, and closures here cost a measurable share of a step.
  let by: SimSnake | undefined;
  for (const other of snakes) {
    if (other === s || other.elimination !== undefined) continue;
    if (by !== undefined && other.body.length <= by.body.length) continue;
    if (hitsBody(head, other.body)) by = other;
  }
  if (by !== undefined) return { cause: 'snake-collision', by: by.id, turn };

  for (const other of snakes) {
    if (other === s || other.elimination !== undefined) continue;
    if (other.body.length < s.body.length) continue;
    if (by !== undefined && other.body.length <= by.body.length) continue;
    const h = other.body[0];
    if (h !== undefined && h.x === head.x && h.y === head.y) by = other;
  }
  if (by !== undefined) return { cause: 'head-collision', by: by.id, turn };
  return undefined;
}

/** True when `head` lies on any segment of `body` but its head. */
function hitsBody(head: Coord, body: readonly Coord[]): boolean {
  for (let i = 1; i < body.length; i++) {
    const p = body[i] as Coord;
    if (p.x === head.x && p.y === head.y) return true;
  }
  return false;
}
