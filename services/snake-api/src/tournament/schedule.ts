// Which games a tournament plays: one spec per game, all derived from the options and the seed.
import type { GameSpec } from './game.ts';
import type { TournamentOptions } from './options.ts';
import type { Strategy } from '../strategies/types.ts';
import { STRATEGIES } from '../strategies/index.ts';

/**
 * The games to play. Seats cycle through the strategy list and rotate by one every game, so each
 * strategy plays from every seat equally often (createGame then shuffles the start squares).
 */
export function gameSpecs(o: TournamentOptions): GameSpec[] {
  return Array.from({ length: o.games }, (_, i) => ({
    seed: o.seed + i,
    seats: Array.from(
      { length: o.snakes },
      (_, seat) => o.strategies[(seat + i) % o.strategies.length] as string,
    ),
    width: o.width,
    height: o.height,
    gameType: o.gameType,
    map: o.map,
    budgetMs: o.budgetMs,
    maxTurns: o.maxTurns,
  }));
}

/** Every strategy the tournament can seat, by name. */
export function strategiesByName(): Map<string, Strategy> {
  return new Map(STRATEGIES.map((s) => [s.name, s]));
}
