// Property tests: strategies on random legal boards of every game type, reached by playing
// random surviving moves from a standard start (with random hazards sprinkled on top).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DIRECTIONS,
  GAME_TYPES,
  advance,
  createGame,
  createRng,
  defaultRules,
  isGameOver,
  safeMoves,
  type GameType,
  type SimState,
} from '@snakepit/battlesnake';
import { requestFromSim } from '../../../test/helpers/api-boards.ts';
import { randomSurvivingMoves } from '../../../test/helpers/random-play.ts';
import { rulesFor } from '../src/moves.ts';
import { STRATEGIES } from '../src/strategies/index.ts';

// A short budget keeps the search strategies (which spend most of whatever they are given) quick
// here; the property is that a strategy honours the budget it is handed, whatever its size.
const BUDGET_MS = 150;
// Scheduling slack for a loaded 2-core CI machine: a strategy that checks its clock every few
// milliseconds can still be resumed late by the OS. Overruns beyond this are real bugs.
const SCHEDULING_SLACK_MS = 100;

interface Scenario {
  gameType: GameType;
  size: number;
  snakes: number;
  turns: number;
  hazards: [number, number][];
  seed: number;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    gameType: fc.constantFrom(...GAME_TYPES),
    size: fc.constantFrom(7, 11, 19, 25),
    snakes: fc.integer({ min: 1, max: 16 }),
    turns: fc.integer({ min: 0, max: 80 }),
    hazards: fc.array(fc.tuple(fc.nat(24), fc.nat(24)), { maxLength: 30 }),
    seed: fc.integer(),
  })
  .map((s) => ({ ...s, snakes: s.size < 11 ? Math.min(s.snakes, 8) : s.snakes }));

/** Plays random surviving moves for `turns` turns (or until one snake is left); hazards on top. */
function playOut(s: Scenario): SimState {
  const rules = defaultRules(s.gameType);
  const rng = createRng(s.seed);
  const ids = Array.from({ length: s.snakes }, (_, i) => `snake-${i}`);
  let state = createGame({ width: s.size, height: s.size, snakeIds: ids, rules, rng });
  for (let t = 0; t < s.turns; t++) {
    const next = advance(state, randomSurvivingMoves(state, rules, rng), rules, rng);
    if (next.snakes.every((x) => x.elimination !== undefined)) break;
    state = next;
    if (isGameOver(state, rules)) break;
  }
  const hazards = s.hazards.filter(([x, y]) => x < s.size && y < s.size);
  return { ...state, hazards: [...state.hazards, ...hazards.map(([x, y]) => ({ x, y }))] };
}

for (const strategy of STRATEGIES) {
  test(`${strategy.name} answers a legal direction within its budget on random boards, surviving when it can`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.nat(), async (s, pickYou) => {
        const state = playOut(s);
        const alive = state.snakes.filter((x) => x.elimination === undefined);
        const you = alive[pickYou % alive.length];
        if (you === undefined) return;
        const request = requestFromSim(state, you.id, defaultRules(s.gameType));
        const rules = rulesFor(request.game);
        const started = performance.now();
        const ctx = {
          rules,
          deadlineAt: started + BUDGET_MS,
          budgetMs: BUDGET_MS,
          random: Math.random,
        };

        const move = await strategy.move(request, ctx);

        assert.ok(DIRECTIONS.includes(move), `answered ${String(move)}`);
        const elapsedMs = performance.now() - started;
        assert.ok(
          elapsedMs <= BUDGET_MS + SCHEDULING_SLACK_MS,
          `answered ${elapsedMs.toFixed(0)} ms after being given ${BUDGET_MS} ms`,
        );
        const surviving = safeMoves(state, you.id, rules);
        if (strategy.name !== 'random' && surviving.length > 0) {
          assert.ok(surviving.includes(move), `${move} dies; ${surviving.join(', ')} survive`);
        }
      }),
      { numRuns: 40 },
    );
  });
}
