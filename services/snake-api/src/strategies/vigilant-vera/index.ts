// vigilant_vera: the default strategy. A deadline-bounded search over the rules simulator (see
// search.ts) with a territory-first evaluation (see evaluate.ts).
import { stateFromRequest, type Direction, type GameState } from '@snakepit/battlesnake';
import type { MoveContext, Strategy } from '../types.ts';
import { searchMove, type SearchResult } from './search.ts';

/**
 * Time kept back from the deadline the handler gives us, in ms: the search may overrun its stop
 * time by one slice (4 ms) plus whatever other work holds the event loop when it resumes.
 */
export const STOP_MARGIN_MS = 10;

/**
 * Share of the budget kept back as well (0.15 = 52 ms of the usual 350 ms). On a machine with
 * more runnable work than cores, the process can wait 100 ms or more for a core between finishing
 * the search and writing the answer; official-CLI games on a loaded 2-core machine timed out on
 * about 1 move in 200 without this, and search depth barely changes for the last 15%.
 */
export const STOP_MARGIN_SHARE = 0.15;

/** The move `vigilant_vera` makes in `game`, with how the search found it. */
export async function vigilantMove(game: GameState, ctx: MoveContext): Promise<SearchResult> {
  const state = stateFromRequest(game);
  const marginMs = Math.max(STOP_MARGIN_MS, ctx.budgetMs * STOP_MARGIN_SHARE);
  return searchMove(state, ctx.rules, game.you.id, { stopAt: ctx.deadlineAt - marginMs });
}

/** The default strategy: looks as many turns ahead as the time budget allows. */
export const vigilantVera: Strategy = {
  name: 'vigilant_vera',
  summary:
    'Searches turn by turn as deep as the time budget allows (paranoid alpha-beta over the ' +
    'rules simulator) and values positions by the squares it reaches first, length and food.',
  appearance: { color: '#6a3d9a', head: 'evil', tail: 'sharp' },
  async move(game: GameState, ctx: MoveContext): Promise<Direction> {
    return (await vigilantMove(game, ctx)).move;
  },
};
