// What the publisher needs from a message broker, and nothing more: publish one turn and learn
// when it is safely stored, and know whether publishing is worth trying right now. RabbitMQ
// (amqp-transport.ts) is one implementation; the all-in-one process's in-process queue can be
// another, behind the same publisher and spool.

/** One turn on its way to the broker. */
export interface OutgoingTurn {
  /** The stable message id. */
  id: string;
  /** The encoded turn message. */
  bytes: Buffer;
  /** Headers to send with it: the W3C trace context captured when the turn was accepted. */
  headers: Record<string, string>;
}

/** The broker refused the turn (a negative confirm); it was not stored. */
export class PublishNackedError extends Error {
  override readonly name = 'PublishNackedError';

  constructor(id: string) {
    super(`the broker refused turn ${id} (negative confirm); it will be retried from the spool`);
  }
}

/** The broker confirmed the turn but routed it to no queue (it returned it): it was not stored. */
export class PublishReturnedError extends Error {
  override readonly name = 'PublishReturnedError';

  constructor(id: string) {
    super(
      `the broker routed turn ${id} to no queue (is the turns queue bound to the exchange?); ` +
        'it will be retried from the spool',
    );
  }
}

/** The turn's fate is unknown: the connection ended or stalled before its confirm arrived. */
export class PublishUnconfirmedError extends Error {
  override readonly name = 'PublishUnconfirmedError';

  constructor(reason: string) {
    super(`no confirm from the broker (${reason}); the turn will be retried from the spool`);
  }
}

export interface TurnTransport {
  /** True while a publish may be confirmed: connected, set up, and not blocked by the broker. */
  readonly ready: boolean;
  /**
   * Sends one turn. Resolves once the broker has stored it; rejects with PublishNackedError,
   * PublishReturnedError or PublishUnconfirmedError (and never throws synchronously). Order of confirms follows order
   * of publishes on one connection.
   */
  publish(turn: OutgoingTurn): Promise<void>;
  /** Registers `listener`, called each time `ready` changes. */
  onReadyChange(listener: (ready: boolean) => void): void;
  /** Stops reconnecting and closes the connection; unconfirmed publishes reject. */
  close(): Promise<void>;
}
