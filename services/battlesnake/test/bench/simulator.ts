// Benchmark of the rules simulator: steps per second on realistic mid-game states (taken from
// seeded games played with random safe moves), for the board sizes strategies search on.
// A BenchSuite for test/bench/run.ts; also runs on its own:
//   npx node --conditions=source services/battlesnake/test/bench/simulator.ts
import { pathToFileURL } from 'node:url';
import {
  advance,
  aliveSnakes,
  createGame,
  createRng,
  defaultRules,
  isConstrictorGame,
  isGameOver,
  neighbour,
  safeMoves,
  step,
  type Coord,
  type Direction,
  type GameType,
  type Rng,
  type Rules,
  type SimSnake,
  type SimState,
} from '@snakepit/battlesnake';
import { printTable } from '../../../../test/bench/table.ts';

interface Position {
  state: SimState;
  moves: Map<string, Direction>;
}

const SCENARIOS: { gameType: GameType; size: number; snakes: number }[] = [
  { gameType: 'standard', size: 11, snakes: 4 },
  { gameType: 'standard', size: 19, snakes: 8 },
  { gameType: 'wrapped', size: 11, snakes: 4 },
  { gameType: 'constrictor', size: 11, snakes: 4 },
  { gameType: 'royale', size: 11, snakes: 4 },
];

/**
 * Random moves for every alive snake among the safe ones, preferring squares no equal or longer
 * head can reach and, mostly, squares closer to food, so that games last and snakes grow to
 * the lengths of real play.
 */
function randomMoves(state: SimState, rules: Rules, rng: Rng): Map<string, Direction> {
  const moves = new Map<string, Direction>();
  for (const s of aliveSnakes(state)) {
    const safe = safeMoves(state, s.id, rules);
    const calm = safe.filter(
      (d) => !nearRivalHead(state, s, neighbour(s.body[0] as Coord, d, state, rules)),
    );
    const hungry = calm.filter((d) =>
      closerToFood(state, s, neighbour(s.body[0] as Coord, d, state, rules)),
    );
    const pool: Direction[] =
      hungry.length > 0 && rng.next() < 0.7
        ? hungry
        : calm.length > 0
          ? calm
          : safe.length > 0
            ? safe
            : ['up'];
    moves.set(s.id, pool[Math.floor(rng.next() * pool.length)] as Direction);
  }
  return moves;
}

function closerToFood(state: SimState, me: SimSnake, c: Coord): boolean {
  const head = me.body[0] as Coord;
  const distance = (a: Coord, b: Coord) => Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
  return state.food.some((f) => distance(c, f) < distance(head, f));
}

function nearRivalHead(state: SimState, me: SimSnake, c: Coord): boolean {
  return aliveSnakes(state).some((o) => {
    const h = o.body[0] as Coord;
    return (
      o !== me && o.body.length >= me.body.length && Math.abs(h.x - c.x) + Math.abs(h.y - c.y) === 1
    );
  });
}

/** Positions from seeded games, keeping only those with every snake still alive. */
function collectPositions(
  gameType: GameType,
  size: number,
  snakes: number,
  wanted: number,
): Position[] {
  const rules = defaultRules(gameType, { shrinkEveryNTurns: 10 });
  const rng = createRng(42);
  const positions: Position[] = [];
  // Constrictor boards fill up fast: take its positions early, the others well into the game.
  const minTurn = isConstrictorGame(gameType) ? 4 : 30;
  for (let game = 0; positions.length < wanted && game < 10_000; game++) {
    const snakeIds = Array.from({ length: snakes }, (_, i) => `s${i}`);
    let state = createGame({ width: size, height: size, snakeIds, rules, rng });
    while (!isGameOver(state, rules) && positions.length < wanted) {
      const moves = randomMoves(state, rules, rng);
      if (aliveSnakes(state).length === snakes && state.turn >= minTurn && state.turn % 3 === 0)
        positions.push({ state, moves });
      state = advance(state, moves, rules, rng);
    }
  }
  return positions;
}

/**
 * Runs `fn` over the positions for about `budgetMs` of this process's CPU time and returns calls
 * per CPU second. CPU time rather than wall time, because the machine is shared: other
 * processes stretch wall time but not the work one call needs.
 */
function measure(positions: Position[], budgetMs: number, fn: (p: Position) => unknown): number {
  for (const p of positions) fn(p); // warm-up: let the JIT settle before timing
  let calls = 0;
  const start = process.cpuUsage();
  let cpuMs = 0;
  while (cpuMs < budgetMs) {
    for (const p of positions) fn(p);
    calls += positions.length;
    const used = process.cpuUsage(start);
    cpuMs = (used.user + used.system) / 1000;
  }
  return (calls / cpuMs) * 1000;
}

async function run(): Promise<void> {
  const rows = [];
  for (const { gameType, size, snakes } of SCENARIOS) {
    const rules = defaultRules(gameType);
    const positions = collectPositions(gameType, size, snakes, 2000);
    const avgLength =
      positions.reduce((n, p) => n + p.state.snakes.reduce((m, s) => m + s.body.length, 0), 0) /
      (positions.length * snakes);
    const stepsPerS = measure(positions, 1000, (p) => step(p.state, p.moves, rules));
    const safePerS = measure(positions, 500, (p) => safeMoves(p.state, 's0', rules));
    rows.push({
      game: `${gameType} ${size}x${size}, ${snakes} snakes`,
      'mean length': avgLength,
      'step/cpu-s': Math.round(stepsPerS),
      'safeMoves/cpu-s': Math.round(safePerS),
    });
  }
  printTable('rules simulator, mid-game positions with every snake alive', rows, 1);
  await Promise.resolve();
}

export default { name: 'simulator', run };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
