// What the pipeline tests share: turn records, a publisher wired to a broker URL as createTurnSink
// wires it (with test-sized timeouts), and reading back what reached the queue.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { Registry } from 'prom-client';
import {
  createLogger,
  readTurnTopology,
  type TurnRecord,
  type TurnTopology,
} from '@snakepit/common';
import { gameState } from '../../../test/helpers/api-boards.ts';
import { uniqueName } from '../../../test/helpers/pipeline-processes.ts';
import { AmqpTransport } from '../src/pipeline/amqp-transport.ts';
import { createPipelineMetrics, type PipelineMetrics } from '../src/pipeline/metrics.ts';
import { TurnPublisher } from '../src/pipeline/publisher.ts';
import { Spool } from '../src/pipeline/spool.ts';

/** Move `turn` of game `gameId`, as snake-api hands it to the sink. */
export function turnRecord(turn: number, gameId = 'pipeline-game'): TurnRecord {
  const body = gameState({
    you: {
      body: [
        [1, 1],
        [1, 2],
      ],
    },
    turn,
    gameId,
  });
  return {
    kind: 'move',
    strategy: 'cautious_carol',
    path: '/move',
    body,
    rawBody: Buffer.from(JSON.stringify(body)),
    move: 'up',
    computeMs: 0.5,
    receivedAt: new Date(),
  };
}

/** Fresh queue and exchange names. */
export function freshTopology(): TurnTopology {
  const base = uniqueName('pub');
  return readTurnTopology({
    TURNS_EXCHANGE: base,
    TURNS_QUEUE: base,
    DEAD_LETTER_QUEUE: `${base}.dead`,
  });
}

export interface TestPublisher {
  publisher: TurnPublisher;
  spool: Spool;
  transport: AmqpTransport;
  metrics: PipelineMetrics;
  registry: Registry;
  /** The spool folder (kept across `restart`). */
  spoolDir: string;
}

export interface PublisherSetup {
  amqpUrl: string;
  topology: TurnTopology;
  spoolDir?: string;
  bufferMax?: number;
  confirmTimeoutMs?: number;
}

/** A publisher as createTurnSink builds it, with fast reconnects and a short confirm timeout. */
export async function startPublisher(setup: PublisherSetup): Promise<TestPublisher> {
  const spoolDir = setup.spoolDir ?? (await mkdtemp(path.join(tmpdir(), 'pipeline-spool-')));
  const logger = createLogger('pipeline-test', process.env.PIPELINE_TEST_LOG ?? 'silent');
  const spool = await Spool.open({ dir: spoolDir, maxBytes: 64 * 1024 * 1024 });
  const transport = new AmqpTransport({
    url: setup.amqpUrl,
    topology: setup.topology,
    logger,
    confirmTimeoutMs: setup.confirmTimeoutMs ?? 2000,
    backoff: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  const registry = new Registry();
  const metrics = createPipelineMetrics(registry, {
    spoolDepth: () => spool.depth,
    spoolBytes: () => spool.bytes,
    brokerConnected: () => transport.ready,
  });
  const publisher = new TurnPublisher({
    transport,
    spool,
    metrics,
    logger,
    bufferMax: setup.bufferMax ?? 10_000,
    replayRetryDelayMs: 100,
  });
  transport.start();
  publisher.start();
  return { publisher, spool, transport, metrics, registry, spoolDir };
}

/** The current value of a counter without labels. */
export async function count(counter: PipelineMetrics['confirmed']): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

/** Polls `check` every 20 ms until it holds; fails with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Every message in the queue, in queue order, removing them: their ids and the messages. Call it
 * once publishing has settled (all confirmed): it takes as many as the queue holds right then.
 */
export async function drainIds(
  amqpUrl: string,
  queue: string,
): Promise<{ ids: string[]; messages: amqp.ConsumeMessage[] }> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    const messages: amqp.ConsumeMessage[] = [];
    if (messageCount > 0) {
      await new Promise<void>((resolve, reject) => {
        channel
          .consume(
            queue,
            (m) => {
              if (m) messages.push(m);
              if (messages.length === messageCount) resolve();
            },
            { noAck: true },
          )
          .catch(reject);
      });
    }
    return { ids: messages.map((m) => String(m.properties.messageId)), messages };
  } finally {
    await connection.close();
  }
}

/** Removes a spool folder. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
