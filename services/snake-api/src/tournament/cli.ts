// Playing games through the official Battlesnake CLI (battlesnake play), against servers over
// real HTTP with the engine's real timeouts. The CLI writes each game as JSONL (-o): the game,
// then one board per turn, then {winnerName, isDraw}; that file is the record we read back.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GameResult, GameSpec } from './game.ts';

/** The CLI that scripts/install-tools.sh builds. */
export const CLI_PATH = fileURLToPath(
  new URL('../../../../.tools/bin/battlesnake', import.meta.url),
);

/** Plays every spec through the CLI, at most `parallel` at a time; results in spec order. */
export async function playThroughCli(
  specs: readonly GameSpec[],
  urls: ReadonlyMap<string, string>,
  timeoutMs: number,
  parallel: number,
  onResult: (result: GameResult) => void,
): Promise<GameResult[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'snakepit-tournament-'));
  const results = new Array<GameResult>(specs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < specs.length) {
      const at = next++;
      results[at] = await playCliGame(specs[at] as GameSpec, urls, timeoutMs, dir);
      onResult(results[at]);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, specs.length) }, lane));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

/** One game: `battlesnake play` with one -n/-u pair per seat, then its JSONL read back. */
export async function playCliGame(
  spec: GameSpec,
  urls: ReadonlyMap<string, string>,
  timeoutMs: number,
  dir: string,
): Promise<GameResult> {
  const out = path.join(dir, `game-${spec.seed}.jsonl`);
  const args = [
    'play',
    ...['-W', String(spec.width), '-H', String(spec.height)],
    ...['-g', spec.gameType, '-m', spec.map, '-t', String(timeoutMs)],
    ...['-r', String(spec.seed), '-o', out],
  ];
  spec.seats.forEach((name, seat) => {
    const url = urls.get(name);
    if (url === undefined) throw new Error(`tournament: no URL for strategy ${name}`);
    // The seat rides along as a query string so the CLI's failure lines say which snake failed.
    args.push('-n', seatName(seat, name), '-u', `${url}?seat=${seat}`);
  });
  const log = await run(CLI_PATH, args);
  return resultFromJsonl(spec, await readFile(out, 'utf8'), log);
}

/** The snake name a seat plays under: its seat number, a colon, its strategy. */
export function seatName(seat: number, strategy: string): string {
  return `${seat}:${strategy}`;
}

interface WireSnake {
  name: string;
  latency: string;
}

/** Reads a CLI game record; `log` is the CLI's output, where each timed-out request is a line. */
export function resultFromJsonl(spec: GameSpec, jsonl: string, log: string): GameResult {
  const lines = jsonl.trim().split('\n');
  const end = JSON.parse(lines[lines.length - 1] ?? '{}') as {
    winnerName?: string;
    isDraw?: boolean;
  };
  const boards = lines
    .slice(1, -1)
    .map((l) => JSON.parse(l) as { turn: number; board: { snakes: WireSnake[] } });
  // Each board holds the latency of the move that led to it for every snake still alive; the
  // first board (turn 0) comes before any move. A snake's last move, the one it died on, is
  // missing (its board no longer lists it); a timeout there is still counted, from the log.
  const moveMs = spec.seats.map((): number[] => []);
  for (const b of boards.slice(1)) {
    for (const s of b.board.snakes) {
      moveMs[Number.parseInt(s.name, 10)]?.push(Number(s.latency));
    }
  }
  const timeouts = spec.seats.map(() => 0);
  for (const match of log.matchAll(/Request to \S+\?seat=(\d+) failed/g)) {
    const seat = Number(match[1]);
    timeouts[seat] = (timeouts[seat] ?? 0) + 1;
  }
  const winner =
    end.isDraw === true || !end.winnerName ? undefined : Number.parseInt(end.winnerName, 10);
  return {
    seed: spec.seed,
    seats: spec.seats,
    ...(winner === undefined ? {} : { winnerSeat: winner }),
    turns: boards[boards.length - 1]?.turn ?? 0,
    timeouts,
    moveMs,
  };
}

/** Runs a command to the end; resolves with its stdout and stderr together, rejects on failure. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else
        reject(new Error(`${path.basename(command)} exited with ${code}: ${output.slice(-500)}`));
    });
  });
}
