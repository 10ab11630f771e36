// The strategy registry: every strategy the server answers for, by URL name. A new strategy is
// one module in this folder and one entry in STRATEGIES.
import { blastRandomValid } from './blast-random-valid.ts';
import { cautiousCarol } from './cautious-carol.ts';
import { chaseClosestFood, chaseRandomFood } from './chase-food.ts';
import { random } from './random.ts';
import { randomValid } from './random-valid.ts';
import { vigilantVera } from './vigilant-vera/index.ts';
import type { Strategy } from './types.ts';

export type { Appearance, MoveContext, Strategy } from './types.ts';

/** Every strategy, weakest first (the order of listings and benchmark tables). */
export const STRATEGIES: readonly Strategy[] = [
  random,
  randomValid,
  chaseRandomFood,
  chaseClosestFood,
  blastRandomValid,
  cautiousCarol,
  vigilantVera,
];

const byName = new Map(STRATEGIES.map((s) => [s.name, s]));

/** The strategy with this URL name, or undefined. */
export function findStrategy(name: string): Strategy | undefined {
  return byName.get(name);
}

/** Every strategy name, in STRATEGIES order. */
export function strategyNames(): string[] {
  return STRATEGIES.map((s) => s.name);
}

/** The strongest strategy, the default for DEFAULT_STRATEGY. */
export const STRONGEST_STRATEGY = vigilantVera.name;
