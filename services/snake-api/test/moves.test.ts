import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createLogger } from '@snakepit/common';
import { gameState } from '../../../test/helpers/api-boards.ts';
import { gameResult } from '../src/games.ts';
import { MAX_TIMEOUT_MS, decideMove, rulesFor } from '../src/moves.ts';
import type { Strategy } from '../src/strategies/index.ts';

const logger = createLogger('test', 'silent');
// In the corner, going left along the bottom edge: only up survives.
const cornered = gameState({
  you: {
    body: [
      [0, 0],
      [1, 0],
      [2, 0],
    ],
  },
});

function fake(move: Strategy['move']): Strategy {
  return { name: 'fake', summary: '', appearance: { color: '', head: '', tail: '' }, move };
}

const options = { arrivedAt: performance.now(), reserveMs: 150, random: Math.random, logger };

test('a strategy that throws is answered with a surviving move', async () => {
  const decision = await decideMove(
    fake(() => {
      throw new Error('bug');
    }),
    cornered,
    options,
  );
  assert.equal(decision.move, 'up');
});

test('a strategy that answers something other than a direction is answered with a surviving move', async () => {
  const decision = await decideMove(
    fake(() => 'north' as never),
    cornered,
    options,
  );
  assert.equal(decision.move, 'up');
});

test('a strategy whose promise outlives the deadline is answered with a surviving move', async () => {
  const state = { ...cornered, game: { ...cornered.game, timeout: 160 } };
  const never = fake(() => new Promise(() => undefined));
  const decision = await decideMove(never, state, { ...options, arrivedAt: performance.now() });
  assert.equal(decision.move, 'up');
});

test('the budget is game.timeout minus the reserve minus the time since arrival', async () => {
  let budget = -1;
  const spy = fake((_s, ctx) => {
    budget = ctx.budgetMs;
    return 'up';
  });
  await decideMove(spy, cornered, { ...options, arrivedAt: performance.now() - 100 });
  assert.ok(budget > 200 && budget <= 250, `budget ${budget}`);
});

test('a game.timeout within the reserve logs no warning per move, only at debug', async () => {
  const lines: { level: number; msg: string }[] = [];
  const capture = pino(
    { level: 'debug' },
    { write: (l: string) => void lines.push(JSON.parse(l) as { level: number; msg: string }) },
  );
  const state = { ...cornered, game: { ...cornered.game, timeout: 100 } };
  const slow = fake(() => {
    const until = performance.now() + 2;
    while (performance.now() < until);
    return 'up';
  });
  const decision = await decideMove(slow, state, { ...options, logger: capture });
  assert.equal(decision.budgetMs, 0);
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg]),
    [[20, 'move computed past its deadline']],
  );
});

test('an unknown ruleset is played as standard with its settings', () => {
  const state = gameState({ ruleset: 'squad', hazardDamagePerTurn: 3, you: { body: [[1, 1]] } });
  const rules = rulesFor(state.game);
  assert.equal(rules.gameType, 'standard');
  assert.equal(rules.hazardDamagePerTurn, 3);
});

test('a game ends won when we are alive on the final board', () => {
  assert.equal(gameResult(cornered), 'won');
});

test('a game ends lost when another snake survives us', () => {
  const state = gameState({ you: { body: [[0, 0]] }, others: [{ body: [[5, 5]] }] });
  state.board.snakes = state.board.snakes.slice(1);
  assert.equal(gameResult(state), 'lost');
});

test('a game ends in a draw when nobody survives', () => {
  const state = gameState({ you: { body: [[0, 0]] } });
  state.board.snakes = [];
  assert.equal(gameResult(state), 'draw');
});

test('a solo game ends lost when the snake dies', () => {
  const state = gameState({ ruleset: 'solo', you: { body: [[0, 0]] } });
  state.board.snakes = [];
  assert.equal(gameResult(state), 'lost');
});

test('a game.timeout above MAX_TIMEOUT_MS gives the strategy no more than the capped budget', async () => {
  let budget = -1;
  const spy = fake((_s, ctx) => {
    budget = ctx.budgetMs;
    return 'up';
  });
  const state = { ...cornered, game: { ...cornered.game, timeout: 60_000 } };
  await decideMove(spy, state, { ...options, arrivedAt: performance.now() });
  assert.ok(budget <= MAX_TIMEOUT_MS - 150, `budget ${budget}`);
});
