import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GAME_TYPES,
  advance,
  createGame,
  createRng,
  defaultMove,
  defaultRules,
  safeMoves,
  step,
  type Coord,
  type Direction,
  type GameType,
  type Rules,
  type SimState,
} from '@snakepit/battlesnake';
import { cautiousCarol } from '../src/strategies/cautious-carol.ts';
import type { MoveContext, Strategy } from '../src/strategies/types.ts';
import { vigilantVera } from '../src/strategies/vigilant-vera/index.ts';
import { searchMove } from '../src/strategies/vigilant-vera/search.ts';
import { Territory, type Share } from '../src/strategies/vigilant-vera/territory.ts';
import { gameObject, moveRequest } from '../src/tournament/requests.ts';

/** Extra time a loaded 2-core CI machine may take to resume a search after its deadline. */
const SLACK_MS = 250;

function body(text: string): Coord[] {
  return text.split(' ').map((pair) => {
    const [x, y] = pair.split(',').map(Number);
    return { x: x as number, y: y as number };
  });
}

function ask(strategy: Strategy, state: SimState, rules: Rules, youId: string, budgetMs: number) {
  const game = gameObject('test', rules, budgetMs + 150);
  const request = moveRequest(game, state, youId, () => strategy);
  const ctx: MoveContext = {
    rules,
    deadlineAt: performance.now() + budgetMs,
    budgetMs,
    random: () => 0.5,
  };
  return strategy.move(request, ctx);
}

/**
 * The earliest turn by which the opponent can force `me` out whatever `me` does, trying every
 * surviving move of both snakes; Infinity when `me` lasts `depth` turns. This is the proof that
 * a position has one surviving line, independent of the search under test.
 */
function forcedLossTurn(state: SimState, rules: Rules, me: string, opp: string, depth: number) {
  const gone = (s: SimState, id: string) => s.snakes.find((x) => x.id === id)?.elimination;
  if (gone(state, me) !== undefined) return 0;
  if (gone(state, opp) !== undefined || depth === 0) return Infinity;
  let best = 0;
  for (const mine of movesOf(state, rules, me)) {
    best = Math.max(best, replyLossTurn(state, rules, mine, me, opp, depth));
    if (best === Infinity) break;
  }
  return best;
}

function replyLossTurn(
  state: SimState,
  rules: Rules,
  mine: Direction,
  me: string,
  opp: string,
  depth: number,
): number {
  let worst = Infinity;
  for (const theirs of movesOf(state, rules, opp)) {
    const next = step(
      state,
      new Map([
        [me, mine],
        [opp, theirs],
      ]),
      rules,
    );
    worst = Math.min(worst, 1 + forcedLossTurn(next, rules, me, opp, depth - 1));
  }
  return worst;
}

function movesOf(state: SimState, rules: Rules, id: string): Direction[] {
  const safe = safeMoves(state, id, rules);
  const snake = state.snakes.find((s) => s.id === id);
  return safe.length > 0 || snake === undefined ? safe : [defaultMove(snake.body)];
}

const standard = defaultRules('standard');

// Food in the bottom-right corner, our snake (a, length 8) one column away, the opponent (b)
// alongside us and able to come down behind us and close the corner:
//
//   . . . . . . . . . b .      a: head (8,0), body straight up column 8
//   . . . . . . . . a b .      b: head (9,3), body straight up column 9
//   . . . . . . . . a b .
//   . . . . . . . . a B .
//   . . . . . . . . a . .
//   . . . . . . . . a . .
//   . . . . . . . . A . *
const cornerBait: SimState = {
  turn: 58,
  width: 11,
  height: 11,
  food: [{ x: 10, y: 0 }],
  hazards: [],
  snakes: [
    { id: 'a', health: 87, body: body('8,0 8,1 8,2 8,3 8,4 8,5 8,6 8,7') },
    { id: 'b', health: 93, body: body('9,3 9,4 9,5 9,6 9,7 9,8') },
  ],
};

// Mid-game: our head (7,7) in a pocket our own body forms; left and right both survive this
// turn, but only right keeps a way out once the opponent's head, just below, moves in.
const closingPocket: SimState = {
  turn: 64,
  width: 11,
  height: 11,
  food: [
    { x: 2, y: 6 },
    { x: 4, y: 3 },
  ],
  hazards: [],
  snakes: [
    { id: 'a', health: 98, body: body('7,7 7,8 7,9 6,9 5,9 5,8 5,7 5,6 5,5 4,5 3,5') },
    { id: 'b', health: 92, body: body('7,5 7,6 8,6 8,5 8,4 8,3 8,2 8,1 7,1') },
  ],
};

describe('vigilant_vera on positions with a single surviving line', () => {
  const positions = [
    { name: 'the food in a corner the opponent can close', state: cornerBait, only: 'left' },
    { name: 'a pocket the opponent can close', state: closingPocket, only: 'right' },
  ] as const;

  for (const { name, state, only } of positions) {
    it(`keeps out of ${name} (${only}), where cautious_carol walks in`, async () => {
      const losing = movesOf(state, standard, 'a').filter((d) => d !== only);
      assert.ok(losing.length > 0);
      // The proof: every other move loses, but not on this turn (the line is 2+ moves deep).
      for (const d of losing) {
        const lossTurn = replyLossTurn(state, standard, d, 'a', 'b', 6);
        assert.ok(lossTurn >= 2 && lossTurn <= 6, `${d} loses on turn ${lossTurn}`);
      }
      assert.equal(replyLossTurn(state, standard, only, 'a', 'b', 5), Infinity);

      assert.equal(await ask(vigilantVera, state, standard, 'a', 300), only);
      assert.notEqual(await ask(cautiousCarol, state, standard, 'a', 300), only);
    });
  }
});

/** A position some turns into a game, every snake moving at random among its safe moves. */
function midGame(gameType: GameType, size: number, snakes: number, turns: number, seed: number) {
  const rules = defaultRules(gameType, gameType === 'royale' ? { shrinkEveryNTurns: 5 } : {});
  const rng = createRng(seed);
  const ids = Array.from({ length: snakes }, (_, i) => `s${i}`);
  let state = createGame({ width: size, height: size, snakeIds: ids, rules, rng });
  for (let t = 0; t < turns; t++) {
    const moves = new Map<string, Direction>();
    for (const id of ids) {
      const safe = safeMoves(state, id, rules);
      if (safe.length > 0) moves.set(id, safe[Math.floor(rng.next() * safe.length)] as Direction);
    }
    const next = advance(state, moves, rules, rng);
    if (next.snakes.filter((s) => s.elimination === undefined).length < 2) break;
    state = next;
  }
  return { state, rules };
}

describe('vigilant_vera under its deadline', () => {
  for (const gameType of GAME_TYPES) {
    const snakes = gameType === 'solo' ? 1 : 16;
    it(`answers a ${gameType} move on 25x25 with ${snakes} snake(s) before its deadline`, async () => {
      const { state, rules } = midGame(gameType, 25, snakes, 12, 7);
      const me = state.snakes.find((s) => s.elimination === undefined);
      assert.ok(me !== undefined);
      const budgetMs = 120;
      const started = performance.now();
      const move = await ask(vigilantVera, state, rules, me.id, budgetMs);
      const tookMs = performance.now() - started;
      assert.ok(['up', 'down', 'left', 'right'].includes(move));
      assert.ok(tookMs < budgetMs + SLACK_MS, `took ${tookMs.toFixed(0)} ms`);
    });
  }

  it('answers on 19x19 with 8 snakes in royale with hazards before its deadline', async () => {
    const { state, rules } = midGame('royale', 19, 8, 30, 3);
    assert.ok(state.hazards.length > 0);
    const me = state.snakes.find((s) => s.elimination === undefined);
    assert.ok(me !== undefined);
    const started = performance.now();
    await ask(vigilantVera, state, rules, me.id, 150);
    assert.ok(performance.now() - started < 150 + SLACK_MS);
  });

  it('lets four concurrent searches each answer by its own deadline', async () => {
    const budgets = [60, 120, 180, 240];
    const started = performance.now();
    const results = await Promise.all(
      budgets.map(async (budgetMs) => {
        const r = await searchMove(closingPocket, standard, 'a', { stopAt: started + budgetMs });
        return { ...r, tookMs: performance.now() - started };
      }),
    );
    results.forEach((r, i) => {
      const budgetMs = budgets[i] as number;
      assert.equal(r.reason, 'deadline');
      assert.ok(r.tookMs < budgetMs + SLACK_MS, `search ${i} took ${r.tookMs.toFixed(0)} ms`);
    });
    // Interleaved, not queued: the shortest deadline is met while the other three still run.
    assert.ok(
      (results[0] as { tookMs: number }).tookMs < (results[3] as { tookMs: number }).tookMs,
    );
  });

  it('answers at once when only one move survives the turn', async () => {
    // Head in the bottom-left corner, own body above it: right is the only way.
    const state: SimState = {
      turn: 10,
      width: 11,
      height: 11,
      food: [],
      hazards: [],
      snakes: [
        { id: 'a', health: 90, body: body('0,0 0,1 0,2 0,3') },
        { id: 'b', health: 90, body: body('6,6 6,7 6,8') },
      ],
    };
    const result = await searchMove(state, standard, 'a', { stopAt: performance.now() + 10_000 });
    assert.equal(result.move, 'right');
    assert.equal(result.reason, 'only-move');
    assert.equal(result.nodes, 0);
  });

  it('stops searching once it has proven a win', async () => {
    // b's head is in the top-left corner, walled in by its own neck and our body: it dies this
    // turn whatever anyone does, so every move of ours is a win one turn deep.
    const state: SimState = {
      turn: 30,
      width: 11,
      height: 11,
      food: [],
      hazards: [],
      snakes: [
        { id: 'a', health: 90, body: body('2,8 1,8 1,9 1,10 2,10 3,10') },
        { id: 'b', health: 90, body: body('0,10 0,9 0,8') },
      ],
    };
    const started = performance.now();
    const result = await searchMove(state, standard, 'a', { stopAt: started + 10_000 });
    assert.equal(result.reason, 'decided');
    assert.ok(result.score > 0);
    assert.ok(performance.now() - started < 5_000);
  });
});

describe('territory race', () => {
  const corridor = (a: string, b: string): SimState => ({
    turn: 0,
    width: 5,
    height: 1,
    food: [{ x: 1, y: 0 }],
    hazards: [],
    snakes: [
      { id: 'a', health: 50, body: body(a) },
      { id: 'b', health: 50, body: body(b) },
    ],
  });

  it('leaves a square two equal snakes reach together to nobody', () => {
    const state = corridor('0,0', '4,0');
    const shares: Share[] = [];
    new Territory(state, standard).race(state, state.snakes, shares, 1);
    assert.deepEqual(shares, [
      { area: 2, foodDistance: 1 },
      { area: 2, foodDistance: -1 },
    ]);
  });

  it('gives a square reached together to the longer snake', () => {
    const state = corridor('0,0 0,0', '4,0');
    const shares: Share[] = [];
    new Territory(state, standard).race(state, state.snakes, shares, 1);
    assert.deepEqual(
      shares.map((x) => x.area),
      [3, 2],
    );
  });

  it('wraps around the edges in wrapped games', () => {
    const state = corridor('0,0', '2,0');
    const shares: Share[] = [];
    new Territory(state, defaultRules('wrapped')).race(state, state.snakes, shares, 1);
    // a reaches x=4 across the left edge first; x=1 is a tie; b reaches x=3.
    assert.deepEqual(
      shares.map((x) => x.area),
      [2, 2],
    );
  });
});
