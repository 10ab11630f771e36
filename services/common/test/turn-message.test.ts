import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GameState } from '@snakepit/battlesnake';
import {
  TURN_MESSAGE_SCHEMA_VERSION,
  TurnMessageError,
  decodeTurnMessage,
  encodeTurnMessage,
  turnMessageId,
} from '../src/turn-message.ts';
import type { TurnRecord } from '../src/turn.ts';

const snake = {
  id: 'gs_snake1',
  name: 'me',
  health: 90,
  body: [{ x: 1, y: 1 }],
  latency: '12',
  head: { x: 1, y: 1 },
  length: 1,
  shout: '',
  squad: '',
  customizations: { color: '#123456', head: 'default', tail: 'default' },
};

function gameState(turn: number): GameState {
  return {
    game: {
      id: 'game-1',
      ruleset: {
        name: 'standard',
        version: 'v1',
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
    },
    turn,
    board: { height: 11, width: 11, food: [], hazards: [], snakes: [snake] },
    you: snake,
  };
}

function record(turn = 7): TurnRecord {
  const body = gameState(turn);
  // Spacing and an unknown field, as an engine might send: the stored body must keep both.
  const rawBody = Buffer.from(JSON.stringify({ ...body, extra: 'kept' }, null, 1));
  return {
    kind: 'move',
    strategy: 'cautious_carol',
    path: '/cautious_carol/move',
    body,
    rawBody,
    move: 'up',
    computeMs: 1.5,
    receivedAt: new Date('2026-01-02T03:04:05.678Z'),
  };
}

test('a message round-trips through encode and decode with every field of the record', () => {
  const { id, bytes } = encodeTurnMessage(record());
  const message = decodeTurnMessage(bytes);
  assert.equal(id, 'game-1/gs_snake1/7/move');
  assert.deepEqual(
    { ...message, body: undefined },
    {
      schemaVersion: TURN_MESSAGE_SCHEMA_VERSION,
      id,
      gameId: 'game-1',
      snakeId: 'gs_snake1',
      turn: 7,
      kind: 'move',
      strategy: 'cautious_carol',
      path: '/cautious_carol/move',
      move: 'up',
      computeMs: 1.5,
      receivedAt: '2026-01-02T03:04:05.678Z',
      body: undefined,
    },
  );
});

test('the body is stored byte for byte as received, unknown fields and spacing included', () => {
  const turn = record();
  const { bytes } = encodeTurnMessage(turn);
  assert.ok(bytes.includes(turn.rawBody), 'raw body bytes appear verbatim in the message');
  assert.equal((decodeTurnMessage(bytes).body as unknown as { extra: string }).extra, 'kept');
});

test('start and end messages carry null move and compute time', () => {
  const start = { ...record(0), kind: 'start' as const, move: undefined, computeMs: undefined };
  const message = decodeTurnMessage(encodeTurnMessage(start).bytes);
  assert.equal(message.kind, 'start');
  assert.equal(message.move, null);
  assert.equal(message.computeMs, null);
  assert.equal(
    message.id,
    turnMessageId({ gameId: 'game-1', snakeId: 'gs_snake1', turn: 0, kind: 'start' }),
  );
});

function decodeError(value: unknown): TurnMessageError {
  const bytes = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  try {
    decodeTurnMessage(bytes);
  } catch (err) {
    assert.ok(err instanceof TurnMessageError);
    return err;
  }
  assert.fail('decode accepted an invalid message');
}

test('decoding names the offending field of an invalid message', () => {
  const valid = decodeTurnMessage(encodeTurnMessage(record()).bytes);
  assert.equal(decodeError('{"not json').field, '');
  assert.equal(decodeError({ ...valid, turn: -1 }).field, 'turn');
  assert.equal(decodeError({ ...valid, kind: 'snooze' }).field, 'kind');
  assert.equal(decodeError({ ...valid, schemaVersion: 2 }).field, 'schemaVersion');
  assert.equal(decodeError({ ...valid, surprise: 1 }).field, 'surprise');
  const { gameId: _gameId, ...withoutGame } = valid;
  assert.equal(decodeError(withoutGame).field, 'gameId');
  const noGameId = { ...valid, body: { ...valid.body, game: {} } };
  assert.equal(decodeError(noGameId).field, 'body.game.id');
});

test('decoding rejects a receivedAt that is not an RFC 3339 date-time', () => {
  const valid = decodeTurnMessage(encodeTurnMessage(record()).bytes);
  assert.equal(decodeError({ ...valid, receivedAt: 'yesterday' }).field, 'receivedAt');
  assert.equal(decodeError({ ...valid, receivedAt: '2026-01-02T03:04:05' }).field, 'receivedAt');
});

test('decoding rejects a message whose id does not match its game, snake, turn and kind', () => {
  const valid = decodeTurnMessage(encodeTurnMessage(record()).bytes);
  const err = decodeError({ ...valid, turn: 8 });
  assert.equal(err.field, 'id');
  assert.match(err.message, /does not match/);
});

test('ids holding a slash or a percent sign give every game and snake its own message id', () => {
  const id = (gameId: string, snakeId: string) =>
    turnMessageId({ gameId, snakeId, turn: 3, kind: 'move' });
  assert.notEqual(id('a/b', 'c'), id('a', 'b/c'));
  assert.notEqual(id('a%2Fb', 'c'), id('a/b', 'c'));
  assert.equal(id('a/b', 'c%'), 'a%2Fb/c%25/3/move');
});

test('a message whose game id holds a slash decodes with its own id', () => {
  const slashed = record();
  slashed.body = { ...slashed.body, game: { ...slashed.body.game, id: 'a/b' } };
  const message = decodeTurnMessage(encodeTurnMessage(slashed).bytes);
  assert.equal(message.id, 'a%2Fb/gs_snake1/7/move');
});

test('a body whose raw bytes start with a byte order mark is stored without it', () => {
  const withBom = record();
  const raw = withBom.rawBody;
  withBom.rawBody = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), raw]);
  const bytes = encodeTurnMessage(withBom).bytes;
  assert.ok(bytes.includes(raw));
  assert.deepEqual(decodeTurnMessage(bytes).body, JSON.parse(raw.toString()));
});

test('a body whose raw bytes are not UTF-8 is stored as the parsed body', () => {
  const latin1 = record();
  latin1.rawBody = Buffer.from([0x7b, 0xe9, 0x7d]);
  assert.deepEqual(decodeTurnMessage(encodeTurnMessage(latin1).bytes).body, latin1.body);
});
