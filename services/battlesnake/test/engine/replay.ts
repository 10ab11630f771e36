// Replays an engine game through the simulator, one turn at a time: turn N's logged state and
// the moves the snakes really sent go through `step`, and the result must match turn N+1 as the
// engine logged it. Food and hazards that the engine adds between turns are not the simulator's
// job in `step`, so each turn starts again from the logged state (which carries them).
import assert from 'node:assert/strict';
import {
  isConstrictorGame,
  isGameOver,
  safeMoves,
  rulesFromGame,
  stateFromRequest,
  step,
  type Coord,
  type Direction,
  type GameState,
  type Rules,
  type SimState,
} from '@snakepit/battlesnake';
import type { EngineGame } from './cli.ts';
import { moveKey, type MoveLog } from './move-server.ts';

/** What a replay went through, to show that the games exercised the rules. */
export interface ReplayStats {
  turns: number;
  meals: number;
  causes: Map<string, number>;
}

/** Asserts that the simulator reproduces every turn of `game`; returns what happened in it. */
export function replayGame(game: EngineGame, moves: MoveLog): ReplayStats {
  const rules = rulesFromGame(game.game);
  const stats: ReplayStats = { turns: 0, meals: 0, causes: new Map() };
  const names = new Map(game.frames[0]?.board.snakes.map((s) => [s.id, s.name]));
  if (game.game.map === 'standard' || game.game.map === 'royale') checkStart(game, rules);

  for (let i = 0; i + 1 < game.frames.length; i++) {
    const before = game.frames[i] as GameState;
    const after = game.frames[i + 1] as GameState;
    const where = `${game.logPath}, turn ${before.turn} -> ${after.turn}`;
    const state = stateFromRequest(before);
    if (rules.gameType === 'royale') checkRoyaleBorder(before, rules, where);
    assert.equal(isGameOver(state, rules), false, `${where}: the game is not over yet`);

    const sent = movesOf(before, moves, where);
    const next = step(state, sent, rules);
    assert.equal(next.turn, after.turn, `${where}: turn number`);
    compareSnakes(next, after, where);
    compareEliminations(next, rules, game, names, where, stats);
    compareFood(next.food, after.board.food, where);
    checkSafeMoves(state, sent, rules, game, names, after.turn, where);
    stats.turns++;
    stats.meals += next.snakes.filter(
      (s, k) => s.body.length > (state.snakes[k]?.body.length ?? 0),
    ).length;
  }

  const last = game.frames[game.frames.length - 1] as GameState;
  assert.equal(
    isGameOver(stateFromRequest(last), rules),
    true,
    `${game.logPath}: the last turn ends the game`,
  );
  return stats;
}

/**
 * Turn 0 of a standard-map game must be one `createGame` could have laid out: snakes stacked
 * three deep at full health on the fixed start squares, one food diagonal to each head (never in
 * a corner) and one in the centre, and no food at all in constrictor games.
 */
function checkStart(game: EngineGame, rules: Rules): void {
  const first = game.frames[0] as GameState;
  const { width, height, snakes, food } = first.board;
  const where = `${game.logPath}, turn 0`;
  for (const s of snakes) {
    assert.equal(s.health, 100, `${where}: ${s.name} starts at full health`);
    assert.equal(s.body.length, 3, `${where}: ${s.name} starts 3 long`);
    assert.equal(new Set(s.body.map(key)).size, 1, `${where}: ${s.name} starts stacked`);
  }
  if (width !== height || width < 7 || snakes.length > 4) return;

  const mid = Math.floor((width - 1) / 2);
  const starts = new Set(
    [1, mid, width - 2].flatMap((x) => [1, mid, width - 2].map((y) => `${x},${y}`)),
  );
  starts.delete(`${mid},${mid}`);
  for (const s of snakes)
    assert.ok(starts.has(key(s.head)), `${where}: ${s.name} on a start square`);
  if (isConstrictorGame(rules.gameType)) return assert.deepEqual(food, [], `${where}: no food`);

  assert.equal(food.length, snakes.length + 1, `${where}: one food per snake and the centre`);
  assert.equal(key(food[food.length - 1] as Coord), `${mid},${mid}`, `${where}: centre food last`);
  food.slice(0, -1).forEach((f, i) => {
    const head = (snakes[i] as GameState['you']).head;
    assert.ok(
      Math.abs(f.x - head.x) === 1 && Math.abs(f.y - head.y) === 1,
      `${where}: food ${key(f)}`,
    );
    assert.ok(
      !((f.x === 0 || f.x === width - 1) && (f.y === 0 || f.y === height - 1)),
      `${where}: corner`,
    );
  });
}

/**
 * Royale hazards are everything outside a safe rectangle that has lost one row or column per
 * `shrinkEveryNTurns` turns: the model `advance` follows, checked against the engine's boards.
 */
function checkRoyaleBorder(frame: GameState, rules: Rules, where: string): void {
  const { width, height, hazards } = frame.board;
  const hazard = new Set(hazards.map(key));
  const safe: Coord[] = [];
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) if (!hazard.has(`${x},${y}`)) safe.push({ x, y });
  }
  const shrinks = Math.floor(frame.turn / rules.shrinkEveryNTurns);
  if (safe.length === 0)
    return assert.ok(shrinks >= Math.min(width, height), `${where}: all hazard`);

  const xs = safe.map((c) => c.x);
  const ys = safe.map((c) => c.y);
  const w = Math.max(...xs) - Math.min(...xs) + 1;
  const h = Math.max(...ys) - Math.min(...ys) + 1;
  assert.equal(safe.length, w * h, `${where}: the safe area is a rectangle`);
  assert.equal(hazard.size, hazards.length, `${where}: royale hazards do not stack`);
  assert.equal(width - w + (height - h), shrinks, `${where}: one row or column per shrink`);
}

function key(c: Coord): string {
  return `${c.x},${c.y}`;
}

function movesOf(frame: GameState, moves: MoveLog, where: string): Map<string, Direction> {
  const result = new Map<string, Direction>();
  for (const s of frame.board.snakes) {
    const move = moves.get(moveKey(frame.game.id, frame.turn, s.id));
    assert.ok(move !== undefined, `${where}: no recorded move for ${s.name}`);
    result.set(s.id, move);
  }
  return result;
}

function compareSnakes(next: SimState, after: GameState, where: string): void {
  const ours = next.snakes.filter((s) => s.elimination === undefined);
  assert.deepEqual(
    ours.map((s) => s.id).sort(),
    after.board.snakes.map((s) => s.id).sort(),
    `${where}: the same snakes are alive`,
  );
  for (const theirs of after.board.snakes) {
    const mine = ours.find((s) => s.id === theirs.id);
    assert.deepEqual(mine?.body, theirs.body.map(xy), `${where}: body of ${theirs.name}`);
    assert.equal(mine?.health, theirs.health, `${where}: health of ${theirs.name}`);
  }
}

function compareEliminations(
  next: SimState,
  rules: Rules,
  game: EngineGame,
  names: Map<string, string>,
  where: string,
  stats: ReplayStats,
): void {
  for (const s of next.snakes) {
    if (s.elimination?.turn !== next.turn) continue;
    const name = names.get(s.id) ?? s.id;
    const printed = game.eliminations.get(name);
    assert.deepEqual(
      { cause: s.elimination.cause, turn: s.elimination.turn },
      printed && { cause: printed.cause, turn: printed.turn },
      `${where}: elimination of ${name}`,
    );
    // The engine heals even eliminated constrictor snakes to 100 (see step.ts); others must match.
    if (!isConstrictorGame(rules.gameType)) {
      assert.equal(s.health, printed?.health, `${where}: health ${name} was eliminated with`);
    }
    stats.causes.set(s.elimination.cause, (stats.causes.get(s.elimination.cause) ?? 0) + 1);
  }
}

/** A snake that sent a move safeMoves offered may only have died head-to-head, says the engine. */
function checkSafeMoves(
  state: SimState,
  sent: Map<string, Direction>,
  rules: Rules,
  game: EngineGame,
  names: Map<string, string>,
  turn: number,
  where: string,
): void {
  for (const s of state.snakes) {
    const move = sent.get(s.id);
    if (move === undefined || !safeMoves(state, s.id, rules).includes(move)) continue;
    const printed = game.eliminations.get(names.get(s.id) ?? s.id);
    if (printed?.turn !== turn) continue;
    assert.equal(
      printed.cause,
      'head-collision',
      `${where}: ${s.id} died after a safe move ${move}`,
    );
  }
}

/** Food the simulator left must all still be there; the engine only appends new food. */
function compareFood(ours: readonly Coord[], theirs: readonly Coord[], where: string): void {
  const left = theirs.map(xy);
  for (const f of ours) {
    const k = left.findIndex((t) => t.x === f.x && t.y === f.y);
    assert.ok(k >= 0, `${where}: food at ${f.x},${f.y} is still on the board`);
    left.splice(k, 1);
  }
}

function xy(c: Coord): Coord {
  return { x: c.x, y: c.y };
}
