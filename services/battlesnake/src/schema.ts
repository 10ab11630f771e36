// The request body of POST /start, /move and /end as a JSON schema, compiled once with ajv, plus
// the cross-field checks a schema cannot express (coordinates within the board). Strategies trust
// a body that passed `validateGameState`: every coordinate they read is on the board, every list
// is bounded, every number is an integer in range.
//
// Strict where every engine is consistent (types, the fields the official engine always sends),
// lenient where engines differ: optional fields (squad settings, hazard map names, shout,
// customizations) are typed when present but may be left out, and unknown fields are allowed so a
// newer engine's additions do not break us.
// The named export: under `module: nodenext` ajv's CommonJS default export types as the module
// object, while `Ajv` names the class both for the type checker and at run time.
import { Ajv, type ErrorObject } from 'ajv';
import type { Coord, GameState } from './api.ts';

/** Largest board side the official maps generate (rules v1.2.3 BoardSizeXXLarge). */
export const MAX_BOARD_SIDE = 25;

/** Most snakes any official map seats (rules v1.2.3 MaxPlayers). */
export const MAX_SNAKES = 16;

/** Longest body accepted: every square of the largest board, plus the doubled tail. */
export const MAX_BODY_LENGTH = MAX_BOARD_SIDE * MAX_BOARD_SIDE + 2;

/** Most hazard entries accepted: hazards may stack, up to four copies per square in practice. */
export const MAX_HAZARDS = MAX_BOARD_SIDE * MAX_BOARD_SIDE * 4;

/**
 * Longest game or snake id accepted, in characters (the engine sends 36-character UUIDs). Both
 * ids go into the turn's message id, which PostgreSQL keeps in a unique btree index whose entries
 * hold at most 2704 bytes: 256 characters are at most 1024 bytes of UTF-8 each, so the message id
 * stays near 2 KB even when every character takes four bytes.
 */
export const MAX_ID_LENGTH = 256;

const text = { type: 'string', maxLength: 1024 };
const id = { type: 'string', maxLength: MAX_ID_LENGTH };
const int = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum });

const coord = {
  type: 'object',
  required: ['x', 'y'],
  properties: { x: int(-1, MAX_BOARD_SIDE), y: int(-1, MAX_BOARD_SIDE) },
};

const snake = {
  type: 'object',
  required: ['id', 'health', 'body', 'head', 'length'],
  properties: {
    id,
    name: text,
    health: int(0, 100),
    body: { type: 'array', minItems: 1, maxItems: MAX_BODY_LENGTH, items: coord },
    head: coord,
    length: int(1, MAX_BODY_LENGTH),
    latency: { type: ['string', 'number'] },
    shout: text,
    squad: text,
    customizations: {
      type: 'object',
      properties: { color: text, head: text, tail: text },
    },
  },
};

const settings = {
  type: 'object',
  required: ['foodSpawnChance', 'minimumFood', 'hazardDamagePerTurn'],
  properties: {
    foodSpawnChance: int(0, 100),
    minimumFood: int(0, MAX_BOARD_SIDE * MAX_BOARD_SIDE),
    hazardDamagePerTurn: int(-1000, 1000),
    hazardMap: text,
    hazardMapAuthor: text,
    royale: {
      type: 'object',
      required: ['shrinkEveryNTurns'],
      properties: { shrinkEveryNTurns: int(0, 1_000_000) },
    },
    squad: {
      type: 'object',
      properties: {
        allowBodyCollisions: { type: 'boolean' },
        sharedElimination: { type: 'boolean' },
        sharedHealth: { type: 'boolean' },
        sharedLength: { type: 'boolean' },
      },
    },
  },
};

/** JSON schema of the webhook request body (Battlesnake API version 1). */
export const GAME_STATE_SCHEMA = {
  type: 'object',
  required: ['game', 'turn', 'board', 'you'],
  properties: {
    game: {
      type: 'object',
      required: ['id', 'ruleset', 'timeout'],
      properties: {
        id,
        ruleset: {
          type: 'object',
          required: ['name', 'settings'],
          properties: { name: text, version: text, settings },
        },
        map: text,
        timeout: int(1, 60_000),
        source: text,
      },
    },
    turn: int(0, 1_000_000_000),
    board: {
      type: 'object',
      required: ['height', 'width', 'food', 'hazards', 'snakes'],
      properties: {
        height: int(1, MAX_BOARD_SIDE),
        width: int(1, MAX_BOARD_SIDE),
        food: { type: 'array', maxItems: MAX_BOARD_SIDE * MAX_BOARD_SIDE, items: coord },
        hazards: { type: 'array', maxItems: MAX_HAZARDS, items: coord },
        snakes: { type: 'array', maxItems: MAX_SNAKES, items: snake },
      },
    },
    you: snake,
  },
} as const;

// One compiled validator for the process; ajv generates straight-line code, cheap per request.
// allErrors stays off: the first problem is enough to answer a 400 and stops work early. Strict
// mode makes a mistake in the schema itself (an unknown keyword, a required field that is not
// described) throw here at import. Union types are allowed: `latency` is a string or a number.
const compiled = new Ajv({
  allErrors: false,
  strict: true,
  allowUnionTypes: true,
}).compile<GameState>(GAME_STATE_SCHEMA);

/** The outcome of validating a request body: the typed state, or the first problem found. */
export type GameStateValidation =
  { ok: true; state: GameState } | { ok: false; field: string; message: string };

export interface ValidateOptions {
  /** Require `you` to be one of `board.snakes` (true for /move; default false). */
  youOnBoard?: boolean;
}

/**
 * Checks a parsed request body against GAME_STATE_SCHEMA, then that every coordinate on the board
 * lies within it. `you` may lie off the board (an /end after a wall collision shows the fatal
 * square). The message names the field, for example `board.snakes[2].body[0].x must be integer`.
 */
export function validateGameState(
  body: unknown,
  options: ValidateOptions = {},
): GameStateValidation {
  if (!compiled(body)) return schemaProblem(compiled.errors?.[0]);
  const problem = boardProblem(body) ?? (options.youOnBoard ? youProblem(body) : undefined);
  return problem ?? { ok: true, state: body };
}

function schemaProblem(error: ErrorObject | undefined): GameStateValidation {
  if (error === undefined) return { ok: false, field: '(body)', message: 'body is invalid' };
  const path = pathSegments(error.instancePath);
  if (error.keyword === 'required') {
    const field = fieldName([
      ...path,
      (error.params as { missingProperty: string }).missingProperty,
    ]);
    return { ok: false, field, message: `${field} is required` };
  }
  const at = fieldName(path);
  if (error.keyword === 'type') {
    const type = (error.params as { type: string | string[] }).type;
    const types = Array.isArray(type) ? type : type.split(',');
    return { ok: false, field: at, message: `${at} must be ${types.join(' or ')}` };
  }
  return { ok: false, field: at, message: `${at} ${error.message ?? 'is invalid'}` };
}

/** ajv's JSON Pointer instancePath (`/board/snakes/2`) as its unescaped segments. */
function pathSegments(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * Segments as `board.snakes[2].body[0].x`; the body itself as `(body)`. Digits are array indices:
 * the schema describes no object with numeric keys, so a digit segment always comes from an array.
 */
function fieldName(segments: readonly string[]): string {
  let name = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) name += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) name += name === '' ? s : `.${s}`;
    else name += `[${JSON.stringify(s)}]`;
  }
  return name === '' ? '(body)' : name;
}

function boardProblem(state: GameState): GameStateValidation | undefined {
  const { width, height, food, hazards, snakes } = state.board;
  const outside = (c: Coord) => c.x < 0 || c.y < 0 || c.x >= width || c.y >= height;
  const lists: [string, readonly Coord[]][] = [
    ['board.food', food],
    ['board.hazards', hazards],
  ];
  snakes.forEach((s, i) => lists.push([`board.snakes[${i}].body`, s.body]));

  for (const [name, coords] of lists) {
    const index = coords.findIndex(outside);
    if (index < 0) continue;
    const field = `${name}[${index}]`;
    const message = `${field} must lie on the ${width}x${height} board (0 <= x < width, 0 <= y < height)`;
    return { ok: false, field, message };
  }
  return undefined;
}

function youProblem(state: GameState): GameStateValidation | undefined {
  if (state.board.snakes.some((s) => s.id === state.you.id)) return undefined;
  return { ok: false, field: 'you.id', message: 'you.id must name one of board.snakes' };
}
