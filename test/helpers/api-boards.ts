// Hand-built webhook requests for strategy and API tests: snakes as lists of [x, y] squares,
// head first, and everything else filled in as the official engine would send it.
import type { Battlesnake, Coord, GameState, Rules, SimState } from '@snakepit/battlesnake';

/** A square as [x, y]. */
export type Square = readonly [number, number];

export interface SnakeSpec {
  /** Default: `you` for our snake, `s1`, `s2`, ... for the others. */
  id?: string;
  /** Head first. Repeat the last square for a doubled (just fed, or new) tail. */
  body: readonly Square[];
  /** Default 100. */
  health?: number;
}

export interface BoardSpec {
  /** Default 7. */
  width?: number;
  /** Default 7. */
  height?: number;
  /** Default standard. */
  ruleset?: string;
  /** Default standard. */
  map?: string;
  /** Default 500 (ms). */
  timeout?: number;
  /** Default 10. */
  turn?: number;
  /** Default 14. */
  hazardDamagePerTurn?: number;
  you: SnakeSpec;
  others?: readonly SnakeSpec[];
  food?: readonly Square[];
  hazards?: readonly Square[];
  /** Default a fixed id; vary it where a strategy keys randomness on the game. */
  gameId?: string;
}

const coord = ([x, y]: Square): Coord => ({ x, y });

function battlesnake(spec: SnakeSpec, id: string): Battlesnake {
  const body = spec.body.map(coord);
  return {
    id,
    name: id,
    health: spec.health ?? 100,
    body,
    latency: '0',
    head: body[0] ?? { x: 0, y: 0 },
    length: body.length,
    shout: '',
    squad: '',
    customizations: { color: '#888888', head: 'default', tail: 'default' },
  };
}

/** A /move request body for `spec`, with our snake first on the board. */
export function gameState(spec: BoardSpec): GameState {
  const you = battlesnake(spec.you, spec.you.id ?? 'you');
  const others = (spec.others ?? []).map((s, i) => battlesnake(s, s.id ?? `s${i + 1}`));
  return {
    game: {
      id: spec.gameId ?? 'game-1',
      ruleset: {
        name: spec.ruleset ?? 'standard',
        version: 'v1.2.3',
        settings: {
          foodSpawnChance: 15,
          minimumFood: 1,
          hazardDamagePerTurn: spec.hazardDamagePerTurn ?? 14,
          royale: { shrinkEveryNTurns: 25 },
          squad: {
            allowBodyCollisions: false,
            sharedElimination: false,
            sharedHealth: false,
            sharedLength: false,
          },
        },
      },
      map: spec.map ?? 'standard',
      timeout: spec.timeout ?? 500,
      source: 'custom',
    },
    turn: spec.turn ?? 10,
    board: {
      width: spec.width ?? 7,
      height: spec.height ?? 7,
      food: (spec.food ?? []).map(coord),
      hazards: (spec.hazards ?? []).map(coord),
      snakes: [you, ...others],
    },
    you,
  };
}

/**
 * The request a snake would receive for a simulated state: `youId` must be alive in it. Rules
 * settings become the game's ruleset settings, so the request round-trips through rulesFor.
 */
export function requestFromSim(
  state: SimState,
  youId: string,
  rules: Rules,
  timeout = 500,
): GameState {
  const alive = state.snakes.filter((s) => s.elimination === undefined);
  const snakes = alive.map((s) =>
    battlesnake({ body: s.body.map((c) => [c.x, c.y] as const), health: s.health }, s.id),
  );
  const you = snakes.find((s) => s.id === youId);
  if (you === undefined) throw new Error(`snake ${youId} is not alive in this state`);
  const base = gameState({ you: { body: [[0, 0]] } });
  return {
    game: {
      ...base.game,
      map: rules.map,
      timeout,
      ruleset: {
        name: rules.gameType,
        version: 'v1.2.3',
        settings: {
          ...base.game.ruleset.settings,
          foodSpawnChance: rules.foodSpawnChance,
          minimumFood: rules.minimumFood,
          hazardDamagePerTurn: rules.hazardDamagePerTurn,
          royale: { shrinkEveryNTurns: rules.shrinkEveryNTurns },
        },
      },
    },
    turn: state.turn,
    board: {
      width: state.width,
      height: state.height,
      food: state.food.map((c) => ({ x: c.x, y: c.y })),
      hazards: state.hazards.map((c) => ({ x: c.x, y: c.y })),
      snakes,
    },
    you,
  };
}
