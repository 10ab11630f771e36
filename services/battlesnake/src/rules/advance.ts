// What the engine does around a turn beyond the rules themselves: the standard map's food
// spawning and royale's shrinking border. Random, so it takes an Rng; tournaments use it.
import type { Coord, Direction } from '../api.ts';
import { randomInt, shuffle, type Rng } from './rng.ts';
import { freeSquares } from './setup.ts';
import { step } from './step.ts';
import type { Rules, SimState } from './types.ts';

/**
 * A full engine turn: `step`, then (royale) the safe area shrinks by one random side every
 * `shrinkEveryNTurns` turns, then food is topped up to `minimumFood` or, failing that, one food
 * spawns with `foodSpawnChance` percent odds. Other maps' hazards are not simulated.
 */
export function advance(
  state: SimState,
  moves: ReadonlyMap<string, Direction>,
  rules: Rules,
  rng: Rng,
): SimState {
  const next = step(state, moves, rules);
  const hazards = rules.gameType === 'royale' ? shrinkRoyale(next, rules, rng) : next.hazards;
  const food = spawnFood(next, rules, rng);
  return { ...next, hazards, food };
}

function spawnFood(state: SimState, rules: Rules, rng: Rng): Coord[] {
  const n = foodNeeded(state.food.length, rules, rng);
  if (n === 0) return state.food;

  const alive = state.snakes.filter((s) => s.elimination === undefined);
  const bodies = alive.flatMap((s) => s.body);
  const heads = alive.flatMap((s) => s.body.slice(0, 1));
  const free = shuffle(rng, freeSquares(state.width, state.height, bodies, state.food, heads));
  return [...state.food, ...free.slice(0, n)];
}

function foodNeeded(current: number, rules: Rules, rng: Rng): number {
  if (current < rules.minimumFood) return rules.minimumFood - current;
  // The engine draws 1..100 and spawns when the draw is below the chance, so 15 means 14 %.
  if (rules.foodSpawnChance > 0 && 100 - randomInt(rng, 100) < rules.foodSpawnChance) return 1;
  return 0;
}

/**
 * Royale: on every turn that is a multiple of `shrinkEveryNTurns`, one side of the safe
 * rectangle (chosen at random) moves in by a square and everything outside it is hazard. The
 * engine replays a fixed sequence of sides from the seed; drawing one side per shrink from the
 * stream is the same distribution. A setting below 1 never shrinks (the engine refuses it).
 */
function shrinkRoyale(state: SimState, rules: Rules, rng: Rng): Coord[] {
  const every = rules.shrinkEveryNTurns;
  if (every < 1 || state.turn < every || state.turn % every !== 0) return state.hazards;

  const safe = safeRectangle(state);
  if (safe === undefined) return state.hazards;
  const side = randomInt(rng, 4);
  if (side === 0) safe.minX++;
  else if (side === 1) safe.maxX--;
  else if (side === 2) safe.minY++;
  else safe.maxY--;

  const hazards: Coord[] = [];
  for (let x = 0; x < state.width; x++) {
    for (let y = 0; y < state.height; y++) {
      if (x < safe.minX || x > safe.maxX || y < safe.minY || y > safe.maxY) hazards.push({ x, y });
    }
  }
  return hazards;
}

interface Rectangle {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** The bounding box of the squares without hazard, or undefined when the whole board is hazard. */
function safeRectangle(state: SimState): Rectangle | undefined {
  const { width, height } = state;
  const hazard = new Uint8Array(width * height);
  for (const h of state.hazards) {
    if (h.x >= 0 && h.x < width && h.y >= 0 && h.y < height) hazard[h.y * width + h.x] = 1;
  }
  let rect: Rectangle | undefined;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      if (hazard[y * width + x] === 1) continue;
      if (rect === undefined) rect = { minX: x, maxX: x, minY: y, maxY: y };
      rect.minX = Math.min(rect.minX, x);
      rect.maxX = Math.max(rect.maxX, x);
      rect.minY = Math.min(rect.minY, y);
      rect.maxY = Math.max(rect.maxY, y);
    }
  }
  return rect;
}
