// The in-process queue: what RabbitMQ is to the two services, when they share one process and
// AMQP_URL is unset. snake-api offers encoded turn messages; turn-persister's batcher takes them
// as deliveries and acks each once its row is committed.
//
// What must stay true:
// - A message is held until it is acked (stored, or dead-lettered), never dropped before.
// - The queue is bounded: waiting plus unacked messages never exceed `capacity`. A full queue
//   refuses the offer, and the publisher puts the turn into its disk spool instead, as it does
//   when RabbitMQ refuses a publish (x-overflow reject-publish).
// - At most `prefetch` deliveries are in the consumer's hand at once, as with a broker.
// - Held messages live in memory only: a SIGKILL loses them (at most `capacity`). On an orderly
//   stop the owner takes what is left with `takeRemaining()` and spools it to disk.
import type { Delivery } from '@snakepit/turn-persister/batcher';
import type { DeliverySource } from '@snakepit/turn-persister/service';

/** Settings of the in-process queue. */
export interface InProcessQueueOptions {
  /** Most messages held, waiting or unacked (QUEUE_CAPACITY, default 1000). */
  capacity: number;
  /** Most unacked deliveries in the consumer's hand (PREFETCH, default 1000). */
  prefetch: number;
  /** Keeps a message that will never store; resolves once it is safe (see dead-letters.ts). */
  deadLetter: (body: Buffer, reason: string) => Promise<void>;
}

/** A message as queued: its id (for logs and the spool) and its bytes. */
export interface QueuedMessage {
  id: string;
  body: Buffer;
}

interface Entry extends QueuedMessage {
  onAck: (() => void) | undefined;
  /** Already safe on disk elsewhere (a spool record): not handed back by takeRemaining. */
  kept: boolean;
}

/** A bounded FIFO of message bytes with broker-like deliveries and acks. */
export class InProcessQueue {
  readonly #options: InProcessQueueOptions;
  #waiting: Entry[] = [];
  /** Delivered, not yet acked; in delivery order (a Set keeps insertion order). */
  #inHand = new Set<Entry>();
  #consumer: ((delivery: Delivery) => void) | undefined;
  readonly #ackListeners: (() => void)[] = [];

  constructor(options: InProcessQueueOptions) {
    this.#options = options;
  }

  /** Messages held: waiting plus delivered and not yet acked. */
  get depth(): number {
    return this.#waiting.length + this.#inHand.size;
  }

  /** How many more messages `offer` would take now. */
  get room(): number {
    return Math.max(0, this.#options.capacity - this.depth);
  }

  /** Delivered and not yet acked. */
  get unacked(): number {
    return this.#inHand.size;
  }

  /**
   * Takes `body` unless the queue is full; false means the caller must keep it elsewhere.
   * `onAck` runs once the consumer acks it (stored or dead-lettered). Pass `kept: true` for a
   * message already safe on disk (a spool record): `takeRemaining` then leaves it out.
   */
  offer(message: QueuedMessage, onAck?: () => void, kept = false): boolean {
    if (this.depth >= this.#options.capacity) return false;
    this.#waiting.push({ ...message, onAck, kept });
    this.#deliver();
    return true;
  }

  /** Starts delivering to `onDelivery`, up to `prefetch` unacked at a time. */
  consume(onDelivery: (delivery: Delivery) => void): void {
    this.#consumer = onDelivery;
    this.#deliver();
  }

  /** Registers `listener`, called after every ack (room in the queue may have freed up). */
  onAck(listener: () => void): void {
    this.#ackListeners.push(listener);
  }

  /** Stops new deliveries; deliveries in hand may still be acked. */
  stopConsuming(): void {
    this.#consumer = undefined;
  }

  /**
   * Empties the queue and returns the messages held that are not kept elsewhere, unacked ones
   * first, oldest first; later acks of those deliveries are ignored. Call at shutdown, after
   * stopConsuming and after the consumer stored what it could, so the rest can be spooled.
   */
  takeRemaining(): QueuedMessage[] {
    const left = [...this.#inHand, ...this.#waiting.splice(0)];
    this.#inHand.clear();
    return left.filter((entry) => !entry.kept).map(({ id, body }) => ({ id, body }));
  }

  #deliver(): void {
    while (this.#consumer && this.#inHand.size < this.#options.prefetch) {
      const entry = this.#waiting.shift();
      if (!entry) return;
      this.#inHand.add(entry);
      this.#consumer({
        body: entry.body,
        ack: () => {
          if (!this.#inHand.delete(entry)) return;
          entry.onAck?.();
          this.#deliver();
          for (const listener of this.#ackListeners) listener();
        },
        deadLetter: (reason) => this.#options.deadLetter(entry.body, reason),
      });
    }
  }
}

/** The queue as turn-persister's source of deliveries, in place of its RabbitMQ consumer. */
export function queueSource(
  queue: InProcessQueue,
  onDelivery: (delivery: Delivery) => void,
): DeliverySource {
  let consuming = false;
  return {
    name: 'queue',
    get consuming() {
      return consuming;
    },
    start: () => {
      consuming = true;
      queue.consume(onDelivery);
    },
    stopConsuming: () => {
      consuming = false;
      queue.stopConsuming();
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
