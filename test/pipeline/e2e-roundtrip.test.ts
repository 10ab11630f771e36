// The whole pipeline as it runs in production: snake-api and turn-persister as processes,
// RabbitMQ between them, PostgreSQL behind. Turns are posted to snake-api over HTTP while its
// broker connection is cut again and again; every answered turn must end as exactly one row.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import pg from 'pg';
import type { GameState } from '@snakepit/battlesnake';
import { createTestDatabase } from '../../services/turn-persister/test/database.ts';
import { fixtureGame, type FixtureTurn } from '../../services/turn-persister/test/games-fixture.ts';
import { createVhost, type TestVhost } from '../helpers/pipeline-processes.ts';
import { freePort, startService } from '../helpers/processes.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { startPersister, topologyEnv, turnCounts, waitFor } from './persister-harness.ts';

const STRATEGY = 'random_valid';

let vhost: TestVhost;

before(async () => {
  vhost = await createVhost('pipeline-e2e');
});

after(async () => {
  await vhost.remove();
});

/** What snake-api answered for one posted turn. */
interface Posted {
  turn: FixtureTurn;
  path: string;
  move: string | null;
}

async function post(apiPort: number, turn: FixtureTurn): Promise<Posted> {
  const kind = turn.record.kind;
  const url = `http://127.0.0.1:${apiPort}/${STRATEGY}/${kind}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: turn.record.rawBody,
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${url} answered ${res.status}: ${text}`);
  const move = kind === 'move' ? (JSON.parse(text) as { move: string }).move : null;
  return { turn, path: `/${STRATEGY}/${kind}`, move };
}

/**
 * Posts each game's turns in order, the games side by side, as an engine running several.
 * `afterPost` runs after every answer with the number answered so far.
 */
async function playAll(
  apiPort: number,
  games: FixtureTurn[][],
  afterPost: (answered: number) => void = () => undefined,
): Promise<Posted[]> {
  let answered = 0;
  const played = await Promise.all(
    games.map(async (turns) => {
      const answers: Posted[] = [];
      for (const turn of turns) {
        answers.push(await post(apiPort, turn));
        afterPost(++answered);
      }
      return answers;
    }),
  );
  return played.flat();
}

/** Each row holds what was posted and what snake-api answered. */
async function assertRowsMatch(pool: pg.Pool, posted: readonly Posted[]): Promise<void> {
  const { rows } = await pool.query<{
    message_id: string;
    game_id: string;
    snake_id: string;
    turn: number;
    kind: string;
    strategy: string;
    path: string;
    request: GameState;
    move: string | null;
    computed: boolean;
    received_at: Date;
  }>(
    `SELECT message_id, game_id, snake_id, turn, kind, strategy, path, request, move,
            compute_ms IS NOT NULL AS computed, received_at
     FROM turns`,
  );
  const byId = new Map(rows.map((r) => [r.message_id, r]));
  for (const p of posted) {
    const body = p.turn.record.body;
    const row = byId.get(p.turn.id);
    assert.ok(row, `no row for ${p.turn.id}`);
    assert.ok(row.received_at instanceof Date);
    assert.deepEqual(
      { ...row, received_at: undefined },
      {
        message_id: p.turn.id,
        game_id: body.game.id,
        snake_id: body.you.id,
        turn: body.turn,
        kind: p.turn.record.kind,
        strategy: STRATEGY,
        path: p.path,
        request: body,
        move: p.move,
        computed: p.move !== null,
        received_at: undefined,
      },
    );
  }
}

/** A database, a persister, a proxy in front of RabbitMQ for snake-api, and a spool folder. */
async function rig(t: TestContext, prefix: string) {
  // t.after hooks run in the order they were added; clean up in reverse, last made first gone.
  const cleanup: (() => Promise<unknown>)[] = [];
  t.after(async () => {
    for (const step of cleanup.reverse()) await step();
  });
  const db = await createTestDatabase(prefix);
  cleanup.push(() => db.drop());
  const pool = new pg.Pool({ connectionString: db.url(), max: 2 });
  cleanup.push(() => pool.end());
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  cleanup.push(() => proxy.close());
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'snakepit-e2e-spool-'));
  cleanup.push(() => rm(spoolDir, { recursive: true, force: true }));
  const names = topologyEnv(prefix);
  const persister = await startPersister({
    AMQP_URL: vhost.url(),
    DATABASE_URL: db.url(),
    ...names,
  });
  cleanup.push(() => persister.stop('SIGKILL'));
  const apiPort = await freePort();

  /** Starts snake-api publishing through the proxy; stopped with SIGKILL after the test. */
  const startApi = async () => {
    const api = await startService({
      entry: 'services/snake-api/src/main.ts',
      env: {
        PORT: String(apiPort),
        PERSIST_MODE: 'async',
        AMQP_URL: vhost.url(proxy.port),
        SPOOL_DIR: spoolDir,
        LOG_LEVEL: 'warn',
        ...names,
      },
    });
    cleanup.push(() => api.stop('SIGKILL'));
    return api;
  };
  return { pool, proxy, apiPort, startApi };
}

async function assertEachStoredOnce(pool: pg.Pool, posted: readonly Posted[]): Promise<void> {
  await waitFor(
    'every posted turn stored',
    async () => (await turnCounts(pool)).rows >= posted.length,
    60_000,
  );
  assert.deepEqual(await turnCounts(pool), { rows: posted.length, distinct: posted.length });
  await assertRowsMatch(pool, posted);
}

test('every turn posted to snake-api is one row, field for field, though its broker connection is cut every 40 turns', async (t) => {
  const { pool, proxy, apiPort, startApi } = await rig(t, 'tp_e2e_cut');
  await startApi();
  const games = [
    fixtureGame({ gameId: 'e2e-won', ending: 'won', moves: 20, strategy: STRATEGY }),
    fixtureGame({ gameId: 'e2e-lost', ending: 'lost', moves: 15, strategy: STRATEGY }),
    fixtureGame({ gameId: 'e2e-open', ending: 'none', moves: 10, strategy: STRATEGY }),
    ...Array.from({ length: 6 }, (_, i) =>
      fixtureGame({ gameId: `e2e-load-${i}`, ending: 'won', moves: 20, strategy: STRATEGY }),
    ),
  ];
  // Cut every 40 answers, while other games' turns are being answered and published.
  let cuts = 0;
  const posted = await playAll(apiPort, games, (answered) => {
    if (answered % 40 === 0) {
      proxy.cut();
      cuts++;
    }
  });
  assert.ok(cuts >= 4, `the broker connection was cut ${cuts} times`);

  await assertEachStoredOnce(pool, posted);
  const { rows } = await pool.query(
    `SELECT game_id, strategy, result FROM games
     WHERE game_id IN ('e2e-won', 'e2e-lost', 'e2e-open') ORDER BY game_id`,
  );
  assert.deepEqual(rows, [
    { game_id: 'e2e-lost', strategy: STRATEGY, result: 'lost' },
    { game_id: 'e2e-open', strategy: STRATEGY, result: null },
    { game_id: 'e2e-won', strategy: STRATEGY, result: 'won' },
  ]);
});

test('turns answered while the broker is away and snake-api gets SIGTERM are stored once after its restart', async (t) => {
  const { pool, proxy, apiPort, startApi } = await rig(t, 'tp_e2e_term');
  const first = await startApi();
  proxy.refuse(true);
  proxy.cut();
  const posted = await playAll(apiPort, [
    fixtureGame({ gameId: 'e2e-away-1', ending: 'won', moves: 15, strategy: STRATEGY }),
    fixtureGame({ gameId: 'e2e-away-2', ending: 'none', moves: 15, strategy: STRATEGY }),
  ]);
  const exit = await first.stop('SIGTERM');
  assert.ok(exit === 0 || exit === 'SIGTERM', `snake-api exit ${String(exit)}`);
  assert.equal((await turnCounts(pool)).rows, 0);

  proxy.refuse(false);
  await startApi();
  await assertEachStoredOnce(pool, posted);
});
