import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Direction, GameState } from '@snakepit/battlesnake';
import { gameState, type BoardSpec, type SnakeSpec } from '../../../test/helpers/api-boards.ts';
import { rulesFor } from '../src/moves.ts';
import { STRATEGIES, findStrategy } from '../src/strategies/index.ts';
import type { Strategy } from '../src/strategies/index.ts';

function strategy(name: string): Strategy {
  const found = findStrategy(name);
  assert.ok(found, `strategy ${name} is registered`);
  return found;
}

async function moveOf(s: Strategy, state: GameState, random = Math.random): Promise<Direction> {
  const deadlineAt = performance.now() + 350;
  return s.move(state, { rules: rulesFor(state.game), deadlineAt, budgetMs: 350, random });
}

/** Every answer over a spread of random draws, so "always" claims cover random strategies. */
async function answers(s: Strategy, spec: BoardSpec): Promise<Set<Direction>> {
  const seen = new Set<Direction>();
  for (let i = 0; i < 20; i++) seen.add(await moveOf(s, gameState(spec), () => (i + 0.5) / 20));
  return seen;
}

const notRandom = STRATEGIES.filter((s) => s.name !== 'random');

// Our snake of three in the middle of a 7x7 board, head at (3,3), going up: the start of most
// boards below.
const headUpAt33: SnakeSpec = {
  body: [
    [3, 3],
    [3, 2],
    [3, 1],
  ],
};

// A 2x2 board filled by our snake: the only way out is onto the tail, which moves away this turn.
const ownTailOnly: BoardSpec = {
  width: 2,
  height: 2,
  you: {
    body: [
      [1, 1],
      [1, 0],
      [0, 0],
      [0, 1],
    ],
  },
};

// The same coil on a 3x2 board with the tail doubled (just ate): the tail square stays occupied.
const doubledTail: BoardSpec = {
  width: 3,
  height: 2,
  you: {
    body: [
      [1, 1],
      [1, 0],
      [0, 0],
      [0, 1],
      [0, 1],
    ],
  },
};

// On the left edge, with an enemy body above and below the head: only the wrap is open.
const wrapOnly: BoardSpec = {
  ruleset: 'wrapped',
  you: {
    body: [
      [0, 3],
      [1, 3],
      [2, 3],
    ],
  },
  others: [
    {
      body: [
        [0, 5],
        [0, 4],
        [1, 4],
        [1, 5],
        [1, 6],
        [0, 6],
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 2],
      ],
    },
  ],
};

// Health 10 next to a hazard dealing 14: stepping on it starves the snake.
const lethalHazard: BoardSpec = {
  you: {
    body: [
      [0, 3],
      [1, 3],
      [2, 3],
    ],
    health: 10,
  },
  hazards: [[0, 4]],
};

for (const s of notRandom) {
  test(`${s.name} steps onto its own moving tail when that is the only way out`, async () => {
    assert.deepEqual([...(await answers(s, ownTailOnly))], ['left']);
  });

  test(`${s.name} never enters a doubled tail, which stays put`, async () => {
    assert.deepEqual([...(await answers(s, doubledTail))], ['right']);
  });

  test(`${s.name} wraps around the edge on a wrapped board`, async () => {
    assert.deepEqual([...(await answers(s, wrapOnly))], ['left']);
  });

  test(`${s.name} does not step on a hazard that would take its last health`, async () => {
    assert.deepEqual([...(await answers(s, lethalHazard))], ['down']);
  });
}

test('random answers every direction, walls included', async () => {
  const seen = await answers(strategy('random'), ownTailOnly);
  assert.deepEqual([...seen].sort(), ['down', 'left', 'right', 'up']);
});

test('random_valid chooses among all the surviving moves, not always the same one', async () => {
  const seen = await answers(strategy('random_valid'), {
    you: headUpAt33,
  });
  assert.deepEqual([...seen].sort(), ['left', 'right', 'up']);
});

// Our head at (3,3) going up; a longer enemy's head two squares above can also reach (3,4).
const contested: BoardSpec = {
  you: headUpAt33,
  others: [
    {
      body: [
        [3, 5],
        [3, 6],
        [4, 6],
        [5, 6],
      ],
    },
  ],
  food: [[3, 4]],
};

test('blast_random_valid never moves where a longer head can meet it', async () => {
  const seen = await answers(strategy('blast_random_valid'), contested);
  assert.ok(!seen.has('up'), `answered ${[...seen].join(', ')}`);
  assert.ok(seen.size > 0);
});

// Our head at (3,3) going up, five long; a head three long two squares above: we would win a
// collision at (3,4).
const outgrown: BoardSpec = {
  you: {
    body: [
      [3, 3],
      [3, 2],
      [3, 1],
      [2, 1],
      [1, 1],
    ],
  },
  others: [
    {
      body: [
        [3, 5],
        [3, 6],
        [4, 6],
      ],
    },
  ],
};

test('blast_random_valid takes the square a shorter head may contest: it wins that collision', async () => {
  const seen = await answers(strategy('blast_random_valid'), outgrown);
  assert.ok(seen.has('up'), `answered ${[...seen].join(', ')}`);
});

// The nearest food two squares straight ahead, the other in a far corner; nobody else on board.
const foodAhead: BoardSpec = {
  you: headUpAt33,
  food: [
    [3, 5],
    [0, 0],
  ],
};

test('chase_closest_food heads for the nearest food', async () => {
  assert.equal(await moveOf(strategy('chase_closest_food'), gameState(foodAhead)), 'up');
});

test('chase_closest_food goes around a body rather than into it', async () => {
  const spec: BoardSpec = {
    you: headUpAt33,
    others: [
      {
        body: [
          [2, 4],
          [3, 4],
          [4, 4],
          [5, 4],
          [5, 5],
        ],
      },
    ],
    food: [[3, 6]],
  };
  const move = await moveOf(strategy('chase_closest_food'), gameState(spec));
  assert.ok(move === 'left' || move === 'right', `answered ${move}`);
});

test('chase_closest_food finds food across the edge of a wrapped board', async () => {
  const spec: BoardSpec = {
    ruleset: 'wrapped',
    you: {
      body: [
        [0, 3],
        [1, 3],
        [2, 3],
      ],
    },
    food: [
      [6, 3],
      [4, 5],
    ],
  };
  assert.equal(await moveOf(strategy('chase_closest_food'), gameState(spec)), 'left');
});

test('chase_closest_food detours around a hazard when the detour is short', async () => {
  const spec: BoardSpec = {
    you: headUpAt33,
    hazards: [[3, 4]],
    food: [[3, 5]],
  };
  const move = await moveOf(strategy('chase_closest_food'), gameState(spec));
  assert.ok(move === 'left' || move === 'right', `answered ${move}`);
});

test('chase_random_food goes for a food other than the closest in some games', async () => {
  const moves = new Set<Direction>();
  for (let g = 0; g < 40; g++) {
    const spec: BoardSpec = {
      gameId: `game-${g}`,
      you: headUpAt33,
      food: [
        [3, 5],
        [0, 3],
      ],
    };
    moves.add(await moveOf(strategy('chase_random_food'), gameState(spec)));
  }
  assert.deepEqual([...moves].sort(), ['left', 'up']);
});

test('chase_random_food keeps the same target for the whole game', async () => {
  const spec: BoardSpec = {
    gameId: 'steady',
    you: headUpAt33,
    food: [
      [3, 5],
      [0, 3],
      [6, 3],
    ],
  };
  const seen = await answers(strategy('chase_random_food'), spec);
  assert.equal(seen.size, 1);
});

test('cautious_carol chases the closest food when nobody contests it', async () => {
  assert.equal(await moveOf(strategy('cautious_carol'), gameState(foodAhead)), 'up');
});

test('cautious_carol leaves food that a longer head can also reach', async () => {
  const move = await moveOf(strategy('cautious_carol'), gameState(contested));
  assert.ok(move === 'left' || move === 'right', `answered ${move}`);
});

test('cautious_carol takes food that only a shorter head can also reach', async () => {
  const spec: BoardSpec = { ...outgrown, food: [[3, 4]] };
  assert.equal(await moveOf(strategy('cautious_carol'), gameState(spec)), 'up');
});

test('cautious_carol refuses food at the end of a pocket smaller than its body', async () => {
  // Constrictor bodies never move, so the enemy's column at x=1 walls off x=0 below y=4 for good:
  // the food at (0,3) leads into four squares, and our body is six long. Right is open board.
  const spec: BoardSpec = {
    ruleset: 'constrictor',
    you: {
      body: [
        [0, 4],
        [0, 5],
        [0, 6],
        [1, 6],
        [2, 6],
        [3, 6],
      ],
    },
    others: [
      {
        body: [
          [2, 0],
          [1, 0],
          [1, 1],
          [1, 2],
          [1, 3],
          [1, 3],
        ],
      },
    ],
    food: [[0, 3]],
  };
  assert.equal(await moveOf(strategy('chase_closest_food'), gameState(spec)), 'down');
  assert.equal(await moveOf(strategy('cautious_carol'), gameState(spec)), 'right');
});

test('blast_random_valid still answers a surviving move when its deadline has already passed', async () => {
  // Five rivals near the head: hundreds of reply combinations, of which it may try only one.
  const spec: BoardSpec = {
    width: 11,
    height: 11,
    you: {
      body: [
        [5, 5],
        [5, 4],
        [5, 3],
      ],
    },
    others: [
      {
        body: [
          [5, 7],
          [5, 8],
          [5, 9],
          [5, 10],
        ],
      },
      {
        body: [
          [3, 5],
          [2, 5],
          [1, 5],
          [0, 5],
        ],
      },
      {
        body: [
          [7, 5],
          [8, 5],
          [9, 5],
          [10, 5],
        ],
      },
      {
        body: [
          [4, 7],
          [4, 8],
          [4, 9],
          [4, 10],
        ],
      },
      {
        body: [
          [6, 7],
          [6, 8],
          [6, 9],
          [6, 10],
        ],
      },
    ],
  };
  const state = gameState(spec);
  const ctx = {
    rules: rulesFor(state.game),
    deadlineAt: performance.now() - 1,
    budgetMs: 0,
    random: Math.random,
  };
  const move = await strategy('blast_random_valid').move(state, ctx);
  assert.ok(['up', 'left', 'right'].includes(move), `answered ${move}`);
});
