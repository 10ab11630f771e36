-- Every answered webhook call, and one summary row per game and snake kept up to date from them.
-- Plain SQL (jsonb, no extensions) so the same schema runs on PGlite in the all-in-one process.

CREATE TABLE turns (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- `<game>/<snake>/<turn>/<kind>`: a redelivered or retried turn has the same id and is skipped.
  message_id  text NOT NULL UNIQUE,
  game_id     text NOT NULL,
  snake_id    text NOT NULL,
  turn        integer NOT NULL CHECK (turn >= 0),
  kind        text NOT NULL CHECK (kind IN ('start', 'move', 'end')),
  strategy    text NOT NULL,
  path        text NOT NULL,
  request     jsonb NOT NULL,
  -- Our answer and how long the strategy took; NULL for start and end.
  move        text CHECK (move IN ('up', 'down', 'left', 'right')),
  compute_ms  double precision CHECK (compute_ms >= 0),
  -- True for an /end whose board no longer holds our snake.
  dead        boolean NOT NULL DEFAULT false,
  received_at timestamptz NOT NULL,
  stored_at   timestamptz NOT NULL DEFAULT now()
);

-- "The turns of a game, in order."
CREATE INDEX turns_game_turn ON turns (game_id, turn);

CREATE TABLE games (
  game_id     text NOT NULL,
  snake_id    text NOT NULL,
  ruleset     text NOT NULL,
  map         text NOT NULL,
  source      text NOT NULL,
  width       integer NOT NULL,
  height      integer NOT NULL,
  timeout_ms  integer NOT NULL,
  strategy    text NOT NULL,
  -- When the first turn we hold arrived (the /start, unless it was lost).
  started_at  timestamptz NOT NULL,
  -- Set by the /end; NULL while the game runs, or when the /end never came.
  ended_at    timestamptz,
  -- The highest turn number seen, so an unfinished game still shows how far it went.
  turns       integer NOT NULL,
  result      text CHECK (result IN ('won', 'lost', 'draw')),
  -- The simulator's elimination cause, when we died and the last move is stored.
  death_cause text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, snake_id)
);

-- "The games of a strategy, newest first."
CREATE INDEX games_strategy_started ON games (strategy, started_at DESC);
