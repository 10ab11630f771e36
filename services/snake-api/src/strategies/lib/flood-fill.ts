// How much room a snake has: the squares it could reach, counting bodies that move out of the
// way while it travels.
//
// Known limits: hazard squares count as room like any other, and other snakes' heads are treated
// as standing still, so the area is what we could reach if nobody moved towards us.
import type { Grid } from './grid.ts';
import { scratch } from './scratch.ts';

/**
 * The number of squares reachable from `start`, which the head enters at turn `startTurn`
 * (1 for a square one move away). A square counts when the walk can enter it no earlier than
 * its `freeAt`; walks are breadth-first, so each square is entered as early as possible.
 * Stops counting at `limit` (default: the whole board).
 */
export function floodArea(grid: Grid, start: number, startTurn = 1, limit = Infinity): number {
  const { stamp, mark: seen, ints: queue, moreInts: turnOf } = scratch(grid.width * grid.height);
  const neighbours = grid.neighbours;
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  turnOf[start] = startTurn;
  seen[start] = stamp;

  while (head < tail && tail < limit) {
    const at = queue[head++] as number;
    const turn = (turnOf[at] as number) + 1;
    for (let k = at * 4; k < at * 4 + 4; k++) {
      const next = neighbours[k] as number;
      if (next < 0 || seen[next] === stamp || turn < (grid.freeAt[next] as number)) continue;
      seen[next] = stamp;
      turnOf[next] = turn;
      queue[tail++] = next;
    }
  }
  return Math.min(tail, limit);
}
