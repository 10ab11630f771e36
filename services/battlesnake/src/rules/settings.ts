// Turning the request's game object into the rules a simulation runs under.
import type { Game } from '../api.ts';
import { UnknownRulesetError } from './errors.ts';
import { GAME_TYPES, type GameType, type Rules } from './types.ts';

/** The engine CLI's defaults (battlesnake play v1.2.3), used where a request leaves a setting out. */
export const DEFAULT_SETTINGS = {
  foodSpawnChance: 15,
  minimumFood: 1,
  hazardDamagePerTurn: 14,
  shrinkEveryNTurns: 25,
} as const;

/** Rules for a game type on the standard map with the engine's default settings, overridden by `overrides`. */
export function defaultRules(gameType: GameType, overrides: Partial<Rules> = {}): Rules {
  return { gameType, map: 'standard', ...DEFAULT_SETTINGS, ...overrides };
}

/** True when `name` is one of the simulated game types. */
export function isGameType(name: unknown): name is GameType {
  return typeof name === 'string' && (GAME_TYPES as readonly string[]).includes(name);
}

/**
 * The rules of the game a request belongs to. Throws UnknownRulesetError for a ruleset name the
 * simulator does not implement; settings the request leaves out take the engine's defaults.
 */
export function rulesFromGame(game: Game): Rules {
  // Requests are validated elsewhere, but this also serves hand-built objects: read defensively.
  const ruleset = game.ruleset as Partial<Game['ruleset']> | undefined;
  const name = ruleset?.name;
  if (!isGameType(name)) throw new UnknownRulesetError(String(name ?? ''));
  const settings = ruleset?.settings;
  return {
    gameType: name,
    map: typeof game.map === 'string' && game.map !== '' ? game.map : 'standard',
    foodSpawnChance: intOr(settings?.foodSpawnChance, DEFAULT_SETTINGS.foodSpawnChance),
    minimumFood: intOr(settings?.minimumFood, DEFAULT_SETTINGS.minimumFood),
    hazardDamagePerTurn: intOr(settings?.hazardDamagePerTurn, DEFAULT_SETTINGS.hazardDamagePerTurn),
    shrinkEveryNTurns: intOr(
      settings?.royale?.shrinkEveryNTurns,
      DEFAULT_SETTINGS.shrinkEveryNTurns,
    ),
  };
}

function intOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}
