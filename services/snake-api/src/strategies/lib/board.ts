// What most strategies compute first: the simulator's view of the request, our snake in it, the
// moves that survive this turn and the squares an enemy head could also reach.
import {
  DIRECTIONS,
  defaultMove,
  neighbour,
  safeMoves,
  stateFromRequest,
  type Direction,
  type GameState,
  type Rules,
  type SimSnake,
  type SimState,
} from '@snakepit/battlesnake';
import { buildGrid, indexOf, type Grid } from './grid.ts';

/** One move's view of the game, shared by the steps of a strategy. */
export interface Position {
  state: SimState;
  rules: Rules;
  me: SimSnake;
  grid: Grid;
  /** Our head's flat grid index. */
  head: number;
  /** The moves after which we cannot die this turn except head-to-head, in DIRECTIONS order. */
  safe: Direction[];
  /**
   * For each square, the length of the longest other snake whose head could move onto it this
   * turn (0 when none): entering a square where this is >= our length risks losing head-to-head.
   */
  headThreat: Int32Array;
}

/** The position for `game`; `you` must be on the board (validation ensures it for /move). */
export function positionOf(game: GameState, rules: Rules): Position {
  const state = stateFromRequest(game);
  const me = state.snakes.find((s) => s.id === game.you.id) ?? {
    id: game.you.id,
    health: game.you.health,
    body: game.you.body.map((c) => ({ x: c.x, y: c.y })),
  };
  const grid = buildGrid(state, rules);
  const headCoord = me.body[0] ?? game.you.head;
  return {
    state,
    rules,
    me,
    grid,
    head: indexOf(grid, headCoord),
    safe: safeMoves(state, me.id, rules),
    headThreat: headThreats(state, rules, grid, me.id),
  };
}

function headThreats(state: SimState, rules: Rules, grid: Grid, myId: string): Int32Array {
  const threat = new Int32Array(grid.width * grid.height);
  for (const s of state.snakes) {
    const head = s.body[0];
    if (s.id === myId || s.elimination !== undefined || head === undefined) continue;
    for (const d of DIRECTIONS) {
      const c = neighbour(head, d, state, rules);
      if (c.x < 0 || c.y < 0 || c.x >= grid.width || c.y >= grid.height) continue;
      const at = indexOf(grid, c);
      threat[at] = Math.max(threat[at] as number, s.body.length);
    }
  }
  return threat;
}

/** The square our head enters with move `d` (undefined off the board). */
export function targetOf(p: Position, d: Direction): number | undefined {
  const c = neighbour(p.me.body[0] ?? { x: 0, y: 0 }, d, p.state, p.rules);
  if (c.x < 0 || c.y < 0 || c.x >= p.grid.width || c.y >= p.grid.height) return undefined;
  return indexOf(p.grid, c);
}

/** True when an equal-or-longer snake's head could also enter the square move `d` leads to. */
export function risksHeadToHead(p: Position, d: Direction): boolean {
  const at = targetOf(p, d);
  return at !== undefined && (p.headThreat[at] as number) >= p.me.body.length;
}

/** The safe moves that risk no losing head-to-head; the safe moves when every one does. */
export function preferredMoves(p: Position): Direction[] {
  const calm = p.safe.filter((d) => !risksHeadToHead(p, d));
  return calm.length > 0 ? calm : p.safe;
}

/** A uniformly random element of a non-empty list. */
export function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))] as T;
}

/**
 * A random move that survives this turn when one exists (avoiding losing head-to-heads when it
 * can); otherwise the way the head points, which is what the engine would do with no answer.
 */
export function randomSurvivingMove(p: Position, random: () => number): Direction {
  const moves = preferredMoves(p);
  return moves.length > 0 ? pick(moves, random) : defaultMove(p.me.body);
}

/**
 * A move that survives this turn when one exists, chosen without randomness or search: what the
 * handler answers when a strategy throws or misses its deadline.
 */
export function safeFallbackMove(p: Position): Direction {
  return preferredMoves(p)[0] ?? defaultMove(p.me.body);
}
