// `npm run tournament -- <options>`: plays games between named strategies and prints a win-rate
// table with 95% intervals; the full record goes to a JSON file. See options.ts for the options.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { playThroughCli } from './cli.ts';
import type { GameResult, GameSpec } from './game.ts';
import { USAGE, UsageError, parseOptions, wantsHelp, type TournamentOptions } from './options.ts';
import { progressBar } from './progress.ts';
import { gameSpecs, strategiesByName } from './schedule.ts';
import { startServers } from './servers.ts';
import { playInProcess } from './sim.ts';
import { draws, standings, standingsTable } from './stats.ts';

async function main(): Promise<void> {
  if (wantsHelp(process.argv.slice(2))) {
    console.log(USAGE);
    return;
  }
  const options = parseOptions(process.argv.slice(2));
  checkStrategies(options);
  const specs = gameSpecs(options);
  const startedAt = new Date().toISOString();
  const wins = new Map<string, number>();
  const progress = progressBar(specs.length);
  const onResult = (r: GameResult): void => {
    const winner = r.winnerSeat === undefined ? 'draw' : (r.seats[r.winnerSeat] as string);
    wins.set(winner, (wins.get(winner) ?? 0) + 1);
    progress.tick([...wins].map(([name, n]) => `${name} ${n}`).join(' · '));
  };

  const results = await play(options, specs, onResult);
  progress.done();
  const table = standings(options.strategies, results);
  console.log(describe(options));
  console.log(`\n${standingsTable(table)}\n\ndraws: ${draws(results)} of ${results.length} games`);

  const record = {
    startedAt,
    finishedAt: new Date().toISOString(),
    options: jsonOptions(options),
    standings: table,
    games: results,
  };
  await mkdir(path.dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`results: ${options.out}`);
}

async function play(
  options: TournamentOptions,
  specs: GameSpec[],
  onResult: (r: GameResult) => void,
): Promise<GameResult[]> {
  if (options.mode === 'sim') return playInProcess(specs, options.parallel, onResult);
  const missing = options.strategies.filter((s) => !options.urls.has(s));
  const servers = await startServers(missing);
  try {
    const urls = new Map([...options.urls, ...servers.urls]);
    return await playThroughCli(specs, urls, options.timeoutMs, options.parallel, onResult);
  } finally {
    await servers.stop();
  }
}

function checkStrategies(options: TournamentOptions): void {
  const known = strategiesByName();
  for (const name of options.strategies) {
    if (options.mode === 'cli' && options.urls.has(name)) continue;
    if (!known.has(name)) {
      throw new UsageError(`no strategy named ${name}; known: ${[...known.keys()].join(', ')}`);
    }
  }
}

function describe(o: TournamentOptions): string {
  const where =
    o.mode === 'sim'
      ? `in-process, ${o.budgetMs} ms per move`
      : `official CLI, ${o.timeoutMs} ms timeout`;
  return `\n${o.games} games of ${o.gameType} on ${o.width}x${o.height} (map ${o.map}), ${o.snakes} snakes, seeds ${o.seed}..${o.seed + o.games - 1}, ${where}, ${o.parallel} at a time`;
}

function jsonOptions(o: TournamentOptions): Record<string, unknown> {
  return { ...o, urls: Object.fromEntries(o.urls) };
}

try {
  await main();
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`tournament: ${err.message}`);
  process.exitCode = 2;
}
