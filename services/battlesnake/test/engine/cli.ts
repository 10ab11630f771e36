// Runs one game with the official Battlesnake CLI (`battlesnake play`, v1.2.3, built into
// .tools/bin by `npm run tools`) and reads back what it wrote: the JSONL log (a game line, one
// request body per turn, a result line) and, from `--viewmap` output, each elimination's cause,
// which the JSONL does not carry.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Game, GameState } from '@snakepit/battlesnake';

/** The repository root (this file is services/battlesnake/test/engine/cli.ts). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');

/** Where `npm run tools` puts the engine CLI. */
export const CLI_PATH = path.join(REPO_ROOT, '.tools/bin/battlesnake');

/** One game to play: board, ruleset, map, engine seed and any extra numeric CLI settings. */
export interface GameSpec {
  gameType: string;
  map: string;
  width: number;
  height: number;
  snakes: number;
  seed: number;
  settings?: Record<string, number>;
}

/** An elimination as the CLI prints it, with the health the snake was left with. */
export interface PrintedElimination {
  cause: string;
  turn: number;
  health: number;
}

/** What one engine game left behind. */
export interface EngineGame {
  spec: GameSpec;
  logPath: string;
  game: Game;
  frames: GameState[];
  result: { winnerId: string; winnerName: string; isDraw: boolean };
  /** Eliminations by snake name (s0, s1, ...). */
  eliminations: Map<string, PrintedElimination>;
}

/** Fails with the fix when the CLI has not been built. */
export function assertCliInstalled(): void {
  if (!existsSync(CLI_PATH)) {
    throw new Error(
      `the Battlesnake CLI is missing at ${CLI_PATH}; run \`npm run tools\` to build it`,
    );
  }
}

/** Plays `spec` against the snakes at `urls` (named s0, s1, ...) and parses the outcome. */
export async function playEngineGame(
  spec: GameSpec,
  urls: string[],
  dir: string,
): Promise<EngineGame> {
  const logPath = path.join(
    dir,
    `${spec.gameType}-${spec.map}-${spec.width}x${spec.height}-${spec.seed}.jsonl`,
  );
  const stdout = await runCli(cliArgs(spec, urls, logPath));
  const lines = (await readFile(logPath, 'utf8')).trim().split('\n');
  const parsed = lines.map((l) => JSON.parse(l) as unknown);
  return {
    spec,
    logPath,
    game: parsed[0] as Game,
    frames: parsed.slice(1, -1) as GameState[],
    result: parsed[parsed.length - 1] as EngineGame['result'],
    eliminations: parseEliminations(stdout),
  };
}

function cliArgs(spec: GameSpec, urls: string[], logPath: string): string[] {
  const args = ['play', '-W', `${spec.width}`, '-H', `${spec.height}`, '-g', spec.gameType];
  args.push('-m', spec.map, '--seed', `${spec.seed}`, '-o', logPath, '--viewmap');
  // A generous timeout: a late answer would make the engine reuse the snake's last move.
  args.push('--timeout', '20000');
  for (const [name, value] of Object.entries(spec.settings ?? {}))
    args.push(`--${name}`, `${value}`);
  urls.forEach((url, i) => args.push('-n', `s${i}`, '-u', url));
  return args;
}

function runCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else
        reject(new Error(`battlesnake ${args.join(' ')} exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

// `--viewmap` prints every snake each turn; an eliminated one as
// "s1 ⌀: Health: 97, Eliminated: wall-collision, Turn: 3". The first such line is its death.
const ELIMINATED = /^(s\d+) \S+: Health: (-?\d+), Eliminated: ([a-z-]+), Turn: (\d+)$/gmu;

function parseEliminations(stdout: string): Map<string, PrintedElimination> {
  const found = new Map<string, PrintedElimination>();
  for (const m of stdout.matchAll(ELIMINATED)) {
    const [, name, health, cause, turn] = m as unknown as [string, string, string, string, string];
    if (!found.has(name)) found.set(name, { cause, turn: Number(turn), health: Number(health) });
  }
  return found;
}
