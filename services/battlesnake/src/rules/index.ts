// The rules simulator: the official engine's turn (BattlesnakeOfficial/rules v1.2.3) as pure
// functions. See services/battlesnake/README.md for what differs from the engine.
export * from './types.ts';
export { UnknownRulesetError, GameSetupError } from './errors.ts';
export { rulesFromGame, defaultRules, isGameType, DEFAULT_SETTINGS } from './settings.ts';
export { neighbour, defaultMove, isWrappedGame, isConstrictorGame } from './board.ts';
export { step } from './step.ts';
export { aliveSnakes, isGameOver, safeMoves } from './queries.ts';
export { stateFromRequest } from './request.ts';
export { createRng, type Rng } from './rng.ts';
export { createGame, type CreateGameOptions } from './setup.ts';
export { advance } from './advance.ts';
