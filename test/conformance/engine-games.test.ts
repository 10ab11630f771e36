// Conformance with the official engine: the Battlesnake CLI plays real games against snake-api
// running as its own process, every strategy, every game type, three board sizes and a hazard
// map. No request may fail or time out, and no strategy but `random` may die by a wall, its own
// body or starvation/hazard damage on a turn where the simulator shows a surviving move.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rulesFromGame, safeMoves, stateFromRequest } from '@snakepit/battlesnake';
import { strategyNames } from '../../services/snake-api/src/strategies/index.ts';
import { playGame, requireCli, type CliGame, type CliResult } from '../helpers/battlesnake-cli.ts';
import { freePort, startService, type ServiceProcess } from '../helpers/processes.ts';

/** Causes a strategy can always avoid when the simulator says a surviving move existed. */
const AVOIDABLE = new Set(['wall-collision', 'snake-self-collision', 'out-of-health', 'hazard']);

interface Match {
  gameType: string;
  size: number;
  map?: string;
  strategies: string[];
}

// Every strategy plays several game types; four-snake games mix strategies, so the matrix stays
// small enough to finish in about a minute on two cores.
const MATCHES: Match[] = [
  {
    gameType: 'standard',
    size: 11,
    strategies: ['random_valid', 'chase_random_food', 'chase_closest_food', 'blast_random_valid'],
  },
  {
    gameType: 'standard',
    size: 19,
    strategies: ['cautious_carol', 'random', 'blast_random_valid', 'chase_closest_food'],
  },
  {
    gameType: 'standard',
    size: 11,
    map: 'hz_spiral',
    strategies: ['cautious_carol', 'blast_random_valid', 'chase_closest_food', 'random_valid'],
  },
  {
    gameType: 'standard',
    size: 7,
    strategies: ['random', 'random_valid', 'cautious_carol', 'chase_random_food'],
  },
  { gameType: 'solo', size: 7, strategies: ['cautious_carol'] },
  { gameType: 'solo', size: 7, strategies: ['chase_random_food'] },
  {
    gameType: 'royale',
    size: 11,
    strategies: ['cautious_carol', 'chase_closest_food', 'blast_random_valid', 'random_valid'],
  },
  {
    gameType: 'constrictor',
    size: 7,
    strategies: ['cautious_carol', 'random_valid', 'chase_random_food', 'blast_random_valid'],
  },
  {
    gameType: 'wrapped',
    size: 11,
    map: 'hz_islands_bridges',
    strategies: ['cautious_carol', 'chase_closest_food', 'chase_random_food', 'random'],
  },
  {
    gameType: 'wrapped_constrictor',
    size: 11,
    strategies: ['cautious_carol', 'blast_random_valid', 'random_valid', 'chase_closest_food'],
  },
];

// A strategy registered after MATCHES was written still plays: one seat in a standard game, in a
// test of its own (so a failure names it), played alone after the others, since a search
// strategy spends most of each move's budget and should not share the process with games run
// in parallel only to save test time.
const LATE_MATCHES: Match[] = strategyNames()
  .filter((name) => !MATCHES.some((m) => m.strategies.includes(name)))
  .map((name) => ({
    gameType: 'standard',
    size: 11,
    strategies: [name, 'cautious_carol', 'random_valid', 'chase_closest_food'],
  }));

let api: ServiceProcess;
let base: string;

before(async () => {
  await requireCli();
  const port = await freePort();
  api = await startService({
    entry: 'services/snake-api/src/main.ts',
    env: { PORT: String(port), PERSIST_MODE: 'off', LOG_LEVEL: 'warn' },
  });
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  await api?.stop();
});

function cliGame(match: Match, seed: number): CliGame {
  return {
    gameType: match.gameType,
    width: match.size,
    height: match.size,
    map: match.map,
    seed,
    snakes: match.strategies.map((s, i) => ({ name: `${s}.${i}`, url: `${base}/${s}` })),
  };
}

/** The avoidable deaths of non-random snakes on turns where a surviving move existed. */
function avoidableDeaths(result: CliResult): string[] {
  const found: string[] = [];
  for (const e of result.eliminations) {
    const strategy = e.name.split('.')[0];
    if (strategy === 'random' || !AVOIDABLE.has(e.cause)) continue;
    const before = result.turns.find((t) => t.turn === e.turn - 1);
    const snake = before?.board.snakes.find((s) => s.name === e.name);
    if (before === undefined || snake === undefined) continue;
    const surviving = safeMoves(stateFromRequest(before), snake.id, rulesFromGame(before.game));
    if (surviving.length > 0) {
      found.push(
        `${e.name} died by ${e.cause} on turn ${e.turn} though ${surviving.join('/')} survived`,
      );
    }
  }
  return found;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** What went wrong in these games: empty when every request succeeded and no death was avoidable. */
function failuresOf(matches: Match[], results: CliResult[]): string[] {
  const failures: string[] = [];
  results.forEach((result, i) => {
    const match = matches[i] as Match;
    const label = `${match.gameType} ${match.size}x${match.size} ${match.map ?? 'standard'}`;
    if (result.turns.length < 2) failures.push(`${label}: the game record has no turns`);
    for (const p of result.problems) failures.push(`${label}: CLI reported ${p}`);
    for (const d of avoidableDeaths(result)) failures.push(`${label}: ${d}`);
  });
  return failures;
}

/** snake-api's warnings and errors about these strategies (or about no strategy in particular). */
function serverWarnings(strategies: readonly string[]): string[] {
  return api
    .output()
    .split('\n')
    .filter((l) => /"level":"(warn|error|fatal)"/.test(l))
    .filter((l) => {
      const named = /"strategy":"([a-z_]+)"/.exec(l)?.[1];
      return named === undefined || strategies.includes(named);
    })
    .map((l) => `snake-api logged ${l}`);
}

test('official engine games of every type end without a failed request or an avoidable death', async () => {
  const results = await pool(MATCHES, 3, (match, i) => playGame(cliGame(match, 1000 + i)));

  const eliminations = results.reduce((n, r) => n + r.eliminations.length, 0);
  assert.ok(
    eliminations > 0,
    'no elimination was read from the CLI map view; has its format changed?',
  );
  const planned = [...new Set(MATCHES.flatMap((m) => m.strategies))];
  assert.deepEqual([...failuresOf(MATCHES, results), ...serverWarnings(planned)], []);
});

for (const late of LATE_MATCHES) {
  const name = late.strategies[0] ?? '';
  test(`${name} (not in the planned matches) plays an engine game without a failed request or an avoidable death`, async () => {
    const result = await playGame(cliGame(late, 2000));
    assert.deepEqual(failuresOf([late], [result]), []);
  });
}
