// Batching, independent of the transport: deliveries come in one by one (from RabbitMQ, or from
// an in-process queue in the all-in-one process), leave in batches of up to `batchSize` or after
// `batchMaxWaitMs`, whichever comes first, and are acknowledged only once their batch committed.
//
// What must stay true:
// - A delivery is acked only after its row is committed, or after its dead letter is confirmed.
//   Anything not acked comes back from the transport (redelivery), and the insert skips what was
//   already stored: at-least-once delivery plus an idempotent insert gives each turn one row.
// - One batch is written at a time. The transport's prefetch bounds how many wait meanwhile.
// - While the database fails, the batch in hand is retried with backoff and nothing is acked.
import {
  decodeTurnMessage,
  reconnectDelayMs,
  TurnMessageError,
  type Logger,
} from '@snakepit/common';
import type { PersisterMetrics } from './metrics.ts';
import { withBatchSpan } from '@snakepit/common/telemetry/index';
import {
  DatabaseUnavailableError,
  turnRow,
  TurnRejectedError,
  type StoreResult,
  type TurnRow,
} from './store.ts';

/** One message in hand, whatever transport brought it. */
export interface Delivery {
  /** The message bytes. */
  body: Buffer;
  /** The message headers; their trace context links the batch insert span to this turn. */
  headers?: Record<string, unknown>;
  /** Tells the transport the message is dealt with (stored or dead-lettered); it may forget it. */
  ack(): void;
  /**
   * Moves the message to the dead letters with `reason` in its headers. Resolves once the dead
   * letter is safe (the caller acks after that); rejects when it could not be moved.
   */
  deadLetter(reason: string): Promise<void>;
}

/** Batching and retry settings. */
export interface BatcherOptions {
  /** Most turns per batch (BATCH_SIZE, default 500). */
  batchSize: number;
  /** Longest a turn waits for its batch to fill, in milliseconds (BATCH_MAX_WAIT_MS, default 200). */
  batchMaxWaitMs: number;
  /** Writes one batch in one transaction (storeTurns with a pool). */
  write: (rows: readonly TurnRow[]) => Promise<StoreResult>;
  metrics: PersisterMetrics;
  logger: Logger;
  /** First and largest pause between attempts while the database fails, in milliseconds. */
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
}

interface Item {
  delivery: Delivery;
  row: TurnRow;
}

/** Groups deliveries into batches, stores them, acks them. */
export class Batcher {
  readonly #options: BatcherOptions;
  #pending: Delivery[] = [];
  #timer: NodeJS.Timeout | undefined;
  #due = false;
  #flushing: Promise<void> | undefined;
  #databaseUp = true;
  /** Set by `drain`: from then on every pending delivery is flushed, and retries stop at it. */
  #giveUpAt: number | undefined;

  constructor(options: BatcherOptions) {
    this.#options = options;
    options.metrics.databaseUp.set(1);
  }

  /** False from a failed write until the next successful one (for /readyz). */
  get databaseUp(): boolean {
    return this.#databaseUp;
  }

  /** How many deliveries wait for a batch (not counting the one being written). */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Takes a delivery; it is acked once stored. */
  push(delivery: Delivery): void {
    this.#options.metrics.consumed.inc();
    this.#pending.push(delivery);
    if (this.#pending.length >= this.#options.batchSize) this.#kick();
    else this.#timer ??= setTimeout(() => this.#onTimer(), this.#options.batchMaxWaitMs);
  }

  /**
   * Stores and acks everything pending, then resolves. Used at shutdown, after the transport
   * stopped delivering. If the database still fails at `deadline` (epoch milliseconds), it stops
   * retrying and leaves the rest unacked: the broker redelivers them to the next consumer.
   */
  async drain(deadline: number): Promise<void> {
    this.#giveUpAt = deadline;
    this.#kick();
    while (this.#flushing) await this.#flushing;
    if (this.#pending.length > 0) {
      this.#options.logger.warn(
        { unacked: this.#pending.length },
        'database still failing at shutdown; unacked turns go back to the queue',
      );
    }
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#due = true;
    this.#kick();
  }

  #kick(): void {
    this.#flushing ??= this.#flushLoop()
      // Only a bug lands here; its batch stays unacked until the transport takes it back.
      .catch((err: unknown) => this.#options.logger.error({ err }, 'batch loop failed'))
      .finally(() => (this.#flushing = undefined));
  }

  async #flushLoop(): Promise<void> {
    while (this.#shouldFlush()) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#due = false;
      const batch = this.#pending.splice(0, this.#options.batchSize);
      const done = await this.#processBatch(batch);
      // Whatever could not be stored before the shutdown deadline stays pending, unacked.
      if (!done) return;
      if (this.#pending.length > 0) {
        this.#timer ??= setTimeout(() => this.#onTimer(), this.#options.batchMaxWaitMs);
      }
    }
  }

  #shouldFlush(): boolean {
    const draining = this.#giveUpAt !== undefined;
    if (this.#pending.length === 0) return false;
    return draining || this.#due || this.#pending.length >= this.#options.batchSize;
  }

  /** Stores a batch; false when shutdown came first (the unstored part is back in #pending). */
  async #processBatch(batch: readonly Delivery[]): Promise<boolean> {
    const items = await this.#decodeAll(batch);
    let left = items;
    for (let attempt = 0; left.length > 0; attempt++) {
      left = await this.#storeSplitting(left);
      if (left.length === 0) break;
      if (!(await this.#pauseBeforeRetry(attempt))) {
        this.#pending.unshift(...left.map((i) => i.delivery));
        return false;
      }
    }
    return true;
  }

  /** Decodes each delivery; poison messages go to the dead letters here and now. */
  async #decodeAll(batch: readonly Delivery[]): Promise<Item[]> {
    const items: Item[] = [];
    for (const delivery of batch) {
      // The edge of message handling: whatever makes a message unreadable is caught here, once.
      try {
        items.push({ delivery, row: turnRow(decodeTurnMessage(delivery.body)) });
      } catch (err) {
        const detail = err instanceof TurnMessageError ? err.message : `unreadable: ${String(err)}`;
        await this.#deadLetter(delivery, 'invalid_message', detail);
      }
    }
    return items;
  }

  /**
   * Writes `items` in one transaction. When the database refuses a row's data, halves the batch
   * and tries each half, until the refused rows stand alone and go to the dead letters; the
   * rest still commits. Returns the items left unstored because the database failed.
   */
  async #storeSplitting(items: readonly Item[]): Promise<Item[]> {
    const { metrics, logger } = this.#options;
    const endTimer = metrics.insertSeconds.startTimer();
    try {
      const result = await withBatchSpan(
        items.map((i) => i.delivery.headers),
        () => this.#options.write(items.map((i) => i.row)),
      );
      endTimer();
      this.#committed(items, result);
      return [];
    } catch (err) {
      if (err instanceof TurnRejectedError) {
        if (items.length === 1 && items[0]) {
          await this.#deadLetter(items[0].delivery, 'rejected_by_database', err.message);
          return [];
        }
        const half = Math.ceil(items.length / 2);
        const first = await this.#storeSplitting(items.slice(0, half));
        return [...first, ...(await this.#storeSplitting(items.slice(half)))];
      }
      this.#setDatabaseUp(false, err, logger);
      return [...items];
    }
  }

  #committed(items: readonly Item[], result: StoreResult): void {
    const { metrics, logger } = this.#options;
    // Ack only now: the rows are committed.
    for (const item of items) item.delivery.ack();
    this.#setDatabaseUp(true, undefined, logger);
    metrics.stored.inc(result.stored);
    metrics.duplicates.inc(result.duplicates);
    metrics.batchSize.observe(items.length);
    const now = Date.now();
    for (const at of result.storedReceivedAt)
      metrics.lagSeconds.observe((now - at.getTime()) / 1000);
  }

  async #deadLetter(delivery: Delivery, reason: string, detail: string): Promise<void> {
    const { metrics, logger } = this.#options;
    try {
      await delivery.deadLetter(`${reason}: ${detail}`);
    } catch (err) {
      // Not acked: the transport redelivers it and it is judged again.
      logger.warn({ err, reason }, 'could not dead-letter a message; it will come back');
      return;
    }
    delivery.ack();
    metrics.deadLettered.inc({ reason });
    logger.warn({ reason, detail }, 'message dead-lettered');
  }

  #setDatabaseUp(up: boolean, err: unknown, logger: Logger): void {
    if (up === this.#databaseUp) return;
    this.#databaseUp = up;
    this.#options.metrics.databaseUp.set(up ? 1 : 0);
    if (up) logger.info('database back; writing again');
    else if (err instanceof DatabaseUnavailableError && err.needsOperator) {
      logger.error({ err }, 'database refuses this service; retrying until someone fixes it');
    } else logger.warn({ err }, 'database write failed; holding the batch and retrying');
  }

  /** Waits before the next attempt; false when the shutdown deadline leaves no time for one. */
  async #pauseBeforeRetry(attempt: number): Promise<boolean> {
    const delay = reconnectDelayMs(attempt, {
      initialDelayMs: this.#options.retry?.initialDelayMs ?? 100,
      maxDelayMs: this.#options.retry?.maxDelayMs ?? 5_000,
    });
    const giveUpAt = this.#giveUpAt;
    if (giveUpAt !== undefined && Date.now() + delay >= giveUpAt) return false;
    await new Promise((resolve) => setTimeout(resolve, delay));
    return true;
  }
}
