// How good a position is for us when the search stops looking further: room first (the squares
// we reach before anyone else), then length (which wins head-to-heads), then food when hunger or
// a shorter body calls for it, then fewer opponents. Scores are in "squares of territory" units
// so the weights read as trades: one length ahead is worth LENGTH_WEIGHT squares, and so on.
// The weights are set by hand and checked only by tournaments against the other strategies; the
// plan is to tune them with `npm run tournament` against earlier versions of this one.
import { isConstrictorGame, type Rules, type SimSnake, type SimState } from '@snakepit/battlesnake';
import type { Share, Territory } from './territory.ts';

/** A won game, minus the plies it takes (sooner wins score higher). */
export const WIN = 1_000_000;
/** A lost game, plus the plies it takes (later losses score higher). */
export const LOSS = -WIN;
/** Everyone left died on the same turn: better than losing, far worse than anything alive. */
export const DRAW = LOSS / 2;

/** Territory weight of a hazard square: reachable, but it costs health to stand there. */
const HAZARD_WEIGHT = 0.25;
/** Value of each length we lead by, up to LENGTH_LEAD_CAP (beyond that, length buys little). */
const LENGTH_WEIGHT = 6;
const LENGTH_LEAD_CAP = 4;
/** Cost per move to our nearest food when hungry (health low or not clearly longest). */
const HUNGRY_FOOD_WEIGHT = 1.5;
/** Cost per move to food otherwise: a gentle pull so we keep growing. */
const FED_FOOD_WEIGHT = 0.2;
/** Food an opponent reaches first counts as this many moves further away. */
const CONTESTED_FOOD_EXTRA = 3;
/** Health below which we count as hungry whatever our length. */
const HUNGRY_HEALTH = 40;
/** Cost of every opponent still alive: a kill is worth this many squares. */
const OPPONENT_WEIGHT = 30;
/** Cost of being boxed into fewer squares than our length, plus this per missing square. */
const TRAPPED_PENALTY = 400;
const TRAPPED_PER_SQUARE = 20;

/**
 * The static value of `state` for `me` (alive, with a body); `alive` lists every alive snake with
 * `me` first. Higher is better for us; the result stays well inside (DRAW, WIN).
 */
export function evaluate(
  state: SimState,
  alive: readonly SimSnake[],
  rules: Rules,
  territory: Territory,
): number {
  const me = alive[0] as SimSnake;
  const shares: Share[] = [];
  territory.race(state, alive, shares, HAZARD_WEIGHT);
  const mine = shares[0] as Share;

  let bestOpponentArea = 0;
  let longestOpponent = 0;
  for (let k = 1; k < alive.length; k++) {
    bestOpponentArea = Math.max(bestOpponentArea, (shares[k] as Share).area);
    longestOpponent = Math.max(longestOpponent, (alive[k] as SimSnake).body.length);
  }

  let score = mine.area - bestOpponentArea - OPPONENT_WEIGHT * (alive.length - 1);
  if (!isConstrictorGame(rules.gameType)) {
    score += lengthScore(me.body.length - longestOpponent, alive.length > 1);
    // Food someone else reaches first still pulls (at a discount): on a crowded board we may
    // own none, and without a gradient we would never grow.
    const contested = mine.foodDistance < 0 ? territory.foodDistance(state, alive, me) : -1;
    const lead = me.body.length - longestOpponent;
    if (contested < 0) score += foodScore(me, mine.foodDistance, lead, alive.length > 1);
    else score += foodScore(me, contested + CONTESTED_FOOD_EXTRA, lead, alive.length > 1);
  }
  if (mine.area < me.body.length) score -= trappedCost(state, alive, me, territory);
  return score;
}

function lengthScore(lead: number, hasOpponents: boolean): number {
  if (!hasOpponents) return 0;
  return LENGTH_WEIGHT * Math.max(-LENGTH_LEAD_CAP, Math.min(LENGTH_LEAD_CAP, lead));
}

/** Food pulls harder when hungry; food we cannot reach before starving counts as a death spiral. */
function foodScore(
  me: SimSnake,
  foodDistance: number,
  lead: number,
  hasOpponents: boolean,
): number {
  const hungry = me.health < HUNGRY_HEALTH || (hasOpponents && lead < 2);
  if (foodDistance < 0) return hungry ? -HUNGRY_FOOD_WEIGHT * 20 : 0;
  if (foodDistance >= me.health) return -TRAPPED_PENALTY;
  return -(hungry ? HUNGRY_FOOD_WEIGHT : FED_FOOD_WEIGHT) * foodDistance;
}

/**
 * Our Voronoi share undercounts room we share with others, so check the squares we can reach at
 * all before calling it a trap: fewer than our length means we will run into ourselves.
 */
function trappedCost(
  state: SimState,
  alive: readonly SimSnake[],
  me: SimSnake,
  territory: Territory,
): number {
  const room = territory.reach(state, alive, me, me.body.length);
  if (room >= me.body.length) return 0;
  return TRAPPED_PENALTY + TRAPPED_PER_SQUARE * (me.body.length - room);
}
