// One in-process game: the simulator plays the engine's part (advance: moves, food, royale
// hazards) and each snake's strategy is asked for its move as the server would ask it, one snake
// after another so that each search has the CPU to itself, as it would on its own server.
import {
  advance,
  createGame,
  createRng,
  isGameOver,
  type Direction,
  type GameType,
  type Rules,
  type SimState,
} from '@snakepit/battlesnake';
import type { MoveContext, Strategy } from '../strategies/types.ts';
import { gameObject, moveRequest } from './requests.ts';

/** What the server keeps back from game.timeout for the network (its default), in ms. */
export const LATENCY_RESERVE_MS = 150;

/** Everything that decides one game; the same spec always plays the same game for deterministic strategies. */
export interface GameSpec {
  /** Seeds the board, food, hazards and the strategies' random numbers. */
  seed: number;
  /** Strategy name per seat, in board order. */
  seats: string[];
  width: number;
  height: number;
  gameType: GameType;
  /** Only the standard map's food is simulated; other names are passed on to strategies. */
  map: string;
  /** Milliseconds each strategy gets per move (the server's timeout minus its latency reserve). */
  budgetMs: number;
  /** The game is called a draw after this many turns. */
  maxTurns: number;
}

/** How a game ended. */
export interface GameResult {
  seed: number;
  seats: string[];
  /** The seat of the last snake standing; undefined for a draw or a solo game. */
  winnerSeat?: number;
  turns: number;
  /** Per seat: moves slower than the engine's timeout (budget + 150 ms reserve), which the engine replaces by its default move. */
  timeouts: number[];
  /** Per seat: how long each of its moves took, in ms (one decimal), in turn order. */
  moveMs: number[][];
}

/** Plays `spec` to the end; `strategies` must hold every seat's strategy. */
export async function playGame(
  spec: GameSpec,
  strategies: ReadonlyMap<string, Strategy>,
): Promise<GameResult> {
  const rules: Rules = {
    gameType: spec.gameType,
    map: spec.map,
    foodSpawnChance: 15,
    minimumFood: 1,
    hazardDamagePerTurn: 14,
    shrinkEveryNTurns: 25,
  };
  const ids = spec.seats.map((_, i) => `seat-${i}`);
  const strategyOf = (id: string): Strategy => lookup(strategies, spec.seats[seatOf(id)] ?? '');
  const rng = createRng(spec.seed);
  // A stream of its own, so a strategy's random draws never shift where food appears.
  const strategyRng = createRng(spec.seed ^ 0x5bd1e995);
  const random = (): number => strategyRng.next();
  const game = gameObject(`game-${spec.seed}`, rules, spec.budgetMs + LATENCY_RESERVE_MS);
  const result: GameResult = {
    seed: spec.seed,
    seats: spec.seats,
    turns: 0,
    timeouts: spec.seats.map(() => 0),
    moveMs: spec.seats.map(() => []),
  };

  let state = createGame({ width: spec.width, height: spec.height, snakeIds: ids, rules, rng });
  while (!isGameOver(state, rules) && state.turn < spec.maxTurns) {
    const moves = new Map<string, Direction>();
    for (const s of state.snakes) {
      if (s.elimination !== undefined) continue;
      const request = moveRequest(game, state, s.id, strategyOf);
      const move = await timedMove(strategyOf(s.id), request, rules, spec.budgetMs, random);
      // The engine waits game.timeout for the answer; beyond that it moves the snake straight on.
      const seat = seatOf(s.id);
      result.moveMs[seat]?.push(Math.round(move.ms * 10) / 10);
      if (move.late) result.timeouts[seat] = (result.timeouts[seat] as number) + 1;
      else if (move.direction !== undefined) moves.set(s.id, move.direction);
    }
    state = advance(state, moves, rules, rng);
  }
  result.turns = state.turn;
  result.winnerSeat = winnerOf(state, rules);
  return result;
}

interface TimedMove {
  direction?: Direction;
  ms: number;
  /** Past the engine's timeout: it would have stopped waiting and moved the snake straight on. */
  late: boolean;
}

async function timedMove(
  strategy: Strategy,
  request: Parameters<Strategy['move']>[0],
  rules: Rules,
  budgetMs: number,
  random: () => number,
): Promise<TimedMove> {
  const started = performance.now();
  const ctx: MoveContext = { rules, deadlineAt: started + budgetMs, budgetMs, random };
  let direction: Direction | undefined;
  try {
    direction = await strategy.move(request, ctx);
  } catch {
    // A failing strategy forfeits the move, as a server answering 500 would.
    direction = undefined;
  }
  const ms = performance.now() - started;
  return { direction, ms, late: ms > budgetMs + LATENCY_RESERVE_MS };
}

function winnerOf(state: SimState, rules: Rules): number | undefined {
  if (rules.gameType === 'solo') return undefined;
  const alive = state.snakes.filter((s) => s.elimination === undefined);
  return alive.length === 1 ? seatOf((alive[0] as { id: string }).id) : undefined;
}

function seatOf(id: string): number {
  return Number(id.slice('seat-'.length));
}

function lookup(strategies: ReadonlyMap<string, Strategy>, name: string): Strategy {
  const s = strategies.get(name);
  if (s === undefined) throw new Error(`tournament: no strategy named ${name}`);
  return s;
}
