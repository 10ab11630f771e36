// A* over the grid: the cheapest path from the head to a goal square. A step costs 1, plus a
// penalty per hazard copy on the square entered (unless food lies there, which cancels hazard
// damage), so paths detour around hazards when a detour is cheap. Bodies block a square until
// the turn they move off it (Grid.freeAt), measured in steps along the path.
import { MinHeap } from './heap.ts';
import { STEPS, distance, stepIndex, type Grid } from './grid.ts';
import type { Direction } from '@snakepit/battlesnake';

/** The best path found: its first move and its total cost. */
export interface PathStart {
  direction: Direction;
  cost: number;
}

export interface PathOptions {
  /** Only these first moves may start the path (the moves that survive this turn). */
  firstMoves: readonly Direction[];
  /** Extra cost per hazard copy on an entered square (default 5). */
  hazardPenalty?: number;
  /** Give up on paths costing more than this (default: no bound). */
  maxCost?: number;
}

/**
 * The first move of a cheapest path from `start` to `goal`, or undefined when no path exists
 * (or none within `maxCost`). Ties go to the earlier direction in `firstMoves`.
 */
export function pathStart(
  grid: Grid,
  start: number,
  goal: number,
  options: PathOptions,
): PathStart | undefined {
  const size = grid.width * grid.height;
  const cost = new Float64Array(size).fill(Infinity);
  const steps = new Int32Array(size);
  const first = new Int8Array(size).fill(-1);
  const open = new MinHeap();
  const closed = new Uint8Array(size);
  const penalty = options.hazardPenalty ?? 5;
  const maxCost = options.maxCost ?? Infinity;

  cost[start] = 0;
  options.firstMoves.forEach((d) => {
    const next = stepIndex(grid, start, d);
    if (next < 0) return;
    const c = 1 + entryPenalty(grid, next, penalty);
    if (c >= (cost[next] as number)) return;
    cost[next] = c;
    steps[next] = 1;
    first[next] = STEPS.indexOf(d);
    open.push(next, c + distance(grid, next, goal));
  });

  while (open.size > 0) {
    const at = open.pop();
    if (closed[at] === 1) continue; // a stale duplicate of a square already expanded
    closed[at] = 1;
    const atCost = cost[at] as number;
    if (at === goal) return { direction: STEPS[first[at] as number] as Direction, cost: atCost };
    if (atCost > maxCost) return undefined;
    relax(grid, at, goal, { cost, steps, first, open, penalty });
  }
  return undefined;
}

interface SearchState {
  cost: Float64Array;
  steps: Int32Array;
  first: Int8Array;
  open: MinHeap;
  penalty: number;
}

function relax(grid: Grid, at: number, goal: number, s: SearchState): void {
  const turn = (s.steps[at] as number) + 1;
  for (const d of STEPS) {
    const next = stepIndex(grid, at, d);
    if (next < 0 || turn < (grid.freeAt[next] as number)) continue;
    const c = (s.cost[at] as number) + 1 + entryPenalty(grid, next, s.penalty);
    if (c >= (s.cost[next] as number)) continue;
    s.cost[next] = c;
    s.steps[next] = turn;
    s.first[next] = s.first[at] as number;
    s.open.push(next, c + distance(grid, next, goal));
  }
}

function entryPenalty(grid: Grid, at: number, penalty: number): number {
  if (grid.food[at] === 1) return 0;
  return (grid.hazards[at] as number) * penalty;
}
