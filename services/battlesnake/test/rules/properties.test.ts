// Property tests: random legal-looking states of every game type, random moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DIRECTIONS,
  GAME_TYPES,
  advance,
  createRng,
  defaultRules,
  isWrappedGame,
  safeMoves,
  step,
  type Coord,
  type Direction,
  type Rules,
  type SimSnake,
  type SimState,
} from '@snakepit/battlesnake';

interface Case {
  state: SimState;
  rules: Rules;
  moves: Map<string, Direction>;
}

/** A square next to `c` (or `c` itself for 'stay', which stacks segments), kept on the board. */
function nextSegment(c: Coord, d: Direction | 'stay', w: number, h: number, wrap: boolean): Coord {
  if (d === 'stay') return c;
  const dx = d === 'left' ? -1 : d === 'right' ? 1 : 0;
  const dy = d === 'down' ? -1 : d === 'up' ? 1 : 0;
  let x = c.x + dx;
  let y = c.y + dy;
  if (wrap) return { x: (x + w) % w, y: (y + h) % h };
  if (x < 0 || x >= w || y < 0 || y >= h) [x, y] = [c.x, c.y];
  return { x, y };
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    width: fc.integer({ min: 2, max: 12 }),
    height: fc.integer({ min: 2, max: 12 }),
    gameType: fc.constantFrom(...GAME_TYPES),
    hazardDamagePerTurn: fc.integer({ min: -20, max: 100 }),
  })
  .chain(({ width, height, gameType, hazardDamagePerTurn }) => {
    const rules = defaultRules(gameType, { hazardDamagePerTurn });
    const wrap = isWrappedGame(gameType);
    // Plain objects: fast-check's records have a null prototype, which deepEqual would notice.
    const coord = fc
      .record({
        x: fc.integer({ min: 0, max: width - 1 }),
        y: fc.integer({ min: 0, max: height - 1 }),
      })
      .map((c): Coord => ({ x: c.x, y: c.y }));
    const snakeArb = fc.record({
      head: coord,
      path: fc.array(fc.constantFrom<Direction | 'stay'>(...DIRECTIONS, 'stay'), {
        minLength: 2, // bodies of 3 or more, as in every real game
        maxLength: 14,
      }),
      health: fc.integer({ min: 1, max: 100 }),
      eliminated: fc.boolean(),
      move: fc.option(fc.constantFrom(...DIRECTIONS), { nil: undefined }),
    });
    return fc
      .record({
        turn: fc.integer({ min: 0, max: 500 }),
        snakes: fc.array(snakeArb, { minLength: 1, maxLength: 6 }),
        food: fc.uniqueArray(coord, { maxLength: 6, selector: (c) => `${c.x},${c.y}` }),
        hazards: fc.array(coord, { maxLength: 12 }),
      })
      .map(({ turn, snakes, food, hazards }): Case => {
        const moves = new Map<string, Direction>();
        const sims = snakes.map((s, i): SimSnake => {
          const body = [s.head];
          for (const d of s.path)
            body.push(nextSegment(body[body.length - 1] as Coord, d, width, height, wrap));
          const id = `s${i}`;
          if (s.move !== undefined) moves.set(id, s.move);
          const snake: SimSnake = { id, health: s.health, body };
          // Roughly one snake in eight is already out of the game.
          if (s.eliminated && i % 4 === 3) snake.elimination = { cause: 'head-collision', turn };
          return snake;
        });
        return { state: { turn, width, height, food, hazards, snakes: sims }, rules, moves };
      });
  });

const onBoard = (c: Coord, s: SimState) => c.x >= 0 && c.x < s.width && c.y >= 0 && c.y < s.height;

test('step never throws, never mutates its input and keeps the invariants', () => {
  fc.assert(
    fc.property(caseArb, ({ state, rules, moves }) => {
      const before = structuredClone(state);
      const next = step(state, moves, rules);
      assert.deepEqual(state, before);

      assert.equal(next.turn, state.turn + 1);
      assert.deepEqual(
        next.snakes.map((s) => s.id),
        state.snakes.map((s) => s.id),
      );
      next.snakes.forEach((s, i) => {
        const old = state.snakes[i] as SimSnake;
        if (old.elimination !== undefined) return assert.deepEqual(s, old);
        if (s.elimination !== undefined) return assert.equal(s.elimination.turn, next.turn);
        assert.ok(s.body.length >= 1 && s.body.length <= old.body.length + 1);
        assert.ok(s.health >= 1 && s.health <= 100, `health ${s.health}`);
        for (const c of s.body) assert.ok(onBoard(c, next), `${c.x},${c.y} on the board`);
      });
      for (const f of next.food) assert.ok(state.food.includes(f), 'step adds no food');
      assert.equal(next.hazards, state.hazards);
    }),
    { numRuns: 400 },
  );
});

test('step is deterministic', () => {
  fc.assert(
    fc.property(caseArb, ({ state, rules, moves }) => {
      assert.deepEqual(step(state, moves, rules), step(state, moves, rules));
    }),
  );
});

test('a safe move never ends in a wall, a body, starvation or hazard death, whatever the others do', () => {
  const deadly = new Set([
    'wall-collision',
    'snake-self-collision',
    'snake-collision',
    'out-of-health',
    'hazard',
  ]);
  fc.assert(
    fc.property(caseArb, ({ state, rules, moves }) => {
      for (const s of state.snakes) {
        if (s.elimination !== undefined) continue;
        for (const d of safeMoves(state, s.id, rules)) {
          const next = step(state, new Map(moves).set(s.id, d), rules);
          const cause = next.snakes.find((x) => x.id === s.id)?.elimination?.cause;
          assert.ok(cause === undefined || !deadly.has(cause), `${s.id} ${d}: ${cause}`);
        }
      }
    }),
    { numRuns: 400 },
  );
});

test('advance never mutates its input and never puts new food on a body', () => {
  fc.assert(
    fc.property(caseArb, fc.integer(), ({ state, rules, moves }, seed) => {
      const before = structuredClone(state);
      const next = advance(state, moves, rules, createRng(seed));
      assert.deepEqual(state, before);
      const bodies = new Set(
        next.snakes
          .filter((s) => s.elimination === undefined)
          .flatMap((s) => s.body.map((c) => `${c.x},${c.y}`)),
      );
      const added = next.food.filter((f) => !state.food.includes(f));
      for (const f of added)
        assert.ok(!bodies.has(`${f.x},${f.y}`), `food on a body at ${f.x},${f.y}`);
    }),
  );
});
