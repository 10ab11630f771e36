// The command line of `npm run tournament -- <options>`.
import { parseArgs } from 'node:util';
import { isGameType, type GameType } from '@snakepit/battlesnake';

/** Where the games are played. */
export type Mode = 'sim' | 'cli';

export interface TournamentOptions {
  /** --strategies a,b,...: strategy names; seats cycle through them (default vigilant_vera,cautious_carol). */
  strategies: string[];
  /** --games: games to play (default 20). */
  games: number;
  /** --snakes: snakes per game, seated in turn from the strategy list (default: one per strategy). */
  snakes: number;
  /** --type: game type (default standard). */
  gameType: GameType;
  /** --size WxH or N: board size in squares (default 11x11). */
  width: number;
  height: number;
  /** --map: map name (default standard; the simulator only simulates the standard map's food). */
  map: string;
  /** --seed: game i is played from seed + i (default 1). */
  seed: number;
  /** --parallel: games played at once; worker threads in sim mode, CLI processes in cli mode (default 1). */
  parallel: number;
  /** --mode sim|cli: in-process simulator or the official CLI over HTTP (default sim). */
  mode: Mode;
  /** --budget-ms: sim mode, ms each move may take (default 350 = 500 ms timeout − 150 ms reserve). */
  budgetMs: number;
  /** --timeout-ms: cli mode, the engine's move timeout in ms (default 500). */
  timeoutMs: number;
  /** --url name=URL (repeatable): cli mode, play `name` at a running server instead of starting one. */
  urls: Map<string, string>;
  /** --max-turns: sim mode, a game still going after this many turns is a draw (default 1000). */
  maxTurns: number;
  /** --out: where the JSON results go (default .tournaments/<time>.json). */
  out: string;
}

/** A command line that cannot be run; the message says which option and what is expected. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What `npm run tournament -- --help` prints. */
export const USAGE = `usage: npm run tournament -- [options]
  --strategies a,b,...   strategies; seats cycle through them (vigilant_vera,cautious_carol)
  --games N              games to play (20)
  --snakes N             snakes per game (one per strategy)
  --type T               standard, solo, royale, constrictor, wrapped, wrapped_constrictor (standard)
  --size WxH | N         board size, up to 25 (11x11)
  --map NAME             map (standard; the simulator only simulates the standard map's food)
  --seed N               game i is played from seed + i (1)
  --parallel N           games at once: worker threads (sim) or CLI processes (cli) (1)
  --mode sim|cli         in-process simulator, or the official CLI over HTTP (sim)
  --budget-ms N          sim: ms each move may take (350)
  --timeout-ms N         cli: the engine's move timeout (500)
  --url name=URL         cli: play a strategy at a running server (repeatable)
  --max-turns N          sim: a game still going after this many turns is a draw (1000)
  --out FILE             JSON results (.tournaments/<time>.json)`;

/** True when the command line asks for the usage text. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Reads the options from `argv` (without node and the script). Throws UsageError. */
export function parseOptions(argv: string[]): TournamentOptions {
  const { values } = parseArgsOrExplain(argv);
  return fromValues(values);
}

function parseArgsOrExplain(argv: string[]) {
  try {
    return parseCommandLine(argv);
  } catch (err) {
    // node:util's parseArgs throws TypeErrors coded ERR_PARSE_ARGS_* for unknown options and
    // missing values; they are the user's mistake, not a crash.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(`${(err as Error).message}; see npm run tournament -- --help`);
    }
    throw err;
  }
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      strategies: { type: 'string', default: 'vigilant_vera,cautious_carol' },
      games: { type: 'string', default: '20' },
      snakes: { type: 'string' },
      type: { type: 'string', default: 'standard' },
      size: { type: 'string', default: '11x11' },
      map: { type: 'string', default: 'standard' },
      seed: { type: 'string', default: '1' },
      parallel: { type: 'string', default: '1' },
      mode: { type: 'string', default: 'sim' },
      'budget-ms': { type: 'string', default: '350' },
      'timeout-ms': { type: 'string', default: '500' },
      url: { type: 'string', multiple: true, default: [] },
      'max-turns': { type: 'string', default: '1000' },
      out: { type: 'string' },
    },
  });
}

function fromValues(values: ReturnType<typeof parseCommandLine>['values']): TournamentOptions {
  const strategies = values.strategies
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (strategies.length === 0) throw new UsageError('--strategies is empty; give names like a,b');
  const [width, height] = parseSize(values.size);
  if (!isGameType(values.type)) {
    throw new UsageError(
      `--type ${values.type} is not a game type; use standard, solo, royale, constrictor, wrapped or wrapped_constrictor`,
    );
  }
  if (values.mode !== 'sim' && values.mode !== 'cli') {
    throw new UsageError(`--mode ${values.mode} is unknown; use sim or cli`);
  }
  return {
    strategies,
    games: positive('games', values.games),
    snakes: values.snakes === undefined ? strategies.length : positive('snakes', values.snakes),
    gameType: values.type,
    width,
    height,
    map: values.map,
    seed: whole('seed', values.seed),
    parallel: positive('parallel', values.parallel),
    mode: values.mode,
    budgetMs: positive('budget-ms', values['budget-ms']),
    timeoutMs: positive('timeout-ms', values['timeout-ms']),
    urls: parseUrls(values.url),
    maxTurns: positive('max-turns', values['max-turns']),
    out: values.out ?? `.tournaments/${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  };
}

function parseSize(text: string): [number, number] {
  const match = /^(\d+)(?:x(\d+))?$/.exec(text);
  if (match === null) throw new UsageError(`--size ${text} is not a size; use 11x11 or 11`);
  const width = Number(match[1]);
  const height = Number(match[2] ?? match[1]);
  if (width < 1 || height < 1 || width > 25 || height > 25) {
    throw new UsageError(`--size ${text} is out of range; boards are 1 to 25 squares a side`);
  }
  return [width, height];
}

function parseUrls(entries: string[]): Map<string, string> {
  const urls = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at < 1) throw new UsageError(`--url ${entry} is not name=URL`);
    urls.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return urls;
}

function whole(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} ${text} is not a whole number`);
  return n;
}

function positive(name: string, text: string): number {
  const n = whole(name, text);
  if (n < 1) throw new UsageError(`--${name} ${text} must be at least 1`);
  return n;
}
