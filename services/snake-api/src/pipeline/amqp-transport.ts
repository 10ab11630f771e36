// RabbitMQ behind the TurnTransport interface: one connection, one confirm channel, the turn
// topology declared again on every connect, and a reconnect loop with backoff and jitter.
//
// A disconnect is normal. The loop never gives up: a dropped connection, a refused one, a
// missed heartbeat or a stalled confirm all lead to the next attempt after a backoff delay.
// Which failures need a person is decided in one place, `needsOperator` in @snakepit/common
// broker.ts; those are logged as errors and retried at the slowest pace.
import amqp from 'amqplib';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import {
  TURN_MESSAGE_CONTENT_TYPE,
  TURN_MESSAGE_TYPE,
  amqpConnectUrl,
  declareTopology,
  needsOperator,
  reconnectDelayMs,
  redactUrl,
  type BackoffOptions,
  type Logger,
  type TurnTopology,
} from '@snakepit/common';
import { withHeadersContext } from '@snakepit/common/telemetry/index';
import {
  PublishNackedError,
  PublishReturnedError,
  PublishUnconfirmedError,
  type OutgoingTurn,
  type TurnTransport,
} from './transport.ts';

export interface AmqpTransportOptions {
  /** AMQP_URL (credentials are never logged; see redactUrl). */
  url: string;
  topology: TurnTopology;
  logger: Logger;
  /**
   * How long publishes may wait for any confirm, in milliseconds, before the connection is
   * taken for dead and replaced; default 10000. Catches a stalled broker long before the
   * heartbeat (20 s) would. Not applied while the broker says it is blocked.
   */
  confirmTimeoutMs?: number;
  /** Reconnect pacing; default 100 ms doubling to 30 s, with jitter. */
  backoff?: BackoffOptions;
}

interface Destroyable {
  destroy(err: Error): void;
}

interface Live {
  model: ChannelModel;
  channel: ConfirmChannel;
  since: number;
}

/** How long `close` waits for the broker's close-ok before dropping the socket, in ms. */
const CLOSE_WAIT_MS = 1_000;

/** A connection that stayed up this long resets the backoff, in milliseconds. */
const STABLE_CONNECTION_MS = 5_000;

/** Publishes turns to RabbitMQ through a confirm channel, reconnecting forever until closed. */
export class AmqpTransport implements TurnTransport {
  readonly #options: AmqpTransportOptions;
  readonly #listeners: ((ready: boolean) => void)[] = [];
  #live: Live | undefined;
  #blocked = false;
  #closing = false;
  #loop: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;
  /** Publishes awaiting a confirm, and when the last confirm (or first publish) happened. */
  #outstanding = 0;
  #lastProgressAt = 0;
  #watchdog: NodeJS.Timeout | undefined;
  /** Message ids the broker returned as unroutable whose confirm has not arrived yet, counted. */
  readonly #returned = new Map<string, number>();

  constructor(options: AmqpTransportOptions) {
    this.#options = options;
  }

  get ready(): boolean {
    return this.#live !== undefined && !this.#blocked;
  }

  /** Starts connecting in the background; `ready` turns true once connected and declared. */
  start(): void {
    this.#loop ??= this.#run();
    const timeoutMs = this.#options.confirmTimeoutMs ?? 10_000;
    this.#watchdog = setInterval(() => this.#checkConfirms(timeoutMs), timeoutMs / 4);
    this.#watchdog.unref();
  }

  onReadyChange(listener: (ready: boolean) => void): void {
    this.#listeners.push(listener);
  }

  publish(turn: OutgoingTurn): Promise<void> {
    const channel = this.#live?.channel;
    if (!channel) return Promise.reject(new PublishUnconfirmedError('not connected'));
    const { exchange } = this.#options.topology;
    return new Promise<void>((resolve, reject) => {
      if (this.#outstanding === 0) this.#lastProgressAt = Date.now();
      this.#outstanding += 1;
      const settle = (err: unknown) => {
        this.#outstanding -= 1;
        this.#lastProgressAt = Date.now();
        if (err !== null && err !== undefined) reject(confirmError(turn.id, err));
        else if (this.#takeReturned(turn.id)) reject(new PublishReturnedError(turn.id));
        else resolve();
      };
      try {
        // Published inside the turn's own trace context (taken in its request), so the amqplib
        // instrumentation's publish span is a child of that request even for a replayed turn.
        // The return value (socket buffer full) is ignored: the publisher bounds how many turns
        // are unconfirmed (PUBLISH_BUFFER_MAX), which bounds what amqplib buffers too.
        withHeadersContext(turn.headers, () =>
          channel.publish(exchange, '', turn.bytes, this.#properties(turn), settle),
        );
      } catch (err) {
        settle(err);
      }
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#watchdog);
    this.#wakeUp?.();
    const live = this.#live;
    if (live) {
      // A stalled broker never answers close; the spool is already synced, so do not wait.
      const closed = live.model.close().catch(() => undefined);
      const gaveUp = await Promise.race([closed.then(() => false), delay(CLOSE_WAIT_MS, true)]);
      if (gaveUp) destroySocket(live, new PublishUnconfirmedError('closing'));
    }
    // A connect attempt may be stuck in a stalled handshake; it is abandoned, not awaited.
    await Promise.race([this.#loop, delay(CLOSE_WAIT_MS, undefined)]);
  }

  /** Whether the broker returned a message with this id; forgets one return if so. */
  #takeReturned(id: string): boolean {
    const count = this.#returned.get(id);
    if (count === undefined) return false;
    if (count > 1) this.#returned.set(id, count - 1);
    else this.#returned.delete(id);
    return true;
  }

  #properties(turn: OutgoingTurn) {
    return {
      // A turn no queue takes is returned, then confirmed (the broker sends basic.return before
      // the ack on the same channel); without `mandatory` it would be confirmed and dropped.
      mandatory: true,
      persistent: true,
      messageId: turn.id,
      contentType: TURN_MESSAGE_CONTENT_TYPE,
      type: TURN_MESSAGE_TYPE,
      timestamp: Math.floor(Date.now() / 1000),
      // A copy: the amqplib instrumentation writes its publish span's context into the headers,
      // and the turn's own (its request's) must stay as it was in case the turn is spooled.
      headers: { ...turn.headers },
    };
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#closing) {
      try {
        const live = await this.#connect();
        const err = await this.#untilClosed(live);
        if (Date.now() - live.since >= STABLE_CONNECTION_MS) attempt = 0;
        if (!this.#closing)
          this.#log(err, 'broker connection lost; spooling turns until it is back');
      } catch (err) {
        // One warning per outage, not one per attempt; an operator's problem is repeated.
        if (!this.#closing && (attempt === 0 || needsOperator(err))) {
          this.#log(err, 'cannot reach the broker; spooling turns and retrying');
        }
        if (needsOperator(err)) attempt = Number.MAX_SAFE_INTEGER;
      }
      if (!this.#closing) await this.#sleep(reconnectDelayMs(attempt++, this.#options.backoff));
    }
  }

  async #connect(): Promise<Live> {
    const model = await amqp.connect(amqpConnectUrl(this.#options.url));
    // Errors are followed by 'close', which is where they are handled; without a listener
    // an 'error' event would crash the process.
    model.on('error', () => undefined);
    model.on('blocked', (reason: string) => this.#setBlocked(true, reason));
    model.on('unblocked', () => this.#setBlocked(false));
    try {
      const channel = await model.createConfirmChannel();
      channel.on('error', () => undefined);
      this.#returned.clear();
      channel.on('return', (message: { properties: { messageId?: unknown } }) => {
        const id = String(message.properties.messageId);
        this.#returned.set(id, (this.#returned.get(id) ?? 0) + 1);
      });
      await declareTopology(channel, this.#options.topology);
      if (this.#closing) throw new PublishUnconfirmedError('closing');
      const live = { model, channel, since: Date.now() };
      this.#live = live;
      this.#blocked = false;
      this.#options.logger.info({ url: redactUrl(this.#options.url) }, 'broker connected');
      this.#notify();
      return live;
    } catch (err) {
      await model.close().catch(() => undefined);
      throw err;
    }
  }

  /** Resolves with the reason once the connection or its channel ends (either ends both). */
  #untilClosed(live: Live): Promise<unknown> {
    return new Promise((resolve) => {
      let reason: unknown;
      live.model.once('error', (err: unknown) => (reason = err));
      live.channel.once('error', (err: unknown) => (reason = err));
      live.channel.once('close', () => void live.model.close().catch(() => undefined));
      live.model.once('close', (err?: unknown) => {
        this.#live = undefined;
        this.#blocked = false;
        this.#notify();
        resolve(err ?? reason);
      });
    });
  }

  #checkConfirms(timeoutMs: number): void {
    const live = this.#live;
    if (!live || this.#blocked || this.#outstanding === 0) return;
    if (Date.now() - this.#lastProgressAt < timeoutMs) return;
    this.#options.logger.warn(
      { outstanding: this.#outstanding, confirmTimeoutMs: timeoutMs },
      'no publish confirm in time; dropping the connection',
    );
    // close() would wait for the broker's close-ok, which a stalled broker never sends. Destroy
    // the socket (an amqplib internal, ChannelModel.connection.stream) with an error: amqplib
    // treats a socket error as the connection's end and emits 'close' at once.
    destroySocket(live, new PublishUnconfirmedError(`no confirm within ${timeoutMs} ms`));
  }

  #setBlocked(blocked: boolean, reason?: string): void {
    this.#blocked = blocked;
    if (blocked) this.#options.logger.warn({ reason }, 'broker blocked publishing; spooling turns');
    else this.#options.logger.info('broker unblocked publishing');
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener(this.ready);
  }

  #log(err: unknown, message: string): void {
    const fields = { err, url: redactUrl(this.#options.url) };
    if (needsOperator(err)) this.#options.logger.error(fields, `${message} (needs an operator)`);
    else this.#options.logger.warn(fields, message);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function destroySocket(live: Live, err: Error): void {
  const { stream } = live.model.connection as unknown as { stream?: Destroyable };
  stream?.destroy(err);
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}

function confirmError(id: string, err: unknown): Error {
  if ((err as Error).message === 'message nacked') return new PublishNackedError(id);
  return new PublishUnconfirmedError((err as Error).message);
}
