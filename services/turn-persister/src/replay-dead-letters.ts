// Moves dead letters back into the turns exchange, for an operator after an incident:
// `npm run replay-dead-letters -w services/turn-persister` (reads AMQP_URL and the TURNS_*
// variables). By default it replays only what the broker dead-lettered on its own (delivery
// limit reached, for example after repeated reconnects during a database outage); messages this
// service dead-lettered carry REASON_HEADER and would only come back, so they stay unless
// `--all` is given. Replaying is safe: the store skips turns it already holds.
import amqp from 'amqplib';
import {
  amqpConnectUrl,
  ConfigError,
  createLogger,
  declareTopology,
  readAmqpUrl,
  readString,
  readTurnTopology,
  type Logger,
  type TurnTopology,
} from '@snakepit/common';
import { REASON_HEADER, republishOptions } from './consumer.ts';

/** What one replay did. */
export interface ReplayResult {
  /** Messages published to the turns exchange and removed from the dead letters. */
  replayed: number;
  /** Messages left in the dead letters (they carry REASON_HEADER and `all` was false). */
  kept: number;
}

/**
 * Replays the dead-letter queue's messages into `topology.exchange`, each confirmed by the broker
 * before it leaves the dead letters. With `all` false (the default) messages that carry
 * REASON_HEADER are kept.
 */
export async function replayDeadLetters(
  amqpUrl: string,
  topology: TurnTopology,
  { all = false }: { all?: boolean } = {},
): Promise<ReplayResult> {
  const connection = await amqp.connect(amqpConnectUrl(amqpUrl));
  try {
    const channel = await connection.createConfirmChannel();
    await declareTopology(channel, topology);
    const result = { replayed: 0, kept: 0 };
    // Kept messages stay unacked until the connection closes, which returns them to the queue;
    // so each `get` returns a message not seen yet, and the loop ends when the queue is empty.
    for (let msg = await channel.get(topology.deadLetterQueue); msg;) {
      if (!all && msg.properties.headers?.[REASON_HEADER] !== undefined) {
        result.kept++;
      } else {
        await republish(channel, topology.exchange, msg);
        channel.ack(msg);
        result.replayed++;
      }
      msg = await channel.get(topology.deadLetterQueue);
    }
    return result;
  } finally {
    await connection.close();
  }
}

function republish(
  channel: amqp.ConfirmChannel,
  exchange: string,
  msg: amqp.GetMessage,
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish(exchange, '', msg.content, republishOptions(msg.properties), (err) =>
      err ? reject(err as Error) : resolve(),
    );
  });
}

async function main(logger: Logger): Promise<void> {
  const amqpUrl = readAmqpUrl(process.env);
  if (amqpUrl === undefined) {
    throw new ConfigError('AMQP_URL', 'is not set', 'amqp://user:pass@host:5672/vhost');
  }
  const result = await replayDeadLetters(amqpUrl, readTurnTopology(process.env), {
    all: process.argv.includes('--all'),
  });
  logger.info(result, 'dead letters replayed');
}

if (import.meta.main) {
  const logger = createLogger('turn-persister', readString(process.env, 'LOG_LEVEL', 'info'));
  await main(logger).catch((err: unknown) => {
    logger.error({ err }, 'replay failed');
    process.exitCode = 1;
  });
}
