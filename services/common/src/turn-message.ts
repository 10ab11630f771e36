// The turn message: what snake-api publishes for every POST /start, /move and /end, and what
// turn-persister stores. One type, one JSON schema, one encoder and one decoder, shared by both.
//
// Wire form: a JSON object whose last member is the request body exactly as received, so the
// encoder splices the raw bytes in instead of serialising the parsed body a second time.
import { isUtf8 } from 'node:buffer';
import { Ajv } from 'ajv';
import type { Direction, GameState } from '@snakepit/battlesnake';
import type { TurnKind, TurnRecord } from './turn.ts';

/** The version of the message layout below; bump it (and the schema) on any change. */
export const TURN_MESSAGE_SCHEMA_VERSION = 1;

/** The AMQP `type` property of a turn message: its name and schema version. */
export const TURN_MESSAGE_TYPE = `snakepit.turn.v${TURN_MESSAGE_SCHEMA_VERSION}`;

/** The AMQP `contentType` property of a turn message. */
export const TURN_MESSAGE_CONTENT_TYPE = 'application/json';

/** One answered webhook call, as published and stored. */
export interface TurnMessage {
  schemaVersion: typeof TURN_MESSAGE_SCHEMA_VERSION;
  /** Stable id, `turnMessageId(...)`: the same turn always gets the same id (dedup key). */
  id: string;
  gameId: string;
  snakeId: string;
  turn: number;
  kind: TurnKind;
  /** The strategy that answered. */
  strategy: string;
  /** The request path as received, for example `/cautious_carol/move`. */
  path: string;
  /** The move we answered; null for start and end. */
  move: Direction | null;
  /** How long the strategy took, in milliseconds; null for start and end. */
  computeMs: number | null;
  /** When the request arrived, ISO 8601 in UTC. */
  receivedAt: string;
  /** The request body as received. */
  body: GameState;
}

/** The fields a turn's identity is made of. */
export interface TurnIdentity {
  gameId: string;
  snakeId: string;
  turn: number;
  kind: TurnKind;
}

/**
 * The stable message id of a turn: `<gameId>/<snakeId>/<turn>/<kind>`, with `%` and `/` in the
 * ids written as `%25` and `%2F` so that no two identities share an id (game `a/b` with snake `c`
 * against game `a` with snake `b/c`). The engine may retry a request; both copies get the same
 * id, and the persister keeps one.
 */
export function turnMessageId({ gameId, snakeId, turn, kind }: TurnIdentity): string {
  return `${escapeIdPart(gameId)}/${escapeIdPart(snakeId)}/${turn}/${kind}`;
}

// Only the separator and the escape character are escaped, not all of encodeURIComponent: an
// escaped character takes 3 bytes, no more than a character of UTF-8 may, so the id's byte length
// stays within what the schema's id bound promises the unique index.
function escapeIdPart(part: string): string {
  return part.replace(/[%/]/g, (c) => (c === '%' ? '%25' : '%2F'));
}

/**
 * The JSON schema of `TurnMessage`. The body is checked only for what the message's identity
 * rests on (game id, turn, you.id, a board); the full request is validated by snake-api before
 * it answers, and a stored body must not be rejected for an extra or future engine field.
 */
export const TURN_MESSAGE_SCHEMA = {
  $id: 'https://snakepit.dev/schemas/turn-message-v1.json',
  type: 'object',
  additionalProperties: false,
  required: [
    'schemaVersion',
    'id',
    'gameId',
    'snakeId',
    'turn',
    'kind',
    'strategy',
    'path',
    'move',
    'computeMs',
    'receivedAt',
    'body',
  ],
  properties: {
    schemaVersion: { const: TURN_MESSAGE_SCHEMA_VERSION },
    id: { type: 'string', minLength: 1 },
    gameId: { type: 'string', minLength: 1 },
    snakeId: { type: 'string', minLength: 1 },
    turn: { type: 'integer', minimum: 0 },
    kind: { enum: ['start', 'move', 'end'] },
    strategy: { type: 'string', minLength: 1 },
    path: { type: 'string', pattern: '^/' },
    move: { enum: ['up', 'down', 'left', 'right', null] },
    computeMs: { type: ['number', 'null'], minimum: 0 },
    receivedAt: { type: 'string', format: 'date-time' },
    body: {
      type: 'object',
      required: ['game', 'turn', 'board', 'you'],
      properties: {
        game: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1 } },
        },
        turn: { type: 'integer', minimum: 0 },
        board: { type: 'object' },
        you: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
} as const;

/** A message that is not a valid turn message (a poison message): `field` names what is wrong. */
export class TurnMessageError extends Error {
  override readonly name = 'TurnMessageError';
  /** JSON path of the offending field, for example `body.game.id`; empty for the whole message. */
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`invalid turn message: ${field || 'message'} ${problem}`);
    this.field = field;
  }
}

// ajv 8 ships no formats; `receivedAt` is always written by Date#toISOString, so the one format
// used is checked as RFC 3339 with a time zone, the way ajv 6 checked it.
const DATE_TIME = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/;
const validate = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true })
  .addFormat('date-time', (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)))
  .compile<TurnMessage>(TURN_MESSAGE_SCHEMA);

/** The identity of a record: its game, its snake (`you`), its turn and its kind. */
export function turnIdentity(record: TurnRecord): TurnIdentity {
  return {
    gameId: record.body.game.id,
    snakeId: record.body.you.id,
    turn: record.body.turn,
    kind: record.kind,
  };
}

/** The message a record becomes, as an object (sync mode stores it without encoding). */
export function toTurnMessage(record: TurnRecord): TurnMessage {
  return { ...messageHead(record), body: record.body };
}

function messageHead(record: TurnRecord): Omit<TurnMessage, 'body'> {
  const identity = turnIdentity(record);
  return {
    schemaVersion: TURN_MESSAGE_SCHEMA_VERSION,
    id: turnMessageId(identity),
    ...identity,
    strategy: record.strategy,
    path: record.path,
    move: record.move ?? null,
    computeMs: record.computeMs ?? null,
    receivedAt: record.receivedAt.toISOString(),
  };
}

/**
 * Encodes a record as message bytes. The body is `record.rawBody` spliced in verbatim (it was
 * parsed from exactly those bytes, so it is valid JSON) less a leading byte order mark; raw bytes
 * that are empty or not UTF-8 are replaced by the body serialised again. Nothing else of the
 * request is copied.
 */
export function encodeTurnMessage(record: TurnRecord): { id: string; bytes: Buffer } {
  const head = messageHead(record);
  // `{"schemaVersion":1,...,"receivedAt":"..."}` without its closing brace, then the body.
  const headJson = JSON.stringify(head);
  const prefix = Buffer.from(`${headJson.slice(0, -1)},"body":`);
  return { id: head.id, bytes: Buffer.concat([prefix, bodyBytes(record), CLOSE_BRACE]) };
}

const CLOSE_BRACE = Buffer.from('}');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// A message is UTF-8 JSON, and JSON may not start with a BOM; the raw bytes qualify only if
// they are UTF-8 once a BOM is cut off (snake-api keeps no raw bytes for a body sent as UTF-16).
function bodyBytes({ rawBody, body }: TurnRecord): Buffer {
  const raw = rawBody.subarray(0, 3).equals(BOM) ? rawBody.subarray(3) : rawBody;
  return raw.length > 0 && isUtf8(raw) ? raw : Buffer.from(JSON.stringify(body));
}

/**
 * Parses and validates message bytes. Throws `TurnMessageError` naming the first bad field when
 * the bytes are not JSON, do not match the schema, or carry an id that does not match their
 * game, snake, turn and kind; such a message will never store and belongs in the dead letters.
 */
export function decodeTurnMessage(bytes: Buffer | Uint8Array): TurnMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString());
  } catch (err) {
    throw new TurnMessageError('', `is not JSON (${(err as Error).message})`);
  }
  if (!validate(parsed)) throw schemaError(validate.errors?.[0]);

  if (parsed.id !== turnMessageId(parsed)) {
    throw new TurnMessageError('id', `does not match gameId/snakeId/turn/kind (${parsed.id})`);
  }
  return parsed;
}

interface SchemaErrorLike {
  instancePath: string;
  message?: string;
  params: object;
}

function schemaError(error: SchemaErrorLike | undefined): TurnMessageError {
  if (!error) return new TurnMessageError('', 'does not match the turn message schema');
  // ajv 8 reports a JSON Pointer (`/body/game`); a missing or extra property is in params.
  const segments = error.instancePath.split('/').slice(1);
  if ('missingProperty' in error.params) segments.push(String(error.params.missingProperty));
  if ('additionalProperty' in error.params) segments.push(String(error.params.additionalProperty));
  const field = segments.map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~')).join('.');
  return new TurnMessageError(field, error.message ?? 'is invalid');
}
