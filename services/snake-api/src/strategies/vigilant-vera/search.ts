// Iterative-deepening paranoid alpha-beta over the rules simulator. A "depth" is one whole turn:
// we pick a move (max node), then the nearest opponents pick theirs knowing ours (min node), then
// `step` plays the turn. Assuming the opponents answer our move is pessimistic for simultaneous
// moves, and on purpose: it keeps us out of every head-to-head and cut-off we cannot survive.
//
// The search is written as generators so that it can stop anywhere and resume later: see
// slices.ts for why and how it shares the event loop with other requests.
//
// Known shortcomings, as a plan: there is no transposition table, so positions reached by
// different move orders are searched again (a Zobrist-hashed table of bounds would avoid that,
// and give better move ordering); and the paranoid assumption makes it skip food next to a longer snake that
// could, but in practice rarely does, hunt it down. Both are worth a tournament each.
import {
  aliveSnakes,
  step,
  type Coord,
  type Direction,
  type Rules,
  type SimSnake,
  type SimState,
} from '@snakepit/battlesnake';
import { DRAW, LOSS, WIN, evaluate } from './evaluate.ts';
import { candidateMoves, nearestOpponents, orderTowards, routineMove } from './moves.ts';
import { runInSlices, type SliceClock } from './slices.ts';
import { Territory } from './territory.ts';

/** How a search is bounded. */
export interface SearchOptions {
  /** Answer by this time, on the `performance.now()` clock, in ms. */
  stopAt: number;
  /** Longest run of work between yields to the event loop, in ms (default 4). */
  sliceMs?: number;
  /** Opponents searched move by move, nearest first; the others play a fixed policy (default 2). */
  opponentsSearched?: number;
  /** Deepest iteration, in turns (default 40). */
  maxDepth?: number;
}

/** Why the search stopped. */
export type StopReason = 'only-move' | 'decided' | 'whole-tree' | 'max-depth' | 'deadline';

/** The move chosen and how it was found. */
export interface SearchResult {
  move: Direction;
  /** The deepest iteration completed, in turns (0 when none was needed or finished). */
  depth: number;
  /** The value of the move from our side (WIN/LOSS/DRAW-based when the outcome is decided). */
  score: number;
  /** Positions visited. */
  nodes: number;
  reason: StopReason;
}

const DEFAULT_SLICE_MS = 4;
const DEFAULT_OPPONENTS_SEARCHED = 2;
const DEFAULT_MAX_DEPTH = 40;
/** Scores this close to WIN or below this bound are decided outcomes, not estimates. */
const DECIDED_MARGIN = 10_000;

interface Search extends SliceClock {
  readonly rules: Rules;
  readonly meIndex: number;
  readonly territory: Territory;
  readonly opponentsSearched: number;
  nodes: number;
  /** Set when some line stopped at the depth limit rather than at the end of the game. */
  horizonHit: boolean;
  /** Per ply, the last move of ours that cut the search off there: tried first next time. */
  killers: (Direction | undefined)[];
  /** The best root move of the iteration in progress, once at least one root move is done. */
  partial?: { move: Direction; score: number };
  done?: { move: Direction; score: number; depth: number; reason: StopReason };
}

/**
 * The best move for snake `meId` in `state`, searched deeper and deeper until `stopAt`, a
 * decided outcome, or the whole game tree fits. Resolves before `stopAt` plus one slice.
 */
export async function searchMove(
  state: SimState,
  rules: Rules,
  meId: string,
  options: SearchOptions,
): Promise<SearchResult> {
  const meIndex = state.snakes.findIndex((s) => s.id === meId);
  const me = state.snakes[meIndex];
  if (me === undefined || me.elimination !== undefined || me.body.length === 0) {
    return { move: 'up', depth: 0, score: LOSS, nodes: 0, reason: 'only-move' };
  }
  const rootMoves = candidateMoves(state, me, rules);
  if (rootMoves.length === 1) {
    return { move: rootMoves[0] as Direction, depth: 0, score: 0, nodes: 0, reason: 'only-move' };
  }

  const search: Search = {
    rules,
    meIndex,
    territory: new Territory(state, rules),
    opponentsSearched: options.opponentsSearched ?? DEFAULT_OPPONENTS_SEARCHED,
    nodes: 0,
    horizonHit: false,
    killers: [],
    sliceEndAt: 0,
  };
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const finished = await runInSlices(
    deepen(search, state, rootMoves, maxDepth),
    search,
    options.stopAt,
    options.sliceMs ?? DEFAULT_SLICE_MS,
  );
  return resultOf(search, rootMoves, finished);
}

function resultOf(search: Search, rootMoves: Direction[], finished: boolean): SearchResult {
  const done = search.done;
  const nodes = search.nodes;
  // An unfinished iteration still counts once a root move is done: the previous best is searched
  // first, so anything that beat it within this iteration is the better move.
  const partial = finished ? undefined : search.partial;
  if (partial !== undefined && done !== undefined && partial.move !== done.move) {
    return {
      move: partial.move,
      depth: done.depth,
      score: partial.score,
      nodes,
      reason: 'deadline',
    };
  }
  if (done !== undefined) {
    return { ...done, nodes, reason: finished ? done.reason : 'deadline' };
  }
  const move = partial?.move ?? rootMoves[0] ?? 'up';
  return { move, depth: 0, score: partial?.score ?? 0, nodes, reason: 'deadline' };
}

/** Iterative deepening: each finished depth orders the root moves for the next one. */
function* deepen(
  search: Search,
  root: SimState,
  rootMoves: Direction[],
  maxDepth: number,
): Generator<void, void, void> {
  let order = [...rootMoves];
  for (let depth = 1; depth <= maxDepth; depth++) {
    search.horizonHit = false;
    search.partial = undefined;
    const scores = yield* searchRoot(search, root, order, depth);
    order = [...order].sort((a, b) => (scores.get(b) as number) - (scores.get(a) as number));
    const best = order[0] as Direction;
    const score = scores.get(best) as number;

    const decided = score >= WIN - DECIDED_MARGIN || score <= DRAW + DECIDED_MARGIN;
    const reason = decided ? 'decided' : search.horizonHit ? 'max-depth' : 'whole-tree';
    search.done = { move: best, score, depth, reason };
    if (decided || !search.horizonHit) return;
  }
}

function* searchRoot(
  search: Search,
  root: SimState,
  order: readonly Direction[],
  depth: number,
): Generator<void, Map<Direction, number>, void> {
  const scores = new Map<Direction, number>();
  let alpha = -Infinity;
  for (const move of order) {
    const score = yield* minNode(search, root, move, depth, 0, alpha, Infinity);
    scores.set(move, score);
    if (score > alpha) {
      alpha = score;
      search.partial = { move, score };
    }
  }
  return scores;
}

/** Our turn to choose: the best of our moves against the opponents' best answers. */
function* maxNode(
  search: Search,
  state: SimState,
  depth: number,
  ply: number,
  alpha: number,
  beta: number,
): Generator<void, number, void> {
  search.nodes++;
  if (performance.now() >= search.sliceEndAt) yield;

  const me = state.snakes[search.meIndex] as SimSnake;
  const alive = aliveSnakes(state);
  const outcome = outcomeOf(me, alive, search.rules, ply);
  if (outcome !== undefined) return outcome;
  if (depth === 0) {
    search.horizonHit = true;
    return evaluate(state, [me, ...alive.filter((s) => s !== me)], search.rules, search.territory);
  }

  const moves = withKillerFirst(candidateMoves(state, me, search.rules), search.killers[ply]);
  let best = -Infinity;
  for (const move of moves) {
    const score = yield* minNode(search, state, move, depth, ply, alpha, beta);
    if (score > best) best = score;
    if (best > alpha) alpha = best;
    if (alpha >= beta) {
      search.killers[ply] = move;
      break;
    }
  }
  return best;
}

/** The opponents answer our `myMove` with the joint move worst for us; then the turn is played. */
function* minNode(
  search: Search,
  state: SimState,
  myMove: Direction,
  depth: number,
  ply: number,
  alpha: number,
  beta: number,
): Generator<void, number, void> {
  const me = state.snakes[search.meIndex] as SimSnake;
  const others = aliveSnakes(state).filter((s) => s !== me);
  const searched = nearestOpponents(me, others, search.opponentsSearched);
  const fixed = new Map<string, Direction>([[me.id, myMove]]);
  for (const s of others) {
    if (!searched.includes(s)) fixed.set(s.id, routineMove(state, s, search.rules));
  }
  const target = me.body[0] as Coord;
  const choices = searched.map((s) =>
    orderTowards(candidateMoves(state, s, search.rules), s.body[0] as Coord, target),
  );

  let best = Infinity;
  for (const joint of jointMoves(choices)) {
    const moves = new Map(fixed);
    joint.forEach((move, k) => moves.set((searched[k] as SimSnake).id, move));
    const next = step(state, moves, search.rules);
    const score = yield* maxNode(search, next, depth - 1, ply + 1, alpha, beta);
    if (score < best) best = score;
    if (best < beta) beta = best;
    if (alpha >= beta) break;
  }
  return best;
}

/** Every combination of one move per snake (one empty combination when there are no snakes). */
function* jointMoves(choices: readonly Direction[][]): Generator<Direction[], void, void> {
  const picks = choices.map(() => 0);
  for (;;) {
    yield choices.map((moves, k) => moves[picks[k] as number] as Direction);
    let k = 0;
    while (k < choices.length) {
      picks[k] = (picks[k] as number) + 1;
      if ((picks[k] as number) < (choices[k] as Direction[]).length) break;
      picks[k] = 0;
      k++;
    }
    if (k === choices.length) return;
  }
}

/** The score of a finished game for us, or undefined while it goes on (solo: until we die). */
function outcomeOf(
  me: SimSnake,
  alive: readonly SimSnake[],
  rules: Rules,
  ply: number,
): number | undefined {
  if (me.elimination !== undefined) return alive.length === 0 ? DRAW + ply : LOSS + ply;
  if (rules.gameType !== 'solo' && alive.length === 1) return WIN - ply;
  return undefined;
}

function withKillerFirst(moves: Direction[], killer: Direction | undefined): Direction[] {
  const at = killer === undefined ? -1 : moves.indexOf(killer);
  if (at > 0) {
    moves.splice(at, 1);
    moves.unshift(killer as Direction);
  }
  return moves;
}
