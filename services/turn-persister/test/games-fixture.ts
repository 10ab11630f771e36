// Turn messages for tests and benchmarks: whole games as snake-api would publish them, with the
// ending chosen by the caller, encoded with the shared encoder.
import type { Battlesnake, Coord, Game, GameState } from '@snakepit/battlesnake';
import { encodeTurnMessage, type TurnKind, type TurnRecord } from '@snakepit/common';

/** How a fixture game ends for our snake ("none": its /end never came). */
export type Ending = 'won' | 'lost' | 'draw' | 'none';

export interface FixtureGame {
  gameId: string;
  /** Our snake's id (default `you`). */
  snakeId?: string;
  strategy?: string;
  /** How many /move turns (default 5). */
  moves?: number;
  ending: Ending;
  /** Extra text in every snake's name, to make the requests as big as real ones (default none). */
  padding?: string;
  /** When the first turn arrived (default now); each later turn one millisecond later. */
  startedAt?: Date;
}

/** An encoded turn with the record it came from. */
export interface FixtureTurn {
  id: string;
  bytes: Buffer;
  record: TurnRecord;
}

/**
 * The turns of one game: /start, `moves` /move turns, and an /end unless `ending` is none. Our
 * snake runs right along y = 0 and another snake along y = 2; when our snake loses, it runs
 * into the right wall (cause wall-collision), when it wins the other one is gone at the end,
 * and in a draw neither is left.
 */
export function fixtureGame(game: FixtureGame): FixtureTurn[] {
  const moves = game.moves ?? 5;
  const snakeId = game.snakeId ?? 'you';
  // Lost and draw: the board ends where our head will be after the last move.
  const width = game.ending === 'won' || game.ending === 'none' ? moves + 2 : moves;
  const state = (turn: number, onBoard: 'both' | 'you' | 'other' | 'none'): GameState => {
    const you = snake(snakeId, turn, 0, game.padding);
    const other = snake('other', Math.min(turn, width - 1), 2, game.padding);
    const snakes = { both: [you, other], you: [you], other: [other], none: [] }[onBoard];
    return request(game.gameId, turn, width, snakes, you);
  };
  const start = game.startedAt?.getTime() ?? Date.now();
  const turns: FixtureTurn[] = [record(game, 'start', state(0, 'both'), start)];
  for (let t = 0; t < moves; t++) turns.push(record(game, 'move', state(t, 'both'), start + t + 1));
  if (game.ending !== 'none') {
    const onBoard = { won: 'you', lost: 'other', draw: 'none' } as const;
    turns.push(record(game, 'end', state(moves, onBoard[game.ending]), start + moves + 1));
  }
  return turns;
}

function record(game: FixtureGame, kind: TurnKind, body: GameState, at: number): FixtureTurn {
  const strategy = game.strategy ?? 'greedy_gary';
  const rec: TurnRecord = {
    kind,
    strategy,
    path: `/${strategy}/${kind}`,
    body,
    rawBody: Buffer.from(JSON.stringify(body)),
    receivedAt: new Date(at),
    ...(kind === 'move' ? { move: 'right' as const, computeMs: 1.25 } : {}),
  };
  const { id, bytes } = encodeTurnMessage(rec);
  return { id, bytes, record: rec };
}

/** A length-3 snake whose head is at (x, y), its body trailing to the left. */
function snake(id: string, x: number, y: number, padding = ''): Battlesnake {
  const body: Coord[] = [0, 1, 2].map((i) => ({ x: Math.max(0, x - i), y }));
  return {
    id,
    name: `${id}${padding}`,
    health: 90,
    body,
    latency: '12',
    head: body[0] as Coord,
    length: body.length,
    shout: '',
    squad: '',
    customizations: { color: '#00aa55', head: 'default', tail: 'default' },
  };
}

/** The `game` object of a fixture request: a custom standard game with the engine's defaults. */
export function fixtureGameObject(gameId: string): Game {
  return {
    id: gameId,
    ruleset: {
      name: 'standard',
      version: 'v1.2.3',
      settings: {
        foodSpawnChance: 15,
        minimumFood: 1,
        hazardDamagePerTurn: 14,
        royale: { shrinkEveryNTurns: 25 },
      },
    },
    map: 'standard',
    timeout: 500,
    source: 'custom',
  };
}

function request(
  gameId: string,
  turn: number,
  width: number,
  snakes: Battlesnake[],
  you: Battlesnake,
): GameState {
  return {
    game: fixtureGameObject(gameId),
    turn,
    board: { width, height: 5, food: [], hazards: [], snakes },
    you,
  };
}
