// Acks for one AMQP channel, coalesced. The batcher acks a committed batch one delivery at a
// time, in one synchronous loop; this sends them as one multiple-ack ("everything up to tag N")
// when they form the oldest unsettled run of deliveries, and singly otherwise.
//
// Why it matters: RabbitMQ 3.10 quorum queues settle acks asynchronously, a bounded number in
// flight per channel, and drop those still queued when the channel closes. With 500 single acks
// per batch, a shutdown right after the last batch lost some of them (the messages came back
// although stored). One multiple-ack per batch is one settle command.
import type { Channel, ConsumeMessage } from 'amqplib';

/** Tracks the deliveries of one channel and sends their acks. */
export class ChannelAcks {
  readonly #channel: Channel;
  /** Delivered and not yet acked, in delivery-tag order (tags only grow on a channel). */
  readonly #unsettled = new Map<number, ConsumeMessage>();
  #acked: ConsumeMessage[] = [];

  constructor(channel: Channel) {
    this.#channel = channel;
  }

  /** Records a delivery as in hand. */
  delivered(msg: ConsumeMessage): void {
    this.#unsettled.set(msg.fields.deliveryTag, msg);
  }

  /** Acks `msg`, together with the others acked in the same tick. */
  ack(msg: ConsumeMessage): void {
    this.#acked.push(msg);
    if (this.#acked.length === 1) queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const acked = new Set(this.#acked.map((m) => m.fields.deliveryTag));
    this.#acked = [];
    let upTo: ConsumeMessage | undefined;
    for (const [tag, msg] of this.#unsettled) {
      if (!acked.has(tag)) break;
      upTo = msg;
      this.#unsettled.delete(tag);
      acked.delete(tag);
    }
    try {
      if (upTo) this.#channel.ack(upTo, true);
      for (const tag of acked) {
        const msg = this.#unsettled.get(tag);
        this.#unsettled.delete(tag);
        if (msg) this.#channel.ack(msg);
      }
    } catch {
      // The channel closed under us: the broker has already put these messages back.
    }
  }
}
