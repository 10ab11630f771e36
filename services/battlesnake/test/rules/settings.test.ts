import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  UnknownRulesetError,
  rulesFromGame,
  stateFromRequest,
  type Game,
  type GameState,
} from '@snakepit/battlesnake';

function game(name: string, settings: Partial<Game['ruleset']['settings']> = {}): Game {
  return {
    id: 'g1',
    map: 'hz_hazard_pits',
    timeout: 500,
    source: 'custom',
    ruleset: {
      name,
      version: 'v1.2.3',
      settings: {
        foodSpawnChance: 25,
        minimumFood: 2,
        hazardDamagePerTurn: 30,
        royale: { shrinkEveryNTurns: 10 },
        ...settings,
      },
    },
  };
}

test('rulesFromGame reads the game type, map and settings of the request', () => {
  assert.deepEqual(rulesFromGame(game('royale')), {
    gameType: 'royale',
    map: 'hz_hazard_pits',
    foodSpawnChance: 25,
    minimumFood: 2,
    hazardDamagePerTurn: 30,
    shrinkEveryNTurns: 10,
  });
});

test('rulesFromGame takes the engine defaults for settings the request leaves out', () => {
  const bare: Game = { ...game('wrapped'), map: '' };
  (bare.ruleset as { settings?: unknown }).settings = undefined;
  assert.deepEqual(rulesFromGame(bare), {
    gameType: 'wrapped',
    map: 'standard',
    foodSpawnChance: 15,
    minimumFood: 1,
    hazardDamagePerTurn: 14,
    shrinkEveryNTurns: 25,
  });
});

test('rulesFromGame rejects an unknown ruleset with an error naming it and the known ones', () => {
  assert.throws(
    () => rulesFromGame(game('squad')),
    (err: unknown) =>
      err instanceof UnknownRulesetError &&
      err.ruleset === 'squad' &&
      err.message.includes('"squad"') &&
      err.message.includes('wrapped_constrictor'),
  );
});

test('stateFromRequest keeps turn, size, food, hazards and every snake alive', () => {
  const req = {
    game: game('standard'),
    turn: 12,
    board: {
      width: 11,
      height: 9,
      food: [{ x: 1, y: 2 }],
      hazards: [{ x: 0, y: 0 }],
      snakes: [
        {
          id: 'a',
          name: 'A',
          health: 54,
          body: [
            { x: 3, y: 3 },
            { x: 3, y: 2 },
          ],
        },
      ],
    },
  } as unknown as GameState;
  assert.deepEqual(stateFromRequest(req), {
    turn: 12,
    width: 11,
    height: 9,
    food: [{ x: 1, y: 2 }],
    hazards: [{ x: 0, y: 0 }],
    snakes: [
      {
        id: 'a',
        health: 54,
        body: [
          { x: 3, y: 3 },
          { x: 3, y: 2 },
        ],
      },
    ],
  });
});

test('stateFromRequest copies coordinates, so the request is never aliased', () => {
  const head = { x: 3, y: 3 };
  const req = {
    game: game('standard'),
    turn: 0,
    board: {
      width: 7,
      height: 7,
      food: [],
      hazards: [],
      snakes: [{ id: 'a', health: 100, body: [head] }],
    },
  } as unknown as GameState;
  const state = stateFromRequest(req);
  assert.notEqual(state.snakes[0]?.body[0], head);
});
