// The Battlesnake webhook API (apiversion "1"), as the engine sends and expects it.
// Field names follow the wire format exactly, so a request body can be used as-is.

/** One of the four moves a snake can make. */
export type Direction = 'up' | 'down' | 'left' | 'right';

/** Every direction, in a fixed order (strategies rely on this order for tie-breaking). */
export const DIRECTIONS: readonly Direction[] = ['up', 'down', 'left', 'right'];

/** A square on the board; (0, 0) is the bottom-left corner and y grows upwards. */
export interface Coord {
  x: number;
  y: number;
}

/** Per-snake display settings, echoed back by the engine. */
export interface Customizations {
  color: string;
  head: string;
  tail: string;
}

/** A snake as the engine describes it. `body[0]` is the head; `head` repeats it. */
export interface Battlesnake {
  id: string;
  name: string;
  health: number;
  body: Coord[];
  latency: string;
  head: Coord;
  length: number;
  shout: string;
  squad: string;
  customizations: Customizations;
}

export interface Board {
  height: number;
  width: number;
  food: Coord[];
  hazards: Coord[];
  snakes: Battlesnake[];
}

export interface RoyaleSettings {
  /** In royale, the hazard border grows every this many turns. */
  shrinkEveryNTurns: number;
}

export interface SquadSettings {
  allowBodyCollisions: boolean;
  sharedElimination: boolean;
  sharedHealth: boolean;
  sharedLength: boolean;
}

export interface RulesetSettings {
  /** Percent chance per turn that food spawns. */
  foodSpawnChance: number;
  /** Food is topped up to at least this many items. */
  minimumFood: number;
  /** Health lost per turn by a snake whose head ends a turn on a hazard (on top of the usual 1). */
  hazardDamagePerTurn: number;
  hazardMap?: string;
  hazardMapAuthor?: string;
  royale: RoyaleSettings;
  squad?: SquadSettings;
}

export interface Ruleset {
  /** standard, solo, royale, constrictor, wrapped, wrapped_constrictor (or squad, legacy). */
  name: string;
  version: string;
  settings: RulesetSettings;
}

export interface Game {
  id: string;
  ruleset: Ruleset;
  /** The map the board was generated from (standard, empty, hz_*, ...). */
  map: string;
  /** How long the engine waits for a response, in milliseconds, network included. */
  timeout: number;
  /** tournament, league, arena, challenge, custom, or empty. */
  source: string;
}

/** The body of POST /start, /move and /end. */
export interface GameState {
  game: Game;
  turn: number;
  board: Board;
  you: Battlesnake;
}

/** The answer to POST /move. */
export interface MoveResponse {
  move: Direction;
  shout?: string;
}

/** The answer to GET /. */
export interface InfoResponse {
  apiversion: '1';
  author: string;
  color: string;
  head: string;
  tail: string;
  version: string;
}
