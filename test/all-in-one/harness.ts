// What the all-in-one system tests share: the process started as `npm start` starts it, games
// played on it with the official CLI, the turns each game must have left in the database, and
// the stop report the process logs on SIGTERM.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import pg from 'pg';
import type { GameState } from '@snakepit/battlesnake';
import { playGame, type CliResult } from '../helpers/battlesnake-cli.ts';
import { freePort, startService, type ServiceProcess } from '../helpers/processes.ts';

/** The entry the root `npm start` runs. */
export const ENTRY = 'services/all-in-one/src/main.ts';

/** A running all-in-one process and the ports it was given. */
export interface AllInOneProcess {
  service: ServiceProcess;
  apiUrl: string;
  /** postgres:// URL of the embedded database (EMBEDDED_DATABASE_PORT), or DATABASE_URL. */
  databaseUrl: string;
}

/**
 * Starts the all-in-one process with only `env` on top of a clean environment (no AMQP_URL or
 * DATABASE_URL unless given) and waits for /readyz. A fresh DATA_DIR takes ~40 s (initdb).
 */
export async function startAllInOne(env: Record<string, string>): Promise<AllInOneProcess> {
  const port = await freePort();
  const dbPort = await freePort();
  const service = await startService({
    entry: ENTRY,
    env: {
      AMQP_URL: '',
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
      PORT: String(port),
      EMBEDDED_DATABASE_PORT: String(dbPort),
      // The tests name the strategy each path plays; `/` plays this one.
      DEFAULT_STRATEGY: 'cautious_carol',
      ...env,
    },
    readyTimeoutMs: 240_000,
  });
  return {
    service,
    apiUrl: `http://127.0.0.1:${port}`,
    databaseUrl: env.DATABASE_URL || `postgres://postgres@127.0.0.1:${dbPort}/postgres`,
  };
}

/** The line the process logs once it stopped, parsed. */
export interface StopReport {
  storedThisRun: number;
  turnsInDatabase: number;
  spooled: number;
}

/** Sends SIGTERM, waits for the exit, and returns the stop report from its log. */
export async function stopWithReport(proc: AllInOneProcess): Promise<StopReport> {
  const exit = await proc.service.stop('SIGTERM', 30_000);
  // 'exit' can come before the last of stdout has been read; the report is the last line.
  const stdout = proc.service.child.stdout;
  if (stdout && !stdout.closed) await once(stdout, 'close');
  const line = proc.service
    .output()
    .split('\n')
    .find((l) => l.includes('"msg":"stopped;'));
  assert.ok(line, `no stop report in the log (exit ${exit}):\n${proc.service.output()}`);
  return JSON.parse(line) as StopReport;
}

/** One game to play: snake names and the strategy path each plays through. */
export interface GamePlan {
  seed: number;
  /** name -> path on the API, e.g. `/` (the default strategy) or `/random_valid`. */
  snakes: Record<string, string>;
}

/** A played game: its plan, what the CLI recorded, and the snake ids by name. */
export interface PlayedGame {
  plan: GamePlan;
  result: CliResult;
  gameId: string;
  idsByName: Map<string, string>;
}

/** Plays `plan` on the process with the official CLI, 11x11 standard. */
export async function play(apiUrl: string, plan: GamePlan): Promise<PlayedGame> {
  const result = await playGame({
    gameType: 'standard',
    width: 11,
    height: 11,
    seed: plan.seed,
    timeoutMs: 500,
    snakes: Object.entries(plan.snakes).map(([name, p]) => ({ name, url: `${apiUrl}${p}` })),
  });
  const first = result.turns[0];
  assert.ok(first, 'the CLI recorded no turn');
  const idsByName = new Map(first.board.snakes.map((s) => [s.name, s.id]));
  return { plan, result, gameId: first.game.id, idsByName };
}

/** One stored turn, as the test reads it back. */
interface TurnRow {
  snake_id: string;
  turn: number;
  kind: string;
  strategy: string;
  request_game: string;
  request_you: string;
}

/** The `(kind, turn)` keys a snake's requests must have left: start, every move, end. */
export function expectedKeys(game: PlayedGame, snakeId: string): string[] {
  const turns: GameState[] = game.result.turns;
  // The record holds the board of every turn that was played, each with a /move to every snake
  // on it; the final board (after the last moves) only goes out with /end, to every snake.
  const moves = turns
    .filter((t) => t.board.snakes.some((s) => s.id === snakeId))
    .map((t) => `move/${t.turn}`);
  return ['start/0', ...moves, `end/${finalTurn(game)}`].sort();
}

/** The turn number of the game's final board (the one /end carries). */
function finalTurn(game: PlayedGame): number {
  return (game.result.turns.at(-1)?.turn ?? 0) + 1;
}

/** The total of expectedKeys over every snake of every game. */
export function expectedTotal(games: readonly PlayedGame[]): number {
  return games.reduce(
    (sum, g) =>
      sum + [...g.idsByName.values()].reduce((n, id) => n + expectedKeys(g, id).length, 0),
    0,
  );
}

/** The strategy name a path plays (`/` is the default strategy, cautious_carol). */
function strategyOf(p: string): string {
  return p === '/' ? 'cautious_carol' : p.slice(1);
}

/**
 * Asserts that the database holds exactly the turns `game` produced, each under its own game
 * and snake with the right strategy, and that its games rows agree with the engine.
 */
export async function assertGameStored(db: pg.Client, game: PlayedGame): Promise<void> {
  const { rows } = await db.query<TurnRow>(
    `SELECT snake_id, turn, kind, strategy, request #>> '{game,id}' AS request_game,
            request #>> '{you,id}' AS request_you
       FROM turns WHERE game_id = $1`,
    [game.gameId],
  );
  for (const [name, snakeId] of game.idsByName) {
    const mine = rows.filter((r) => r.snake_id === snakeId);
    const keys = mine.map((r) => `${r.kind}/${r.turn}`).sort();
    assert.deepEqual(keys, expectedKeys(game, snakeId), `turns of ${name} in ${game.gameId}`);
    for (const r of mine) {
      assert.equal(r.request_game, game.gameId);
      assert.equal(r.request_you, snakeId);
      assert.equal(r.strategy, strategyOf(game.plan.snakes[name] ?? ''));
    }
  }
  assert.equal(rows.length, expectedTotal([game]), 'no turn of another snake under this game');
  await assertGamesRows(db, game);
}

async function assertGamesRows(db: pg.Client, game: PlayedGame): Promise<void> {
  const { rows } = await db.query<{
    snake_id: string;
    strategy: string;
    turns: number;
    ended: boolean;
    result: string | null;
  }>(
    `SELECT snake_id, strategy, turns, ended_at IS NOT NULL AS ended, result
       FROM games WHERE game_id = $1`,
    [game.gameId],
  );
  const winner = /(\S+) was the winner/.exec(game.result.summary)?.[1];
  assert.equal(rows.length, game.idsByName.size, 'one games row per snake');
  for (const [name, snakeId] of game.idsByName) {
    const row = rows.find((r) => r.snake_id === snakeId);
    assert.ok(row, `games row of ${name}`);
    assert.equal(row.strategy, strategyOf(game.plan.snakes[name] ?? ''));
    assert.equal(row.turns, finalTurn(game), `games.turns of ${name}`);
    assert.equal(row.ended, true, `games.ended_at of ${name}`);
    const expected = winner === undefined ? 'draw' : winner === name ? 'won' : 'lost';
    assert.equal(row.result, expected, `games.result of ${name} (${game.result.summary})`);
  }
}

/** Runs `fn` with a client on `url`, closing it afterwards. */
export async function withClient<T>(url: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}
