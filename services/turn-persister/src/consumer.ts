// The RabbitMQ side: one connection, one confirm channel, one consumer on the turns queue. Every
// message becomes a Delivery for the batcher. A lost connection is normal: reconnect with backoff
// and jitter, declare the topology again, consume again. Deliveries from a lost channel can no
// longer be acked; the broker redelivers them, and the store skips those it already holds.
//
// Known weakness: RabbitMQ 3.10 counts every return of an unacked message (a lost connection, a
// killed persister) against DELIVERY_LIMIT, not only rejections. Turns held through a long
// database outage during which the broker connection also drops DELIVERY_LIMIT times are
// dead-lettered by the broker (x-death reason delivery_limit, no x-snakepit-reason) although
// they were fine. After such an incident an operator runs replay-dead-letters.ts, which moves
// them back (the store skips any already stored). Plan: size DELIVERY_LIMIT for the restarts and
// reconnects an outage can bring (pausing the consumer would not help: the turns at risk are the
// ones already in hand).
import amqp, {
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type MessageProperties,
  type Options,
} from 'amqplib';
import {
  amqpConnectUrl,
  declareTopology,
  needsOperator,
  reconnectDelayMs,
  redactUrl,
  type Logger,
  type TurnTopology,
} from '@snakepit/common';
import { ChannelAcks } from './acks.ts';
import type { Delivery } from './batcher.ts';

/** The header a dead letter carries its reason in. */
export const REASON_HEADER = 'x-snakepit-reason';

/** Consumer settings. */
export interface TurnConsumerOptions {
  /** AMQP_URL (required for the service alone). */
  amqpUrl: string;
  topology: TurnTopology;
  /** Most unacked deliveries in hand at once (PREFETCH, default 1000); at least a batch or two. */
  prefetch: number;
  logger: Logger;
  /** Receives every message; called synchronously from the channel. */
  onDelivery(delivery: Delivery): void;
}

/** Consumes the turns queue, reconnecting until closed. */
export class TurnConsumer {
  /** Its readiness check's name (a DeliverySource, see service.ts). */
  readonly name = 'broker';
  readonly #options: TurnConsumerOptions;
  #connection: ChannelModel | undefined;
  #channel: ConfirmChannel | undefined;
  #consumerTag: string | undefined;
  #stopped = false;
  /** Aborted by stopConsuming: cuts a reconnect pause short. */
  readonly #stop = new AbortController();
  #reconnecting: Promise<void> | undefined;

  constructor(options: TurnConsumerOptions) {
    this.#options = options;
  }

  /** True while a consumer is registered on a live channel (for /readyz). */
  get consuming(): boolean {
    return this.#consumerTag !== undefined;
  }

  /** Connects in the background, retrying until it succeeds or the consumer is closed. */
  start(): void {
    this.#reconnect();
  }

  /** Stops new deliveries (deliveries in hand can still be acked), and stops reconnecting. */
  async stopConsuming(): Promise<void> {
    this.#stopped = true;
    this.#stop.abort();
    const channel = this.#channel;
    const tag = this.#consumerTag;
    this.#consumerTag = undefined;
    if (channel && tag) await channel.cancel(tag).catch(() => undefined);
  }

  /** Closes the connection; unacked deliveries go back to the queue. */
  async close(): Promise<void> {
    await this.stopConsuming();
    await this.#reconnecting;
    const connection = this.#connection;
    const channel = this.#channel;
    this.#connection = undefined;
    this.#channel = undefined;
    // Let the last acks (queued for this tick, see acks.ts) go out, then make one round trip on
    // the channel so the broker has read them before the connection closes.
    await new Promise((resolve) => setImmediate(resolve));
    await channel?.checkQueue(this.#options.topology.queue).catch(() => undefined);
    await connection?.close().catch(() => undefined);
  }

  #reconnect(): void {
    this.#reconnecting ??= this.#connectLoop().finally(() => (this.#reconnecting = undefined));
  }

  async #connectLoop(): Promise<void> {
    const { logger, amqpUrl } = this.#options;
    for (let attempt = 0; !this.#stopped; attempt++) {
      try {
        await this.#connectOnce();
        logger.info(
          { broker: redactUrl(amqpUrl), queue: this.#options.topology.queue },
          'consuming',
        );
        return;
      } catch (err) {
        const delayMs = reconnectDelayMs(attempt);
        if (needsOperator(err)) logger.error({ err, delayMs }, 'broker refuses this consumer');
        else logger.warn({ err, delayMs }, 'broker unreachable; retrying');
        await sleep(delayMs, this.#stop.signal);
      }
    }
  }

  /** Connects, declares the topology and consumes; on any failure leaves nothing open. */
  async #connectOnce(): Promise<void> {
    const { amqpUrl, topology, prefetch } = this.#options;
    const connection = await amqp.connect(amqpConnectUrl(amqpUrl));
    // 'error' is always followed by 'close', which is where recovery starts.
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      await declareTopology(channel, topology);
      await channel.prefetch(prefetch);
      const acks = new ChannelAcks(channel);
      const { consumerTag } = await channel.consume(topology.queue, (msg) =>
        this.#onMessage(channel, acks, msg),
      );
      this.#watch(connection, channel);
      this.#connection = connection;
      this.#channel = channel;
      this.#consumerTag = consumerTag;
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  /** Any loss of the channel or connection leads to one fresh connection. */
  #watch(connection: ChannelModel, channel: ConfirmChannel): void {
    const lost = (what: string) => () => {
      if (this.#connection !== connection) return;
      this.#connection = undefined;
      this.#channel = undefined;
      this.#consumerTag = undefined;
      connection.close().catch(() => undefined);
      if (this.#stopped) return;
      this.#options.logger.warn(`broker ${what} closed; reconnecting`);
      this.#reconnect();
    };
    connection.on('close', lost('connection'));
    channel.on('close', lost('channel'));
  }

  #onMessage(channel: ConfirmChannel, acks: ChannelAcks, msg: ConsumeMessage | null): void {
    // null: the broker cancelled the consumer (queue deleted); start over, which redeclares it.
    if (msg === null) {
      channel.close().catch(() => undefined);
      return;
    }
    this.#options.onDelivery(this.#delivery(channel, acks, msg));
  }

  #delivery(channel: ConfirmChannel, acks: ChannelAcks, msg: ConsumeMessage): Delivery {
    acks.delivered(msg);
    return {
      body: msg.content,
      headers: msg.properties.headers,
      ack: () => {
        // A closed channel cannot ack; the broker has already put the message back.
        if (this.#channel === channel) acks.ack(msg);
      },
      deadLetter: (reason) => this.#publishDeadLetter(channel, msg, reason),
    };
  }

  /**
   * Publishes the message to the dead-letter exchange with the reason in REASON_HEADER and waits
   * for the broker's confirm; the caller acks the original after that. (Rejecting it instead would
   * also dead-letter it through the queue's arguments, but only with the broker's reason,
   * "rejected", in x-death; the reason an operator needs would be in a log line only.) A crash
   * between the confirm and the ack leaves a second copy in the dead letters, never none.
   */
  #publishDeadLetter(channel: ConfirmChannel, msg: ConsumeMessage, reason: string): Promise<void> {
    const { properties } = msg;
    const headers = { ...properties.headers, [REASON_HEADER]: reason.slice(0, 1000) };
    return new Promise((resolve, reject) => {
      channel.publish(
        this.#options.topology.deadLetterExchange,
        '',
        msg.content,
        { ...republishOptions(properties), headers },
        (err) => (err ? reject(err as Error) : resolve()),
      );
    });
  }
}

/**
 * The options that publish a message again (to the dead letters, or back from them) as it was
 * first published: persistent, with its content type, type, id and timestamp; headers are not
 * carried, the caller sets those it wants.
 */
export function republishOptions(properties: MessageProperties): Options.Publish {
  return {
    persistent: true,
    contentType: properties.contentType as string | undefined,
    type: properties.type as string | undefined,
    messageId: properties.messageId as string | undefined,
    timestamp: properties.timestamp as number | undefined,
  };
}

/** Resolves after `ms` milliseconds, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
