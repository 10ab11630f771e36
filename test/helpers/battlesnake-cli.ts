// Playing games with the official Battlesnake CLI (built into .tools/bin by
// scripts/install-tools.sh) and reading what it leaves behind: its log, the per-turn
// elimination lines of its map view (-v), and the JSONL game record (-o).
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GameState } from '@snakepit/battlesnake';
import { REPO_ROOT } from './processes.ts';

const run = promisify(execFile);

/** Where scripts/install-tools.sh puts the CLI. */
export const CLI_PATH = path.join(REPO_ROOT, '.tools/bin/battlesnake');

/** Throws an error saying how to install the CLI when it is missing. */
export async function requireCli(): Promise<string> {
  try {
    await access(CLI_PATH);
    return CLI_PATH;
  } catch {
    throw new Error(
      `the official Battlesnake CLI is missing at ${CLI_PATH}: run \`npm run tools\`, which builds ` +
        'it from the Go module proxy and needs Go 1.22 or newer (https://go.dev/dl)',
    );
  }
}

export interface CliGame {
  gameType: string;
  width: number;
  height: number;
  map?: string;
  /** Snake names and URLs, in board order. */
  snakes: { name: string; url: string }[];
  /** Request timeout, in milliseconds (default 500). */
  timeoutMs?: number;
  seed: number;
}

/** A snake the CLI eliminated, as its map view reports it. */
export interface CliElimination {
  name: string;
  cause: string;
  turn: number;
}

export interface CliResult {
  /** Every WARN or ERROR line of the CLI's log: failed requests, timeouts, bad answers. */
  problems: string[];
  eliminations: CliElimination[];
  /** The requests of the game record, one per turn (its `you` is an arbitrary snake). */
  turns: GameState[];
  /** The game's last log line. */
  summary: string;
}

/** Plays one game to the end and parses what the CLI reports. */
export async function playGame(game: CliGame): Promise<CliResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'snakepit-cli-'));
  const out = path.join(dir, 'game.jsonl');
  try {
    const args = ['play', '-v', '-W', String(game.width), '-H', String(game.height)];
    args.push(
      '-g',
      game.gameType,
      '-m',
      game.map ?? 'standard',
      '-t',
      String(game.timeoutMs ?? 500),
    );
    args.push('-r', String(game.seed), '-o', out);
    for (const s of game.snakes) args.push('-n', s.name, '-u', s.url);
    const { stdout, stderr } = await run(await requireCli(), args, { maxBuffer: 256 << 20 });
    const log = `${stdout}\n${stderr}`;
    return {
      problems: log.split('\n').filter((l) => /^(WARN|ERROR)\b/.test(l)),
      eliminations: parseEliminations(stdout),
      turns: parseTurns(await readFile(out, 'utf8')),
      summary: log.split('\n').find((l) => l.includes('Game completed')) ?? '',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The first report of each eliminated snake: `<name> <char>: Health: N, Eliminated: <cause>, Turn: T`. */
function parseEliminations(stdout: string): CliElimination[] {
  const seen = new Map<string, CliElimination>();
  const line = /^(\S+) \S+: Health: -?\d+, Eliminated: ([a-z-]+), Turn: (\d+)/gmu;
  for (const m of stdout.matchAll(line)) {
    const [, name = '', cause = '', turn = '0'] = m;
    if (!seen.has(name)) seen.set(name, { name, cause, turn: Number(turn) });
  }
  return [...seen.values()];
}

/** The JSONL record: the game line, one request per turn, the result line; keeps the requests. */
function parseTurns(jsonl: string): GameState[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Partial<GameState>)
    .filter((r): r is GameState => r.board !== undefined);
}
