// vigilant_vera's search against its deadline: how long moves take compared with the budget the
// server gives (game.timeout 500 ms − 150 ms reserve = 350 ms), how deep it gets, and whether
// concurrent searches in one process still each answer in time. Positions come from seeded games
// of random safe moves, so runs compare like with like.
import {
  advance,
  createGame,
  createRng,
  defaultRules,
  safeMoves,
  type Direction,
  type GameType,
  type Rules,
  type SimState,
} from '@snakepit/battlesnake';
import type { Strategy } from '@snakepit/snake-api/strategies/types';
import { vigilantMove } from '@snakepit/snake-api/strategies/vigilant-vera/index';
import { vigilantVera } from '@snakepit/snake-api/strategies/vigilant-vera/index';
import type { SearchResult } from '@snakepit/snake-api/strategies/vigilant-vera/search';
import { gameObject, moveRequest } from '@snakepit/snake-api/tournament/requests';
import type { BenchSuite } from '../run.ts';
import { median, percentile, printTable } from '../table.ts';

/** The budget snake-api gives a strategy under the engine's default 500 ms timeout, in ms. */
const BUDGET_MS = 350;
/** Positions timed per scenario. */
const POSITIONS = 20;

interface Scenario {
  name: string;
  gameType: GameType;
  size: number;
  snakes: number;
  turns: number;
}

const SCENARIOS: Scenario[] = [
  { name: '11x11 standard, 2 snakes', gameType: 'standard', size: 11, snakes: 2, turns: 30 },
  { name: '11x11 standard, 4 snakes', gameType: 'standard', size: 11, snakes: 4, turns: 30 },
  { name: '11x11 wrapped, 4 snakes', gameType: 'wrapped', size: 11, snakes: 4, turns: 30 },
  { name: '11x11 royale, 4 snakes', gameType: 'royale', size: 11, snakes: 4, turns: 60 },
  { name: '19x19 standard, 8 snakes', gameType: 'standard', size: 19, snakes: 8, turns: 30 },
  { name: '25x25 standard, 16 snakes', gameType: 'standard', size: 25, snakes: 16, turns: 20 },
];

/** A position `turns` into a seeded game where every snake picks a random safe move. */
function position(s: Scenario, seed: number): { state: SimState; rules: Rules } {
  const rules = defaultRules(s.gameType);
  const rng = createRng(seed);
  const ids = Array.from({ length: s.snakes }, (_, i) => `s${i}`);
  let state = createGame({ width: s.size, height: s.size, snakeIds: ids, rules, rng });
  for (let t = 0; t < s.turns; t++) {
    const moves = new Map<string, Direction>();
    for (const id of ids) {
      const safe = safeMoves(state, id, rules);
      if (safe.length > 0) moves.set(id, safe[Math.floor(rng.next() * safe.length)] as Direction);
    }
    const next = advance(state, moves, rules, rng);
    if (next.snakes.filter((x) => x.elimination === undefined).length < 2) break;
    state = next;
  }
  return { state, rules };
}

async function timedMove(state: SimState, rules: Rules, youId: string, startedAt: number) {
  const game = gameObject('bench', rules, BUDGET_MS + 150);
  const request = moveRequest(game, state, youId, (): Strategy => vigilantVera);
  const ctx = {
    rules,
    deadlineAt: startedAt + BUDGET_MS,
    budgetMs: BUDGET_MS,
    random: Math.random,
  };
  const result: SearchResult = await vigilantMove(request, ctx);
  return { result, ms: performance.now() - startedAt };
}

async function moveTimes(): Promise<void> {
  const rows = [];
  for (const s of SCENARIOS) {
    const ms: number[] = [];
    const depths: number[] = [];
    let nodes = 0;
    for (let i = 0; i < POSITIONS; i++) {
      const { state, rules } = position(s, 100 + i);
      const me = state.snakes.find((x) => x.elimination === undefined);
      if (me === undefined) continue;
      const { result, ms: took } = await timedMove(state, rules, me.id, performance.now());
      ms.push(took);
      depths.push(result.depth);
      nodes += result.nodes;
    }
    const total = ms.reduce((a, b) => a + b, 0);
    rows.push({
      scenario: s.name,
      'p50 ms': median(ms),
      'p99 ms': percentile(ms, 99),
      'max ms': Math.max(...ms),
      'budget ms': BUDGET_MS,
      'over budget': `${ms.filter((m) => m > BUDGET_MS).length}/${ms.length}`,
      'median depth': median(depths),
      'positions/s': Math.round((1000 * nodes) / total),
    });
  }
  printTable(`one move at a time (${POSITIONS} positions each)`, rows, 1);
}

/** Four searches started together in one process, plus the event loop's worst stall meanwhile. */
async function concurrent(): Promise<void> {
  const { state, rules } = position(SCENARIOS[1] as Scenario, 7);
  const alive = state.snakes.filter((x) => x.elimination === undefined);
  let worstLagMs = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    worstLagMs = Math.max(worstLagMs, now - last - 5);
    last = now;
  }, 5);
  const startedAt = performance.now();
  const runs = await Promise.all(
    [0, 1, 2, 3].map((k) =>
      timedMove(state, rules, (alive[k % alive.length] as { id: string }).id, startedAt),
    ),
  );
  clearInterval(probe);
  printTable(
    '4 concurrent searches in one process (11x11, 4 snakes)',
    runs.map((r, k) => ({
      search: k,
      'answered at ms': r.ms,
      'deadline ms': BUDGET_MS,
      'in time': r.ms <= BUDGET_MS ? 'yes' : 'NO',
      depth: r.result.depth,
      'event-loop stall max ms': Math.max(0, worstLagMs),
    })),
    1,
  );
}

const suite: BenchSuite = {
  name: 'search',
  async run() {
    await moveTimes();
    await concurrent();
  },
};
export default suite;
