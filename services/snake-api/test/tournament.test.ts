import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { playCliGame, resultFromJsonl } from '../src/tournament/cli.ts';
import { playGame, type GameResult, type GameSpec } from '../src/tournament/game.ts';
import { UsageError, parseOptions } from '../src/tournament/options.ts';
import { gameSpecs, strategiesByName } from '../src/tournament/schedule.ts';
import { startServers } from '../src/tournament/servers.ts';
import { playInProcess } from '../src/tournament/sim.ts';
import { standings, standingsTable, wilson95 } from '../src/tournament/stats.ts';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-3, `${actual} is not ${expected}`);

function spec(overrides: Partial<GameSpec> = {}): GameSpec {
  return {
    seed: 3,
    seats: ['cautious_carol', 'chase_closest_food'],
    width: 7,
    height: 7,
    gameType: 'standard',
    map: 'standard',
    budgetMs: 200,
    maxTurns: 300,
    ...overrides,
  };
}

describe('win-rate intervals', () => {
  it('gives the Wilson 95% interval, which stays inside [0, 1] at 0 and n wins', () => {
    const [lo0, hi0] = wilson95(0, 10);
    close(lo0, 0);
    close(hi0, 0.2775);
    const [lo8, hi8] = wilson95(8, 10);
    close(lo8, 0.4902);
    close(hi8, 0.9433);
    const [loAll, hiAll] = wilson95(100, 100);
    close(loAll, 0.963);
    close(hiAll, 1);
  });

  it('credits a win to the strategy of the winning seat, and counts each game once', () => {
    const results: GameResult[] = [
      {
        seed: 1,
        seats: ['a', 'b', 'a'],
        winnerSeat: 2,
        turns: 9,
        timeouts: [0, 0, 1],
        moveMs: [[5, 4], [7], [9, 1]],
      },
      {
        seed: 2,
        seats: ['b', 'a', 'a'],
        turns: 4,
        timeouts: [0, 0, 0],
        moveMs: [[1], [2, 2], [3, 0.5]],
      },
    ];
    const [a, b] = standings(['b', 'a'], results);
    assert.deepEqual(
      {
        strategy: a?.strategy,
        games: a?.games,
        wins: a?.wins,
        moves: a?.moves,
        timeouts: a?.timeouts,
        p99MoveMs: a?.p99MoveMs,
        maxMoveMs: a?.maxMoveMs,
      },
      { strategy: 'a', games: 2, wins: 1, moves: 8, timeouts: 1, p99MoveMs: 9, maxMoveMs: 9 },
    );
    assert.deepEqual(
      { games: b?.games, wins: b?.wins, winRate: b?.winRate },
      { games: 2, wins: 0, winRate: 0 },
    );
  });
});

describe('tournament options and schedule', () => {
  it('reports the 99th percentile of move times apart from the slowest, and prints both', () => {
    const fast = Array.from({ length: 198 }, (_, i) => 10 + (i % 5));
    const results: GameResult[] = [
      {
        seed: 1,
        seats: ['a', 'b'],
        turns: 200,
        timeouts: [1, 0],
        moveMs: [[...fast, 420, 610], []],
      },
    ];
    const [a] = standings(['a'], results);
    assert.deepEqual(
      { moves: a?.moves, p99MoveMs: a?.p99MoveMs, maxMoveMs: a?.maxMoveMs },
      { moves: 200, p99MoveMs: 14, maxMoveMs: 610 },
    );
    const table = standingsTable(standings(['a'], results)).split('\n');
    assert.match(table[0] ?? '', /\| moves \| timeouts \| p99 move \| slowest move \|$/);
    assert.match(table[2] ?? '', /\| 200 \| 1 \| 14 ms \| 610 ms \|$/);
  });

  it('seats every strategy in every seat equally often, one seed per game', () => {
    const options = parseOptions(['--strategies', 'x,y,z', '--games', '6', '--seed', '40']);
    const specs = gameSpecs(options);
    assert.deepEqual(
      specs.map((s) => s.seed),
      [40, 41, 42, 43, 44, 45],
    );
    for (let seat = 0; seat < 3; seat++) {
      const names = specs.map((s) => s.seats[seat]).sort();
      assert.deepEqual(names, ['x', 'x', 'y', 'y', 'z', 'z']);
    }
  });

  it('cycles the strategies over more seats than strategies', () => {
    const options = parseOptions(['--strategies', 'x,y', '--snakes', '8', '--size', '19']);
    assert.equal(options.width, 19);
    assert.equal(options.height, 19);
    assert.deepEqual(gameSpecs(options)[0]?.seats, ['x', 'y', 'x', 'y', 'x', 'y', 'x', 'y']);
  });

  it('refuses an unknown game type with the list of known ones', () => {
    assert.throws(
      () => parseOptions(['--type', 'squad']),
      (err: unknown) => {
        return err instanceof UsageError && err.message.includes('wrapped_constrictor');
      },
    );
  });

  it('refuses an unknown option as a usage error that points at --help', () => {
    assert.throws(
      () => parseOptions(['--bogus']),
      (err: unknown) => err instanceof UsageError && /--bogus.*--help/.test(err.message),
    );
  });
});

describe('in-process games', () => {
  it('plays the same game again from the same seed', async () => {
    const strategies = strategiesByName();
    const first = await playGame(spec(), strategies);
    const second = await playGame(spec(), strategies);
    assert.ok(first.turns > 0);
    assert.equal(first.moveMs.flat().length >= first.turns, true);
    assert.deepEqual({ ...second, moveMs: [] }, { ...first, moveMs: [] });
  });

  it('gives the same results on worker threads as on the main thread', async () => {
    const specs = [spec({ seed: 5 }), spec({ seed: 6 }), spec({ seed: 7 })];
    const strip = (rs: GameResult[]) => rs.map((r) => ({ ...r, moveMs: [] }));
    const here = await playInProcess(specs, 1, () => {});
    const finished: number[] = [];
    const onWorkers = await playInProcess(specs, 2, (r) => finished.push(r.seed));
    assert.deepEqual(strip(onWorkers), strip(here));
    assert.deepEqual(finished.sort(), [5, 6, 7]);
  });
});

describe('games through the official CLI', () => {
  it('reads the winner, the turns, slow moves and timed-out requests from a game record', () => {
    const board = (turn: number, latencies: [string, string]) =>
      JSON.stringify({
        turn,
        board: {
          snakes: [
            { name: '0:x', latency: latencies[0] },
            { name: '1:y', latency: latencies[1] },
          ],
        },
      });
    const jsonl = [
      JSON.stringify({ id: 'g' }),
      board(0, ['1', '1']),
      board(1, ['120', '30']),
      board(2, ['500', '20']),
      JSON.stringify({ winnerId: 'id-1', winnerName: '1:y', isDraw: false }),
    ].join('\n');
    const log = 'WARN Request to http://127.0.0.1:1/x/move?seat=0 failed\n\tError: timeout\n';
    const result = resultFromJsonl(spec({ seats: ['x', 'y'] }), jsonl, log);
    assert.deepEqual(result, {
      seed: 3,
      seats: ['x', 'y'],
      winnerSeat: 1,
      turns: 2,
      timeouts: [1, 0],
      moveMs: [
        [120, 500],
        [30, 20],
      ],
    });
  });

  it('plays a game against snake-api servers over HTTP and reads its record', async () => {
    const servers = await startServers(['cautious_carol', 'random_valid']);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tournament-test-'));
    try {
      const game = spec({ seats: ['cautious_carol', 'random_valid'] });
      const result = await playCliGame(game, servers.urls, 500, dir);
      assert.ok(result.turns > 0);
      assert.deepEqual(result.timeouts, [0, 0]);
      // A random mover almost never outlives a careful one; either way a record names a seat or a draw.
      assert.ok(result.winnerSeat === undefined || [0, 1].includes(result.winnerSeat));
    } finally {
      await servers.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
