// The games table: one row per game and snake, kept up to date from every stored batch, so a game
// shows as soon as its first turn is stored and stays right when turns arrive out of order or its
// /end never comes. Every update is order-independent: earliest start, highest turn, the /end's
// time and outcome once known.
import type pg from 'pg';
import type { Direction, GameState } from '@snakepit/battlesnake';
import { deathCause } from './death.ts';

/** How the game went for our snake. */
export type GameResult = 'won' | 'lost' | 'draw';

/**
 * The result from the /end board: won when our snake is the only one left alive (in a solo game:
 * when it is still alive), draw when nobody is, lost otherwise. A game stopped with several
 * snakes alive (a turn limit) counts as lost: we did not win it.
 */
export function gameResult(end: GameState): GameResult {
  const alive = aliveSnakeIds(end);
  if (alive.length === 0) return 'draw';
  return alive.length === 1 && alive[0] === end.you.id ? 'won' : 'lost';
}

/**
 * The ids of the snakes on a request's board. Stored turns are checked only for their identity
 * (see TURN_MESSAGE_SCHEMA), so a board without a snake list reads as an empty board here
 * instead of failing the batch it came in.
 */
function aliveSnakeIds(request: GameState): string[] {
  const snakes: unknown = request.board.snakes;
  if (!Array.isArray(snakes)) return [];
  return snakes.map((s: { id?: unknown }) => String(s?.id));
}

// Reads the batch from turns_staging (see store.ts), in the transaction that inserted it. Rows
// are inserted in key order, so two replicas upserting the same games lock them in the same order.
const UPSERT_GAMES = `
  INSERT INTO games (game_id, snake_id, ruleset, map, source, width, height, timeout_ms, strategy,
                     started_at, ended_at, turns)
  SELECT game_id, snake_id,
         min(coalesce(request #>> '{game,ruleset,name}', '')),
         min(coalesce(request #>> '{game,map}', '')),
         min(coalesce(request #>> '{game,source}', '')),
         min(coalesce((request #>> '{board,width}')::integer, 0)),
         min(coalesce((request #>> '{board,height}')::integer, 0)),
         min(coalesce((request #>> '{game,timeout}')::integer, 0)),
         min(strategy),
         min(received_at),
         max(received_at) FILTER (WHERE kind = 'end'),
         max(turn)
  FROM turns_staging
  GROUP BY game_id, snake_id
  ORDER BY game_id, snake_id
  ON CONFLICT (game_id, snake_id) DO UPDATE SET
    started_at = least(games.started_at, excluded.started_at),
    ended_at   = coalesce(games.ended_at, excluded.ended_at),
    turns      = greatest(games.turns, excluded.turns),
    updated_at = now()`;

// The games of this batch whose outcome is still to be worked out: ended (the /end is stored,
// in this batch or before) but without a result yet, or lost without a known cause while this
// batch brings more of their turns (the last move may arrive after the /end). Each comes with
// its /end and the move of the turn just before it, if stored: the cause of death is read from
// that move only, since an earlier one would name a wrong cause that no later batch corrects.
// This batch's rows are already in turns. Outcomes are rare next to moves, so fetching those
// requests back is cheap.
const OUTCOMES_TO_WORK_OUT = `
  SELECT g.game_id, g.snake_id, e.request AS end_request,
         m.request AS move_request, m.move
  FROM games g
  JOIN (SELECT DISTINCT game_id, snake_id FROM turns_staging) b
    ON b.game_id = g.game_id AND b.snake_id = g.snake_id
  JOIN turns e ON e.game_id = g.game_id AND e.snake_id = g.snake_id AND e.kind = 'end'
  LEFT JOIN LATERAL (
    SELECT t.request, t.move FROM turns t
    WHERE t.game_id = e.game_id AND t.snake_id = e.snake_id AND t.kind = 'move'
      AND t.turn = e.turn - 1
    LIMIT 1
  ) m ON true
  WHERE g.ended_at IS NOT NULL
    AND (g.result IS NULL OR (g.result = 'lost' AND g.death_cause IS NULL))`;

const SET_OUTCOMES = `
  UPDATE games g
  SET result = o.result, death_cause = coalesce(o.death_cause, g.death_cause), updated_at = now()
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       AS o(game_id, snake_id, result, death_cause)
  WHERE g.game_id = o.game_id AND g.snake_id = o.snake_id`;

interface EndRow {
  game_id: string;
  snake_id: string;
  end_request: GameState;
  move_request: GameState | null;
  move: Direction | null;
}

/**
 * Brings the games rows of the batch in turns_staging up to date. Runs inside the batch's
 * transaction, after the insert into turns: the games rows never disagree with the turns.
 */
export async function upsertGames(client: pg.ClientBase): Promise<void> {
  await client.query(UPSERT_GAMES);
  const { rows } = await client.query<EndRow>(OUTCOMES_TO_WORK_OUT);
  if (rows.length === 0) return;

  const outcomes = rows.map((r) => ({
    result: gameResult(r.end_request),
    cause:
      r.move_request && !aliveSnakeIds(r.end_request).includes(r.snake_id)
        ? deathCause(r.move_request, r.move, r.end_request)
        : null,
  }));
  await client.query(SET_OUTCOMES, [
    rows.map((r) => r.game_id),
    rows.map((r) => r.snake_id),
    outcomes.map((o) => o.result),
    outcomes.map((o) => o.cause),
  ]);
}
