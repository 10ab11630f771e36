// Game lifecycle: one info line and one counter per game start and end.
import { GAME_TYPES, type GameState } from '@snakepit/battlesnake';
import type { Logger } from '@snakepit/common';
import type { ApiMetrics } from './metrics.ts';

/** Our result in a finished game. */
export type GameResult = 'won' | 'lost' | 'draw';

/**
 * Our result from the /end body, whose board holds the snakes still alive: won when we are among
 * them, a draw when nobody is (except in solo, where dying is losing), otherwise lost. A solo
 * game played under another ruleset (one snake in standard) ends as a draw by this rule.
 */
export function gameResult(state: GameState): GameResult {
  const alive = state.board.snakes;
  if (alive.some((s) => s.id === state.you.id)) return 'won';
  if (alive.length === 0 && state.game.ruleset.name !== 'solo') return 'draw';
  return 'lost';
}

/** The ruleset as a bounded metric label. */
export function rulesetLabel(state: GameState): string {
  const name = state.game.ruleset.name;
  return (GAME_TYPES as readonly string[]).includes(name) ? name : 'other';
}

/** The fields both lines of a game carry; the ruleset as sent, unbounded in a log line. */
function gameLogFields(strategy: string, state: GameState) {
  return { gameId: state.game.id, strategy, ruleset: state.game.ruleset.name, map: state.game.map };
}

/** Logs and counts a game start. */
export function recordGameStart(
  logger: Logger,
  metrics: ApiMetrics,
  strategy: string,
  state: GameState,
): void {
  metrics.gamesStarted.inc({ strategy, ruleset: rulesetLabel(state) });
  logger.info(
    { ...gameLogFields(strategy, state), snakes: state.board.snakes.length },
    'game started',
  );
}

/** Logs and counts a game end with our result. */
export function recordGameEnd(
  logger: Logger,
  metrics: ApiMetrics,
  strategy: string,
  state: GameState,
): void {
  const result = gameResult(state);
  metrics.gamesEnded.inc({ strategy, ruleset: rulesetLabel(state), result });
  logger.info({ ...gameLogFields(strategy, state), turn: state.turn, result }, 'game ended');
}
