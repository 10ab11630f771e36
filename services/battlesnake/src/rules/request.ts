// From the webhook request to the simulator's state.
import type { Coord, GameState } from '../api.ts';
import type { SimState } from './types.ts';

/** The board of a request as a SimState: every snake on it is alive (the engine sends no others). */
export function stateFromRequest(req: GameState): SimState {
  const board = req.board;
  return {
    turn: req.turn,
    width: board.width,
    height: board.height,
    food: board.food.map(copyCoord),
    hazards: board.hazards.map(copyCoord),
    snakes: board.snakes.map((s) => ({ id: s.id, health: s.health, body: s.body.map(copyCoord) })),
  };
}

// Copies keep only x and y, so extra wire fields never leak into (or alias) simulated states.
function copyCoord(c: Coord): Coord {
  return { x: c.x, y: c.y };
}
