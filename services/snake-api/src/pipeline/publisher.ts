// The turn publisher: the async-mode TurnSink. `accept` encodes the turn and returns at once; the
// request never waits for the broker. A turn takes one of two roads:
//
//   live:  broker ready, spool empty, fewer than `bufferMax` turns unconfirmed -> publish now,
//          keep it in memory until confirmed; if the confirm fails, spool it.
//   spool: anything else (broker away or blocked, buffer full, spool not yet drained, shutting
//          down) -> append to the disk spool; a replay loop publishes spooled turns in order
//          once the broker is ready and deletes them only once confirmed.
//
// New turns go to the spool while it holds anything, so turns reach the broker roughly in the
// order they arrived. Delivery is at least once: a turn whose confirm was lost (connection cut
// after the broker stored it) is spooled and sent again. That is why turn-persister inserts by
// message id with ON CONFLICT DO NOTHING: a duplicate message never becomes a duplicate row.
// What a killed process (SIGKILL, OOM) loses: turns accepted in the current event-loop turn and
// not yet routed, plus the spool write in progress; unconfirmed live turns are not on disk
// either. SIGTERM loses none of them (see `close`).
import { performance } from 'node:perf_hooks';
import { encodeTurnMessage, type Logger, type TurnRecord, type TurnSink } from '@snakepit/common';
import { traceHeaders } from '@snakepit/common/telemetry/index';
import type { DropReason, PipelineMetrics } from './metrics.ts';
import type { Spool, SpooledRecord } from './spool.ts';
import { PublishNackedError, type OutgoingTurn, type TurnTransport } from './transport.ts';

export interface TurnPublisherOptions {
  transport: TurnTransport;
  spool: Spool;
  metrics: PipelineMetrics;
  logger: Logger;
  /** PUBLISH_BUFFER_MAX: live turns unconfirmed at once before new ones spool; default 10000. */
  bufferMax: number;
  /** Spooled turns published per replay round, in turns; default 500. */
  replayBatchSize?: number;
  /** Pause before replaying again after a refused or lost replay publish, in ms; default 1000. */
  replayRetryDelayMs?: number;
}

/** Publishes turns without blocking the request, spooling to disk whatever cannot go now. */
export class TurnPublisher implements TurnSink {
  readonly #options: TurnPublisherOptions;
  /** Live turns awaiting their confirm, with when each was published (performance.now()). */
  readonly #inflight = new Map<OutgoingTurn, number>();
  /** Turns accepted since the last routing pass, and that pass, when one is scheduled. */
  #accepted: OutgoingTurn[] = [];
  #routing: NodeJS.Immediate | undefined;
  #replaying: Promise<void> | undefined;
  #closing = false;
  #spoolingReported = false;
  #dropReported = false;
  /** The spool's write error last logged: one warning per disk fault, not per dropped turn. */
  #writeErrorReported: unknown;
  #onIdle: (() => void) | undefined;

  constructor(options: TurnPublisherOptions) {
    this.#options = options;
    options.transport.onReadyChange((ready) => {
      if (ready) this.#replay();
    });
  }

  /** Starts replaying what an earlier run left in the spool, once the broker is ready. */
  start(): void {
    this.#replay();
  }

  /**
   * Takes a turn; returns synchronously, never throws for broker or disk trouble. Only the
   * encoding happens here (it needs the request's trace context); the publish or spool write
   * runs right after the current I/O callbacks, in one batch for every turn accepted meanwhile,
   * so the response is written first.
   */
  accept(record: TurnRecord): void {
    this.#accepted.push(outgoing(record));
    this.#routing ??= setImmediate(() => this.#routeAccepted());
  }

  #routeAccepted(): void {
    this.#routing = undefined;
    for (const turn of this.#accepted.splice(0)) {
      if (this.#canPublishLive()) this.#publishLive(turn);
      else this.#toSpool(turn);
    }
  }

  /**
   * Shutdown, after the HTTP server has stopped: waits up to `drainTimeoutMs` for live turns to
   * be confirmed, spools the rest, syncs the spool to disk and disconnects. Turns spooled here
   * may also have reached the broker (their confirm was still due); they replay on the next
   * start and the persister drops the duplicates.
   */
  async close(drainTimeoutMs: number): Promise<void> {
    clearImmediate(this.#routing);
    this.#closing = true;
    this.#routeAccepted();
    await this.#idleOrTimeout(drainTimeoutMs);
    for (const turn of [...this.#inflight.keys()]) {
      this.#inflight.delete(turn);
      this.#toSpool(turn);
    }
    await this.#options.spool.close();
    await this.#options.transport.close();
    await this.#replaying;
  }

  #canPublishLive(): boolean {
    const { transport, spool, bufferMax } = this.#options;
    return (
      !this.#closing &&
      transport.ready &&
      this.#replaying === undefined &&
      spool.isEmpty() &&
      this.#inflight.size < bufferMax
    );
  }

  #publishLive(turn: OutgoingTurn): void {
    const { transport, metrics } = this.#options;
    this.#inflight.set(turn, performance.now());
    metrics.published.inc();
    transport.publish(turn).then(
      () => this.#liveConfirmed(turn),
      (err: unknown) => this.#liveFailed(turn, err),
    );
  }

  #liveConfirmed(turn: OutgoingTurn): void {
    const startedAt = this.#inflight.get(turn);
    // Absent when shutdown has already spooled it: the spool copy will replay (a duplicate).
    if (startedAt === undefined) return;
    this.#inflight.delete(turn);
    this.#options.metrics.confirmed.inc();
    this.#options.metrics.confirmSeconds.observe((performance.now() - startedAt) / 1000);
    this.#checkIdle();
  }

  #liveFailed(turn: OutgoingTurn, err: unknown): void {
    if (!this.#inflight.delete(turn)) return;
    if (err instanceof PublishNackedError) this.#options.metrics.nacked.inc();
    this.#toSpool(turn);
    this.#checkIdle();
  }

  #toSpool(turn: OutgoingTurn): void {
    const { spool, metrics, logger } = this.#options;
    if (spool.append(turn)) {
      metrics.spooled.inc();
      if (!this.#spoolingReported) logger.warn({ spoolDepth: spool.depth }, 'spooling turns');
      this.#spoolingReported = true;
      this.#replay();
      return;
    }
    if (spool.writeError !== undefined && !this.#closing) {
      this.#dropForWriteError(spool.writeError);
      return;
    }
    const reason: DropReason = this.#closing ? 'spool_closed' : 'spool_full';
    metrics.dropped.inc({ reason });
    // One line per episode: a full spool under load would otherwise log every request.
    if (!this.#dropReported) logger.error({ reason, spoolBytes: spool.bytes }, 'turns dropped');
    this.#dropReported = true;
  }

  /** The disk fails the spool's writes: the spool retries them; new turns are dropped meanwhile. */
  #dropForWriteError(err: unknown): void {
    this.#options.metrics.dropped.inc({ reason: 'spool_error' });
    if (err === this.#writeErrorReported) return;
    this.#writeErrorReported = err;
    this.#options.logger.warn({ err }, 'spool cannot write to disk; turns dropped until it can');
  }

  /** Starts the replay loop unless it runs already or there is nothing to do. */
  #replay(): void {
    const { transport, spool, logger } = this.#options;
    if (this.#replaying || this.#closing || !transport.ready || spool.isEmpty()) return;
    this.#replaying = this.#replayLoop()
      .catch((err: unknown) => logger.error({ err }, 'spool replay failed'))
      .finally(() => {
        this.#replaying = undefined;
        this.#afterReplay();
      });
  }

  async #replayLoop(): Promise<void> {
    const { transport, spool, replayBatchSize = 500, replayRetryDelayMs = 1000 } = this.#options;
    spool.rewind();
    while (!this.#closing && transport.ready) {
      const batch = await spool.take(replayBatchSize);
      if (batch.length === 0) return;
      // One round at a time: every publish of the round settles before the next `take`, so a
      // failure rewinds to a well-defined point (the unconfirmed records of the spool).
      const results = await Promise.allSettled(batch.map((r) => this.#publishSpooled(r)));
      if (results.some((r) => r.status === 'rejected')) {
        spool.rewind();
        if (!this.#closing) await sleep(replayRetryDelayMs);
      }
    }
  }

  async #publishSpooled(record: SpooledRecord): Promise<void> {
    const { transport, spool, metrics } = this.#options;
    const startedAt = performance.now();
    metrics.published.inc();
    try {
      await transport.publish(record);
    } catch (err) {
      if (err instanceof PublishNackedError) metrics.nacked.inc();
      throw err;
    }
    metrics.confirmed.inc();
    metrics.confirmSeconds.observe((performance.now() - startedAt) / 1000);
    // Deleted from disk only now, after the confirm: a crash before this line resends it.
    await spool.confirm(record);
  }

  #afterReplay(): void {
    const { spool, logger, replayRetryDelayMs = 1000 } = this.#options;
    if (spool.isEmpty()) {
      if (this.#spoolingReported) logger.info('spool replayed; publishing directly again');
      this.#spoolingReported = false;
      this.#dropReported = false;
      return;
    }
    // A turn appended between the last `take` and now has no one to replay it; look again.
    setTimeout(() => this.#replay(), replayRetryDelayMs).unref();
  }

  #checkIdle(): void {
    if (this.#inflight.size === 0) this.#onIdle?.();
  }

  async #idleOrTimeout(timeoutMs: number): Promise<void> {
    if (this.#inflight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#onIdle = resolve;
      timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
  }
}

/** The turn as it travels: encoded once, with the request's trace context captured now. */
function outgoing(record: TurnRecord): OutgoingTurn {
  const { id, bytes } = encodeTurnMessage(record);
  // Injected at accept time, inside the request's context, so a turn replayed from the spool
  // hours later still joins its original trace.
  return { id, bytes, headers: traceHeaders() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
