// RabbitMQ plumbing both services share: the broker URL, the turn topology (declared
// idempotently on every connect and reconnect), reconnect backoff, and which broker failures
// need an operator rather than another attempt.
import type { Channel } from 'amqplib';
import { ConfigError, readInt, readString, readUrl } from './config.ts';

type Env = Readonly<Record<string, string | undefined>>;

const AMQP_URL_EXAMPLE = 'amqp://user:pass@host:5672/vhost';

/**
 * AMQP_URL: the broker, amqp:// or amqps://. Undefined when unset; whether that is allowed is
 * the caller's decision (only the all-in-one process runs without a broker).
 */
export function readAmqpUrl(env: Env): string | undefined {
  const value = readUrl(env, 'AMQP_URL', ['amqp:', 'amqps:'], AMQP_URL_EXAMPLE);
  if (value !== undefined && new URL(value).hostname === '') {
    throw new ConfigError('AMQP_URL', 'has no host', AMQP_URL_EXAMPLE);
  }
  return value;
}

/**
 * The URL amqplib is given: AMQP_URL with a 10 s heartbeat unless it sets its own, so a broker
 * that stops answering (without closing the socket) is noticed within about 20 s.
 */
export function amqpConnectUrl(amqpUrl: string): string {
  const url = new URL(amqpUrl);
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', '10');
  return url.toString();
}

/** Names and limits of the turn topology. */
export interface TurnTopology {
  /** TURNS_EXCHANGE: durable fanout exchange snake-api publishes to; default snakepit.turns. */
  exchange: string;
  /** TURNS_QUEUE: the quorum queue turn-persister consumes; default snakepit.turns. */
  queue: string;
  /** Fanout exchange for dead letters: always `<exchange>.dead` (not configured separately). */
  deadLetterExchange: string;
  /** DEAD_LETTER_QUEUE: where poison messages end; default snakepit.turns.dead. */
  deadLetterQueue: string;
  /** DELIVERY_LIMIT: redeliveries before a message is dead-lettered; default 5. */
  deliveryLimit: number;
}

/** Reads TURNS_EXCHANGE, TURNS_QUEUE, DEAD_LETTER_QUEUE and DELIVERY_LIMIT. */
export function readTurnTopology(env: Env): TurnTopology {
  const exchange = readString(env, 'TURNS_EXCHANGE', 'snakepit.turns');
  return {
    exchange,
    queue: readString(env, 'TURNS_QUEUE', 'snakepit.turns'),
    deadLetterExchange: `${exchange}.dead`,
    deadLetterQueue: readString(env, 'DEAD_LETTER_QUEUE', 'snakepit.turns.dead'),
    deliveryLimit: readInt(env, 'DELIVERY_LIMIT', 5, { min: 1, max: 1000 }),
  };
}

/** The queue already exists with other arguments (for example another DELIVERY_LIMIT). */
export class TopologyMismatchError extends Error {
  override readonly name = 'TopologyMismatchError';

  constructor(queueOrExchange: string, cause: unknown) {
    super(
      `${queueOrExchange} exists on the broker with other settings than this service declares ` +
        `(${(cause as Error).message}); delete it or apply the change as a RabbitMQ policy`,
      { cause },
    );
  }
}

/**
 * Declares the exchange, the quorum queue with its delivery limit and dead-lettering, and the
 * dead-letter exchange and queue. Idempotent: both services call it on every (re)connect, so
 * whichever starts first creates everything. Throws `TopologyMismatchError` when a name exists
 * with different arguments (the broker then closes `channel`).
 */
export async function declareTopology(channel: Channel, topology: TurnTopology): Promise<void> {
  const { exchange, queue, deadLetterExchange, deadLetterQueue, deliveryLimit } = topology;
  await mismatchAware(deadLetterExchange, () =>
    channel.assertExchange(deadLetterExchange, 'fanout', { durable: true }),
  );
  await mismatchAware(deadLetterQueue, () =>
    channel.assertQueue(deadLetterQueue, { durable: true, arguments: QUORUM }),
  );
  await channel.bindQueue(deadLetterQueue, deadLetterExchange, '');

  await mismatchAware(exchange, () =>
    channel.assertExchange(exchange, 'fanout', { durable: true }),
  );
  await mismatchAware(queue, () =>
    channel.assertQueue(queue, {
      durable: true,
      arguments: {
        ...QUORUM,
        // After `deliveryLimit` failed deliveries the broker dead-letters the message instead of
        // redelivering it forever. at-least-once dead-lettering (quorum queues, RabbitMQ 3.10+)
        // keeps the message until the dead-letter queue confirms it; it requires reject-publish.
        'x-delivery-limit': deliveryLimit,
        'x-dead-letter-exchange': deadLetterExchange,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    }),
  );
  await channel.bindQueue(queue, exchange, '');
}

const QUORUM = { 'x-queue-type': 'quorum' };

async function mismatchAware<T>(name: string, declare: () => Promise<T>): Promise<T> {
  try {
    return await declare();
  } catch (err) {
    throw amqpCode(err) === PRECONDITION_FAILED ? new TopologyMismatchError(name, err) : err;
  }
}

const PRECONDITION_FAILED = 406;
const ACCESS_REFUSED = 403;
const NOT_ALLOWED = 530;

function amqpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Which broker failures are final, in one place. A dropped or refused connection, a closed
 * channel, a missed heartbeat: all normal, reconnect with backoff. Wrong credentials, a missing
 * vhost or permission (403, 530) and a topology mismatch (406) will not heal by retrying: they
 * need an operator, so callers log them as errors. They still retry at the slowest pace, since
 * an operator may fix the broker without restarting the service (and snake-api spools meanwhile).
 */
export function needsOperator(err: unknown): boolean {
  if (err instanceof TopologyMismatchError) return true;
  const code = amqpCode(err);
  if (code === ACCESS_REFUSED || code === NOT_ALLOWED || code === PRECONDITION_FAILED) return true;
  // amqplib reports a refused handshake only in the message, for example
  // "Handshake terminated by server: 403 (ACCESS-REFUSED) with message ...".
  return /\b(403|530) \((ACCESS-REFUSED|NOT-ALLOWED)\)/.test(
    (err as Error | undefined)?.message ?? '',
  );
}

/** Reconnect pacing: first and largest delay, in milliseconds. */
export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds; default 100. */
  initialDelayMs?: number;
  /** Largest delay, in milliseconds; default 30000. */
  maxDelayMs?: number;
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry), in milliseconds:
 * exponential from `initialDelayMs`, capped at `maxDelayMs`, with "equal jitter" (a random
 * point in the upper half), so a fleet of pods that lost the broker together does not come back
 * in lockstep, yet no retry is immediate.
 */
export function reconnectDelayMs(
  attempt: number,
  { initialDelayMs = 100, maxDelayMs = 30_000 }: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
