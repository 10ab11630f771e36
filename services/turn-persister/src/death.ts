// Why our snake died, worked out with the rules simulator: replay the last move we answered from
// the board it was answered on, and read the elimination the simulator records for us.
import {
  DIRECTIONS,
  neighbour,
  rulesFromGame,
  stateFromRequest,
  step,
  type Coord,
  type Direction,
  type EliminationCause,
  type GameState,
} from '@snakepit/battlesnake';

/**
 * The cause of our snake's elimination between `lastMove` (the last /move request, answered with
 * `ourMove`) and `end` (the /end request), or null when it cannot be told.
 *
 * The other snakes' moves are read off the /end board from where their heads went. A snake that
 * died in the same turn is no longer on that board, so the simulator gives it the engine's
 * default move (straight on); when that guess is wrong (say, it turned into our head), the replay
 * may see no death for us, and the answer is null rather than a wrong cause. Any body the
 * simulator cannot read (stored turns are only checked for their identity) also gives null.
 */
export function deathCause(
  lastMove: GameState,
  ourMove: Direction | null,
  end: GameState,
): EliminationCause | null {
  try {
    return replayCause(lastMove, ourMove, end);
  } catch {
    return null;
  }
}

function replayCause(
  lastMove: GameState,
  ourMove: Direction | null,
  end: GameState,
): EliminationCause | null {
  const rules = rulesFromGame(lastMove.game);
  const before = stateFromRequest(lastMove);
  const headsAtEnd = new Map(end.board.snakes.map((s) => [s.id, s.body[0]]));
  const moves = new Map<string, Direction>();

  for (const snake of before.snakes) {
    const head = snake.body[0];
    const target = headsAtEnd.get(snake.id);
    if (snake.id === lastMove.you.id && ourMove !== null) moves.set(snake.id, ourMove);
    else if (head && target) {
      const move = DIRECTIONS.find((d) => sameCoord(neighbour(head, d, before, rules), target));
      if (move) moves.set(snake.id, move);
    }
  }

  const after = step(before, moves, rules);
  return after.snakes.find((s) => s.id === lastMove.you.id)?.elimination?.cause ?? null;
}

function sameCoord(a: Coord, b: Coord): boolean {
  return a.x === b.x && a.y === b.y;
}
