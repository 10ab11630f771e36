// What the turn-persister system tests share: the service as a real process against its own
// database and queue names, publishing turns, and reading back rows, metrics and queues.
import { after, afterEach, before } from 'node:test';
import amqp from 'amqplib';
import pg from 'pg';
import { declareTopology, readTurnTopology, type TurnTopology } from '@snakepit/common';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../services/turn-persister/test/database.ts';
import { startService, type ServiceProcess } from '../helpers/processes.ts';
import { createVhost, uniqueName, type TestVhost } from '../helpers/pipeline-processes.ts';

/** What a test file gets from usePersisterTestFile. */
export interface PersisterTestFile {
  /** The file's vhost, created before its first test and deleted after its last. */
  vhost: Pick<TestVhost, 'url'>;
  /** Runs `step` after the current test, before the steps deferred earlier in it. */
  defer: (step: () => Promise<unknown>) => void;
  /** A fresh database and a pool of two connections to it, both gone after the test. */
  database: (prefix: string) => Promise<{ db: TestDatabase; pool: pg.Pool }>;
}

/**
 * Registers a test file's hooks: one vhost named `<vhostPrefix>-<random>` for the whole file,
 * and the deferred steps run after each test (so a failed test still stops its processes).
 */
export function usePersisterTestFile(vhostPrefix: string): PersisterTestFile {
  let vhost: TestVhost | undefined;
  const cleanup: (() => Promise<unknown>)[] = [];
  const defer = (step: () => Promise<unknown>) => {
    cleanup.push(step);
  };

  before(async () => {
    vhost = await createVhost(vhostPrefix);
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  after(async () => {
    await vhost?.remove();
  });

  return {
    vhost: {
      url: (port) => {
        if (vhost === undefined) throw new Error('the vhost exists only once `before` has run');
        return vhost.url(port);
      },
    },
    defer,
    database: async (prefix) => {
      const db = await createTestDatabase(prefix);
      defer(() => db.drop());
      const pool = new pg.Pool({ connectionString: db.url(), max: 2 });
      defer(() => pool.end());
      return { db, pool };
    },
  };
}

/** Queue and exchange names of one test, as the environment variables that set them. */
export function topologyEnv(prefix: string): Record<string, string> {
  const base = uniqueName(prefix);
  return {
    TURNS_EXCHANGE: `${base}.turns`,
    TURNS_QUEUE: `${base}.turns`,
    DEAD_LETTER_QUEUE: `${base}.turns.dead`,
  };
}

/** The topology those variables describe. */
export function topologyOf(env: Record<string, string>): TurnTopology {
  return readTurnTopology(env);
}

/** Starts turn-persister as its container runs it and waits for /readyz. */
export function startPersister(env: Record<string, string>): Promise<ServiceProcess> {
  return startService({
    entry: 'services/turn-persister/src/main.ts',
    env: { LOG_LEVEL: 'warn', ...env },
  });
}

/** Declares the topology and publishes `messages` with confirms, as snake-api does. */
export async function publish(
  amqpUrl: string,
  topology: TurnTopology,
  messages: readonly Buffer[],
): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    await declareTopology(channel, topology);
    for (const bytes of messages) {
      channel.publish(topology.exchange, '', bytes, { persistent: true });
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** The messages in a queue: content and headers; they are removed from it. */
export async function drainQueue(
  amqpUrl: string,
  queue: string,
): Promise<{ content: Buffer; headers: Record<string, unknown> }[]> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    const messages = [];
    for (let msg = await channel.get(queue); msg; msg = await channel.get(queue)) {
      messages.push({ content: msg.content, headers: msg.properties.headers ?? {} });
      channel.ack(msg);
    }
    return messages;
  } finally {
    await connection.close();
  }
}

/** How many messages wait in `queue`, not counting those delivered and not yet acked. */
export async function readyCount(amqpUrl: string, queue: string): Promise<number> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

/** Rows of `turns`: all of them and distinct turns (game, snake, turn, kind). */
export async function turnCounts(pool: pg.Pool): Promise<{ rows: number; distinct: number }> {
  const { rows } = await pool.query<{ rows: number; distinct: number }>(
    `SELECT count(*)::int AS rows,
            count(DISTINCT (game_id, snake_id, turn, kind))::int AS distinct
     FROM turns`,
  );
  return rows[0] ?? { rows: 0, distinct: 0 };
}

/** The value of a metric series on /metrics (the sum over its label sets), 0 when absent. */
export async function metric(service: ServiceProcess, name: string): Promise<number> {
  const text = await (await fetch(service.adminUrl('/metrics'))).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (match?.[1] === name) sum += Number(match[3]);
  }
  return sum;
}

/** The status /readyz answers now. */
export async function readyStatus(service: ServiceProcess): Promise<number> {
  const res = await fetch(service.adminUrl('/readyz'), { signal: AbortSignal.timeout(3_000) });
  await res.arrayBuffer();
  return res.status;
}

/** Polls `check` every 50 ms until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
