// The simulator against the official engine: games played by `battlesnake play` (v1.2.3) with
// test snakes, then replayed turn by turn through `step` (see engine/replay.ts). About 18 games
// across every game type, 7x7 to 19x21, and the maps that move hazards or stack them.
import { after, before, describe, test } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assertCliInstalled, playEngineGame, type GameSpec } from './engine/cli.ts';
import { startMoveServer, type MoveLog, type MoveServer } from './engine/move-server.ts';
import { replayGame } from './engine/replay.ts';

const GAMES: GameSpec[] = [
  { gameType: 'standard', map: 'standard', width: 7, height: 7, snakes: 2, seed: 11 },
  { gameType: 'standard', map: 'standard', width: 11, height: 11, snakes: 4, seed: 12 },
  { gameType: 'standard', map: 'standard', width: 19, height: 19, snakes: 8, seed: 13 },
  {
    gameType: 'standard',
    map: 'standard',
    width: 11,
    height: 11,
    snakes: 2,
    seed: 14,
    settings: { foodSpawnChance: 0, minimumFood: 0 },
  },
  { gameType: 'solo', map: 'standard', width: 7, height: 7, snakes: 1, seed: 21 },
  { gameType: 'solo', map: 'standard', width: 19, height: 19, snakes: 1, seed: 22 },
  {
    gameType: 'royale',
    map: 'standard',
    width: 11,
    height: 11,
    snakes: 4,
    seed: 31,
    settings: { shrinkEveryNTurns: 5 },
  },
  {
    gameType: 'royale',
    map: 'royale',
    width: 7,
    height: 7,
    snakes: 3,
    seed: 32,
    settings: { shrinkEveryNTurns: 3, hazardDamagePerTurn: 30 },
  },
  {
    gameType: 'royale',
    map: 'standard',
    width: 19,
    height: 19,
    snakes: 6,
    seed: 33,
    settings: { shrinkEveryNTurns: 4 },
  },
  { gameType: 'constrictor', map: 'standard', width: 7, height: 7, snakes: 2, seed: 41 },
  { gameType: 'constrictor', map: 'standard', width: 11, height: 11, snakes: 4, seed: 42 },
  { gameType: 'wrapped', map: 'standard', width: 7, height: 7, snakes: 3, seed: 51 },
  { gameType: 'wrapped', map: 'standard', width: 11, height: 11, snakes: 4, seed: 52 },
  { gameType: 'wrapped_constrictor', map: 'standard', width: 11, height: 11, snakes: 4, seed: 61 },
  {
    gameType: 'standard',
    map: 'hz_hazard_pits',
    width: 11,
    height: 11,
    snakes: 4,
    seed: 71,
    settings: { shrinkEveryNTurns: 3, hazardDamagePerTurn: 20 },
  },
  { gameType: 'wrapped', map: 'hz_spiral', width: 11, height: 11, snakes: 4, seed: 72 },
  {
    gameType: 'standard',
    map: 'healing_pools',
    width: 11,
    height: 11,
    snakes: 4,
    seed: 73,
    settings: { hazardDamagePerTurn: -10, shrinkEveryNTurns: 40 },
  },
  {
    gameType: 'standard',
    map: 'arcade_maze',
    width: 19,
    height: 21,
    snakes: 4,
    seed: 74,
    settings: { hazardDamagePerTurn: 50 },
  },
];

describe('replaying official engine games', { concurrency: 2 }, () => {
  const moves: MoveLog = new Map();
  const servers: MoveServer[] = [];
  let dir = '';
  let failures = 0;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'snakepit-replay-'));
    for (let i = 0; i < 8; i++) servers.push(await startMoveServer({ seed: 1000 + i, moves }));
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    // Logs of a failed run stay behind: the failure message names the file and the turn.
    if (failures === 0 && dir !== '') await rm(dir, { recursive: true, force: true });
  });

  for (const spec of GAMES) {
    const name =
      `step reproduces every turn of a ${spec.gameType} game on ${spec.map} ` +
      `${spec.width}x${spec.height} with ${spec.snakes} snake(s)`;
    test(name, async (t) => {
      try {
        assertCliInstalled(); // fails every game, not just the suite, when the CLI is missing
        const urls = servers.slice(0, spec.snakes).map((s) => s.url);
        const game = await playEngineGame(spec, urls, dir);
        const stats = replayGame(game, moves);
        const causes = [...stats.causes].map(([c, n]) => `${c} x${n}`).join(', ');
        t.diagnostic(
          `${stats.turns} turns, ${stats.meals} meals, eliminations: ${causes || 'none'}`,
        );
      } catch (err) {
        failures++;
        throw err;
      }
    });
  }
});
