// snake-api's turn sink when there is no broker: each turn is encoded exactly as for RabbitMQ and
// offered to the in-process queue. When the queue is full, or while older turns still wait in
// the spool, the turn goes to the same disk spool snake-api uses while RabbitMQ is away, and is
// moved into the queue as room frees up. A spool record is confirmed (forgotten) only when the
// persister acks it, that is after its row is committed.
import { encodeTurnMessage, type Logger, type TurnRecord, type TurnSink } from '@snakepit/common';
import type { Spool, SpooledRecord } from '@snakepit/snake-api/pipeline/spool';
import type { InProcessQueue } from './in-process-queue.ts';

/** Options of the in-process publisher. */
export interface InProcessPublisherOptions {
  queue: InProcessQueue;
  /** The disk spool (SPOOL_DIR, in the all-in-one process default DATA_DIR/spool). */
  spool: Spool;
  /** PERSIST_MODE=sync: `accept` resolves once the turn is committed. Default false (async). */
  waitForStore?: boolean;
  logger: Logger;
}

/** The in-process TurnSink; `close` spools what the queue still holds. */
export class InProcessPublisher implements TurnSink {
  readonly #options: InProcessPublisherOptions;
  readonly #waiters = new Map<string, () => void>();
  #pumping: Promise<void> | undefined;
  #closed = false;
  /** Turns neither queued nor spooled (spool full or failing): they are lost. */
  dropped = 0;

  constructor(options: InProcessPublisherOptions) {
    this.#options = options;
  }

  /** Queues or spools the turn; never throws. In sync mode resolves once it is stored. */
  accept(turn: TurnRecord): void | Promise<void> {
    const { id, bytes } = encodeTurnMessage(turn);
    const stored = this.#options.waitForStore ? this.#waitFor(id) : undefined;
    // Once the spool holds turns, newer ones queue behind them on disk, so order is kept.
    const queued = this.#options.spool.isEmpty() && this.#offer(id, bytes);
    if (!queued) this.#spool(id, bytes);
    return stored;
  }

  /** Moves spooled turns into the queue while it has room (also those left by a previous run). */
  replay(): void {
    if (this.#closed) return;
    this.#pumping ??= this.#pump()
      .catch((err: unknown) => this.#options.logger.error({ err }, 'spool replay failed'))
      .finally(() => (this.#pumping = undefined));
  }

  /**
   * Stops taking turns and spools the ones the queue still holds that are not on disk yet.
   * Call after the persister has stopped and stored what it could.
   */
  async close(): Promise<number> {
    this.#closed = true;
    await this.#pumping;
    const left = this.#options.queue.takeRemaining();
    for (const { id, body } of left) this.#options.spool.append({ id, headers: {}, bytes: body });
    await this.#options.spool.close();
    return left.length;
  }

  #offer(id: string, bytes: Buffer): boolean {
    return this.#options.queue.offer({ id, body: bytes }, () => {
      this.#stored(id);
      if (!this.#options.spool.isEmpty()) this.replay();
    });
  }

  #spool(id: string, bytes: Buffer): void {
    if (this.#closed || !this.#options.spool.append({ id, headers: {}, bytes })) {
      this.dropped++;
      this.#options.logger.error({ id }, 'turn lost: the queue and the disk spool are both full');
      return;
    }
    this.replay();
  }

  async #pump(): Promise<void> {
    const { queue, spool } = this.#options;
    for (;;) {
      const room = queue.room;
      if (room === 0 || this.#closed) return;
      const records = await spool.take(room);
      if (records.length === 0) return;
      for (const record of records) this.#offerSpooled(record);
    }
  }

  #offerSpooled(record: SpooledRecord): void {
    const { queue, spool, logger } = this.#options;
    const onAck = () => {
      this.#stored(record.id);
      spool.confirm(record).catch((err: unknown) => logger.warn({ err }, 'spool confirm failed'));
      this.replay();
    };
    // New turns go to the spool while it holds any, so the room taken for replay stays free;
    // if it did not, the record is handed out again later (a duplicate id stores once).
    if (!queue.offer({ id: record.id, body: record.bytes }, onAck, true)) spool.rewind();
  }

  #waitFor(id: string): Promise<void> {
    return new Promise((resolve) => this.#waiters.set(id, resolve));
  }

  #stored(id: string): void {
    const resolve = this.#waiters.get(id);
    if (!resolve) return;
    this.#waiters.delete(id);
    resolve();
  }
}
