// A* over the grid: the cheapest path from the head to a goal square. A step costs 1, plus a
// penalty per hazard copy on the square entered (unless food lies there, which cancels hazard
// damage), so paths detour around hazards when a detour is cheap. Bodies block a square until
// the turn they move off it (Grid.freeAt), measured in steps along the path.
//
// Known limit: each square is expanded once, at its cheapest cost, so a path that would have to
// wait or loop while a body moves away is not found; on the boards we meet the nearest food is
// almost always reachable without waiting, and a time-expanded search would cost width x height
// x turns states per move.
import { MinHeap } from './heap.ts';
import { scratch } from './scratch.ts';
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
  const work = scratch(grid.width * grid.height, 2);
  const s: SearchState = {
    stamp: work.stamp,
    // mark[i] === stamp: square i has a cost this search; stamp + 1 marks it expanded too.
    mark: work.mark,
    cost: work.costs,
    steps: work.ints,
    first: work.moreInts,
    open: new MinHeap(),
    penalty: options.hazardPenalty ?? 5,
  };
  const maxCost = options.maxCost ?? Infinity;

  s.mark[start] = s.stamp;
  s.cost[start] = 0;
  options.firstMoves.forEach((d) => {
    const next = stepIndex(grid, start, d);
    if (next < 0) return;
    const c = 1 + entryPenalty(grid, next, s.penalty);
    if (costOf(s, next) <= c) return;
    s.mark[next] = s.stamp;
    s.cost[next] = c;
    s.steps[next] = 1;
    s.first[next] = STEPS.indexOf(d);
    s.open.push(next, c + distance(grid, next, goal));
  });

  while (s.open.size > 0) {
    const at = s.open.pop();
    if (s.mark[at] === s.stamp + 1) continue; // a stale duplicate of a square already expanded
    const atCost = s.cost[at] as number;
    if (at === goal) return { direction: STEPS[s.first[at] as number] as Direction, cost: atCost };
    if (atCost > maxCost) return undefined;
    relax(grid, at, goal, s);
    s.mark[at] = s.stamp + 1;
  }
  return undefined;
}

interface SearchState {
  stamp: number;
  mark: Uint32Array;
  cost: Float64Array;
  steps: Int32Array;
  first: Int32Array;
  open: MinHeap;
  penalty: number;
}

/** The best cost found so far for a square in this search (Infinity when not reached). */
function costOf(s: SearchState, at: number): number {
  const m = s.mark[at] as number;
  return m === s.stamp || m === s.stamp + 1 ? (s.cost[at] as number) : Infinity;
}

function relax(grid: Grid, at: number, goal: number, s: SearchState): void {
  const turn = (s.steps[at] as number) + 1;
  for (let k = at * 4; k < at * 4 + 4; k++) {
    const next = grid.neighbours[k] as number;
    if (next < 0 || turn < (grid.freeAt[next] as number)) continue;
    const c = (s.cost[at] as number) + 1 + entryPenalty(grid, next, s.penalty);
    if (c >= costOf(s, next)) continue;
    s.mark[next] = s.stamp;
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
