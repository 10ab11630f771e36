// The simulator's own model of a game: small, plain and immutable by convention. A step builds
// new snakes and arrays and shares everything it did not change (coords, eliminated snakes,
// untouched food and hazard lists) with the state it came from, so nothing may be mutated.
import type { Coord } from '../api.ts';

/** The rulesets the official engine (BattlesnakeOfficial/rules v1.2.3) knows. */
export type GameType =
  'standard' | 'solo' | 'royale' | 'constrictor' | 'wrapped' | 'wrapped_constrictor';

/** Every game type, in a fixed order (for error messages and tests). */
export const GAME_TYPES: readonly GameType[] = [
  'standard',
  'solo',
  'royale',
  'constrictor',
  'wrapped',
  'wrapped_constrictor',
];

/** Why a snake left the game; the same strings the engine uses. */
export type EliminationCause =
  | 'wall-collision'
  | 'snake-self-collision'
  | 'snake-collision'
  | 'head-collision'
  | 'out-of-health'
  | 'hazard';

/** How and when a snake was eliminated. */
export interface Elimination {
  cause: EliminationCause;
  /** The snake that eliminated this one (for a self-collision, the snake itself, as the engine records it). */
  by?: string;
  /** The turn the elimination happened on: the turn number of the state `step` produced. */
  turn: number;
}

/** A snake in the simulation; `body[0]` is the head. Eliminated snakes stay in the list, frozen. */
export interface SimSnake {
  id: string;
  health: number;
  body: Coord[];
  elimination?: Elimination;
}

/** A board between two turns. Hazards may repeat a square: each copy deals its damage. */
export interface SimState {
  turn: number;
  width: number;
  height: number;
  food: Coord[];
  hazards: Coord[];
  snakes: SimSnake[];
}

/** The settings a game runs under, as the request's `game.ruleset` and `game.map` carry them. */
export interface Rules {
  gameType: GameType;
  /** The map the game was set up with (`standard` by default); only food and royale hazards are simulated. */
  map: string;
  /** Percent chance per turn that one food spawns when there is at least `minimumFood` (default 15). */
  foodSpawnChance: number;
  /** Food is topped up to this many items every turn (default 1). */
  minimumFood: number;
  /** Health lost per hazard square under the head at the end of a turn, on top of the usual 1 (default 14). */
  hazardDamagePerTurn: number;
  /** Royale: the safe area shrinks by one row or column every this many turns (default 25). */
  shrinkEveryNTurns: number;
}

/** Health a snake starts with and is restored to by food. */
export const MAX_HEALTH = 100;

/** Length of a snake at the start of a game (all segments stacked on one square). */
export const START_LENGTH = 3;
