import type { Direction, GameState } from '@snakepit/battlesnake';

/** Which webhook a turn came from. */
export type TurnKind = 'start' | 'move' | 'end';

/**
 * What snake-api hands over for every POST /start, /move and /end it answered. The turn
 * pipeline turns it into a message (`TurnMessage`, with its JSON schema) and stores it.
 */
export interface TurnRecord {
  kind: TurnKind;
  /** The strategy that answered (resolved: the default strategy's name for root paths). */
  strategy: string;
  /** The request path as received, for example `/move` or `/cautious_carol/move`. */
  path: string;
  /** The validated request body. */
  body: GameState;
  /** The request body exactly as received, for storage without re-serialising. */
  rawBody: Buffer;
  /** The move we answered (kind "move" only). */
  move?: Direction;
  /** How long the strategy took, in milliseconds (kind "move" only). */
  computeMs?: number;
  /** When the request arrived. */
  receivedAt: Date;
}

/**
 * Where turns go. In async mode `accept` returns at once and must never wait for the broker;
 * in sync mode it returns a promise that settles once the turn is stored.
 */
export interface TurnSink {
  accept(turn: TurnRecord): void | Promise<void>;
}

/** PERSIST_MODE=off: turns are answered and forgotten. */
export const discardTurns: TurnSink = { accept: () => undefined };
