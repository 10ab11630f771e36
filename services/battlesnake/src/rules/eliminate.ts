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

  const byLength = longestFirst(snakes);
  const found: [SimSnake, Elimination][] = [];
  for (const s of snakes) {
    if (s.elimination !== undefined || s.body.length === 0) continue;
    const elimination = findCollision(s, byLength, turn);
    if (elimination !== undefined) found.push([s, elimination]);
  }
  for (const [s, elimination] of found) s.elimination = elimination;
}

function isOffBoard(body: readonly Coord[], width: number, height: number): boolean {
  for (const p of body) if (p.x < 0 || p.x >= width || p.y < 0 || p.y >= height) return true;
  return false;
}

/**
 * Snakes ordered longest first, ties in board order, so that a death is credited to the longest
 * snake involved. The engine sorts with Go's sort.Slice, which is stable for the ≤ 12 snakes a
 * real board holds; beyond that its tie order is unspecified.
 */
function longestFirst(snakes: readonly SimSnake[]): SimSnake[] {
  const alive = snakes.filter((s) => s.elimination === undefined);
  return alive.length < 2 ? alive : alive.sort((a, b) => b.body.length - a.body.length);
}

/** Self first, then other bodies, then head-to-head (lost when not strictly longer). */
function findCollision(
  s: SimSnake,
  byLength: readonly SimSnake[],
  turn: number,
): Elimination | undefined {
  const head = s.body[0] as Coord;
  if (hitsBody(head, s.body)) return { cause: 'snake-self-collision', by: s.id, turn };
  for (const other of byLength) {
    if (other !== s && hitsBody(head, other.body)) {
      return { cause: 'snake-collision', by: other.id, turn };
    }
  }
  for (const other of byLength) {
    const otherHead = other.body[0];
    if (other === s || otherHead === undefined) continue;
    if (otherHead.x === head.x && otherHead.y === head.y && s.body.length <= other.body.length) {
      return { cause: 'head-collision', by: other.id, turn };
    }
  }
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
