// The webhook request each snake would receive, built from the simulator's state, so that
// in-process games call strategies exactly as the server does.
import type {
  Battlesnake,
  Game,
  GameState,
  Rules,
  SimSnake,
  SimState,
} from '@snakepit/battlesnake';
import type { Strategy } from '../strategies/types.ts';

/** The `game` object of a request for a game under `rules` with the engine timeout `timeoutMs`. */
export function gameObject(id: string, rules: Rules, timeoutMs: number): Game {
  return {
    id,
    ruleset: {
      name: rules.gameType,
      version: 'v1.2.3',
      settings: {
        foodSpawnChance: rules.foodSpawnChance,
        minimumFood: rules.minimumFood,
        hazardDamagePerTurn: rules.hazardDamagePerTurn,
        royale: { shrinkEveryNTurns: rules.shrinkEveryNTurns },
      },
    },
    map: rules.map,
    timeout: timeoutMs,
    source: 'custom',
  };
}

/** The /move body for snake `youId`; `strategyOf` gives each snake's strategy (for its looks). */
export function moveRequest(
  game: Game,
  state: SimState,
  youId: string,
  strategyOf: (snakeId: string) => Strategy,
): GameState {
  const snakes = state.snakes
    .filter((s) => s.elimination === undefined)
    .map((s) => wireSnake(s, strategyOf(s.id)));
  const you = snakes.find((s) => s.id === youId);
  if (you === undefined) throw new Error(`tournament: snake ${youId} is not alive on the board`);
  return {
    game,
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

function wireSnake(s: SimSnake, strategy: Strategy): Battlesnake {
  const body = s.body.map((c) => ({ x: c.x, y: c.y }));
  return {
    id: s.id,
    name: strategy.name,
    health: s.health,
    body,
    latency: '0',
    head: body[0] ?? { x: 0, y: 0 },
    length: body.length,
    shout: '',
    squad: '',
    customizations: { ...strategy.appearance },
  };
}
