// Test-only Battlesnake servers for games against the official engine CLI. Each server plays
// at random among moves that do not obviously kill it (so games last and reach long snakes,
// hazards and shrinking), now and then a fully random move (so walls, self and body collisions
// happen too), and recklessly after `recklessAfterTurn` so every game ends soon. Every answer is
// recorded, so the replay knows the move of a snake that died and left the board.
//
// The "does not obviously kill it" check here is deliberately naive and independent of the
// simulator's safeMoves: this file only has to produce varied games, the replay judges them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DIRECTIONS,
  createRng,
  type Coord,
  type Direction,
  type GameState,
} from '@snakepit/battlesnake';
import type { Rng } from '@snakepit/battlesnake';

/** Moves answered, keyed by moveKey(game id, turn, snake id). */
export type MoveLog = Map<string, Direction>;

/** The key a recorded move is stored under. */
export function moveKey(gameId: string, turn: number, snakeId: string): string {
  return `${gameId}/${turn}/${snakeId}`;
}

/** A running test snake: its URL and a way to stop it. */
export interface MoveServer {
  url: string;
  close(): Promise<void>;
}

/** How a test snake plays: `randomMovePercent` of moves are fully random; all are after `recklessAfterTurn`. */
export interface MoveServerOptions {
  seed: number;
  moves: MoveLog;
  randomMovePercent?: number;
  recklessAfterTurn?: number;
}

/** Starts one test snake on a random free port of 127.0.0.1. */
export async function startMoveServer(opts: MoveServerOptions): Promise<MoveServer> {
  const rng = createRng(opts.seed);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/move') {
        const state = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GameState;
        const move = chooseMove(state, rng, opts);
        opts.moves.set(moveKey(state.game.id, state.turn, state.you.id), move);
        res.end(JSON.stringify({ move }));
        return;
      }
      res.end(req.method === 'GET' ? JSON.stringify(INFO) : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const INFO = {
  apiversion: '1',
  author: 'replay-test',
  color: '#888888',
  head: 'default',
  tail: 'default',
};

function chooseMove(state: GameState, rng: Rng, opts: MoveServerOptions): Direction {
  const reckless =
    state.turn > (opts.recklessAfterTurn ?? 150) ||
    rng.next() * 100 < (opts.randomMovePercent ?? 1);
  const options = reckless ? [...DIRECTIONS] : notObviouslyDeadly(state);
  const pool = options.length > 0 ? options : [...DIRECTIONS];
  return pool[Math.floor(rng.next() * pool.length)] as Direction;
}

function notObviouslyDeadly(state: GameState): Direction[] {
  const { width, height, snakes } = state.board;
  const wraps = state.game.ruleset.name.startsWith('wrapped');
  const blocked = new Set<string>();
  for (const s of snakes) for (const p of s.body.slice(0, -1)) blocked.add(`${p.x},${p.y}`);
  return DIRECTIONS.filter((d) => {
    const p = step1(state.you.head, d);
    const q = wraps ? { x: (p.x + width) % width, y: (p.y + height) % height } : p;
    const onBoard = q.x >= 0 && q.x < width && q.y >= 0 && q.y < height;
    return onBoard && !blocked.has(`${q.x},${q.y}`);
  });
}

function step1(c: Coord, d: Direction): Coord {
  if (d === 'up') return { x: c.x, y: c.y + 1 };
  if (d === 'down') return { x: c.x, y: c.y - 1 };
  if (d === 'left') return { x: c.x - 1, y: c.y };
  return { x: c.x + 1, y: c.y };
}
