// How much room a snake has: the squares it could reach, counting bodies that move out of the
// way while it travels.
import { STEPS, stepIndex, type Grid } from './grid.ts';

/**
 * The number of squares reachable from `start`, which the head enters at turn `startTurn`
 * (1 for a square one move away). A square counts when the walk can enter it no earlier than
 * its `freeAt`; walks are breadth-first, so each square is entered as early as possible.
 * Stops counting at `limit` (default: the whole board).
 */
export function floodArea(grid: Grid, start: number, startTurn = 1, limit = Infinity): number {
  const size = grid.width * grid.height;
  const seen = new Uint8Array(size);
  const queue = new Int32Array(size);
  const turnOf = new Int32Array(size);
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  turnOf[start] = startTurn;
  seen[start] = 1;

  while (head < tail && tail < limit) {
    const at = queue[head++] as number;
    const turn = (turnOf[at] as number) + 1;
    for (const d of STEPS) {
      const next = stepIndex(grid, at, d);
      if (next < 0 || seen[next] === 1 || turn < (grid.freeAt[next] as number)) continue;
      seen[next] = 1;
      turnOf[next] = turn;
      queue[tail++] = next;
    }
  }
  return Math.min(tail, limit);
}
