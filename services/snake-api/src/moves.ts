// Choosing a move under a deadline: the strategy's answer, or a safe fallback when it fails.
//
// Deadline arithmetic: the engine waits game.timeout ms for the whole round trip, so we aim to
// answer MOVE_LATENCY_RESERVE_MS before that, counted from the request's arrival. What parsing
// and validation already spent comes out of the strategy's budget.
import {
  DIRECTIONS,
  UnknownRulesetError,
  defaultMove,
  defaultRules,
  rulesFromGame,
  type Direction,
  type Game,
  type GameState,
  type Rules,
} from '@snakepit/battlesnake';
import type { Logger } from '@snakepit/common';
import { positionOf, safeFallbackMove } from './strategies/lib/board.ts';
import type { MoveContext, Strategy } from './strategies/index.ts';

/**
 * The longest game.timeout honoured, in milliseconds. The timeout comes from the client; without
 * a cap, a request claiming a minute would let a search strategy spend a minute of CPU on it.
 * Official games use 500 ms.
 */
export const MAX_TIMEOUT_MS = 2000;

/** The move answered and what it cost. */
export interface MoveDecision {
  move: Direction;
  /** Time the strategy (and any fallback) took, in milliseconds. */
  computeMs: number;
  /** Milliseconds the strategy was given. */
  budgetMs: number;
}

export interface DecideOptions {
  /** When the request arrived, on the performance.now() clock, in milliseconds. */
  arrivedAt: number;
  /** MOVE_LATENCY_RESERVE_MS: kept back from game.timeout for the network, in milliseconds. */
  reserveMs: number;
  random: () => number;
  logger: Logger;
}

/**
 * The rules of the request's game. Rulesets the simulator does not know (squad and other legacy
 * names) are played as standard with the request's settings: the same moves are legal there.
 */
export function rulesFor(game: Game): Rules {
  try {
    return rulesFromGame(game);
  } catch (err) {
    if (!(err instanceof UnknownRulesetError)) throw err;
    return rulesFromGame({ ...game, ruleset: { ...game.ruleset, name: 'standard' } });
  }
}

/** Asks `strategy` for a move within the deadline; never throws. */
export async function decideMove(
  strategy: Strategy,
  state: GameState,
  options: DecideOptions,
): Promise<MoveDecision> {
  const started = performance.now();
  const timeoutMs = Math.min(state.game.timeout, MAX_TIMEOUT_MS);
  const deadlineAt = options.arrivedAt + timeoutMs - options.reserveMs;
  const budgetMs = Math.max(0, deadlineAt - started);
  let rules: Rules = defaultRules('standard');
  let move: Direction;
  try {
    rules = rulesFor(state.game);
    const ctx: MoveContext = { rules, deadlineAt, budgetMs, random: options.random };
    move = await withinDeadline(strategy.move(state, ctx), deadlineAt);
  } catch (err) {
    const reason = err instanceof DeadlineMissed ? 'missed its deadline' : 'failed';
    options.logger.warn(
      { err, strategy: strategy.name, gameId: state.game.id, turn: state.turn },
      `strategy ${reason}; answering a safe move`,
    );
    move = fallbackMove(state, rules);
  }
  const computeMs = performance.now() - started;
  if (computeMs > budgetMs) {
    // A synchronous strategy cannot be interrupted; its late answer is still the best we have.
    // With no budget at all (game.timeout within the reserve) every move is late by design: that
    // is the client's setting, not a fault, and must not put a warn line on every move.
    const level = budgetMs > 0 ? 'warn' : 'debug';
    options.logger[level](
      { strategy: strategy.name, gameId: state.game.id, turn: state.turn, computeMs, budgetMs },
      'move computed past its deadline',
    );
  }
  return { move, computeMs, budgetMs };
}

/** A surviving move without search; the way the head points if even that fails. */
function fallbackMove(state: GameState, rules: Rules): Direction {
  try {
    return safeFallbackMove(positionOf(state, rules));
  } catch {
    return defaultMove(state.you.body);
  }
}

class DeadlineMissed extends Error {
  override readonly name = 'DeadlineMissed';
}

/**
 * The strategy's answer, checked to be a direction. A promise that has not settled by
 * `deadlineAt` is abandoned (it keeps running, but its answer is ignored).
 */
async function withinDeadline(
  answer: Direction | Promise<Direction>,
  deadlineAt: number,
): Promise<Direction> {
  const move = answer instanceof Promise ? await raceDeadline(answer, deadlineAt) : answer;
  if (!(DIRECTIONS as readonly unknown[]).includes(move)) {
    throw new TypeError(`strategy answered ${JSON.stringify(move)}, not a direction`);
  }
  return move;
}

async function raceDeadline(answer: Promise<Direction>, deadlineAt: number): Promise<Direction> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    const ms = Math.max(0, deadlineAt - performance.now());
    timer = setTimeout(
      () => reject(new DeadlineMissed(`no answer within ${Math.round(ms)} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}
