// The publishing side as a real snake-api process, with its broker connection through a TCP
// proxy: what it answered must reach the queue, once, whatever happens to the broker. (That
// every turn becomes one row in PostgreSQL is checked end to end in e2e-roundtrip.test.ts.)
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { turnMessageId } from '@snakepit/common';
import { gameState } from '../helpers/api-boards.ts';
import { createVhost, uniqueName, type TestVhost } from '../helpers/pipeline-processes.ts';
import { freePort, startService, type ServiceProcess } from '../helpers/processes.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

let vhost: TestVhost;

before(async () => {
  vhost = await createVhost('publisher-faults');
});

after(() => vhost.remove());

interface Setup {
  proxy: TcpProxy;
  env: Record<string, string>;
  queue: string;
  spoolDir: string;
  apiPort: number;
  gameId: string;
}

async function setUp(t: TestContext): Promise<Setup> {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'publisher-faults-'));
  const base = uniqueName('faults');
  const apiPort = await freePort();
  t.after(async () => {
    await proxy.close();
    await rm(spoolDir, { recursive: true, force: true });
  });
  const env = {
    PORT: String(apiPort),
    PERSIST_MODE: 'async',
    AMQP_URL: vhost.url(proxy.port),
    SPOOL_DIR: spoolDir,
    TURNS_EXCHANGE: base,
    TURNS_QUEUE: base,
    DEAD_LETTER_QUEUE: `${base}.dead`,
    LOG_LEVEL: 'warn',
  };
  return { proxy, env, queue: base, spoolDir, apiPort, gameId: `game-${base}` };
}

async function startApi(t: TestContext, setup: Setup): Promise<ServiceProcess> {
  const api = await startService({ entry: 'services/snake-api/src/main.ts', env: setup.env });
  t.after(() => api.stop('SIGKILL'));
  return api;
}

/** POSTs /random_valid/move for `turn`; the time it took in ms, or undefined if not answered. */
async function postMove(setup: Setup, turn: number): Promise<number | undefined> {
  const body = gameState({
    you: {
      body: [
        [3, 3],
        [3, 4],
      ],
    },
    turn,
    gameId: setup.gameId,
  });
  const started = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${setup.apiPort}/random_valid/move`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status === 200 ? performance.now() - started : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Posts turns `from..to-1`, `concurrency` at a time; the turns answered 200, with latencies in
 * ms, filled into `answered` as they come.
 */
async function postMoves(
  setup: Setup,
  from: number,
  to: number,
  concurrency = 8,
  answered = new Map<number, number>(),
) {
  let next = from;
  const worker = async () => {
    for (let turn = next++; turn < to; turn = next++) {
      const ms = await postMove(setup, turn);
      if (ms !== undefined) answered.set(turn, ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answered;
}

function idOf(setup: Setup, turn: number): string {
  return turnMessageId({ gameId: setup.gameId, snakeId: 'you', turn, kind: 'move' });
}

async function brokerConnected(api: ServiceProcess): Promise<boolean> {
  const text = await (await fetch(api.adminUrl('/metrics'))).text();
  return /^snakepit_broker_connected\{[^}]*\} 1$/m.test(text);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the queue holds `expected` messages, then takes them all: their message ids. */
async function queuedIds(setup: Setup, expected: number): Promise<string[]> {
  const connection = await amqp.connect(vhost.url());
  try {
    const channel = await connection.createChannel();
    await waitFor(`${expected} messages are queued`, async () => {
      return (await channel.checkQueue(setup.queue)).messageCount >= expected;
    });
    // Published but not yet routed would show up now: give stragglers (duplicates) a moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { messageCount } = await channel.checkQueue(setup.queue);
    const ids: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: amqp.ConsumeMessage | null) => {
        if (m) ids.push(String(m.properties.messageId));
        if (ids.length === messageCount) resolve();
      };
      channel.consume(setup.queue, onMessage, { noAck: true }).catch(reject);
    });
    return ids;
  } finally {
    await connection.close();
  }
}

test('turns answered while the broker is away survive SIGTERM in the spool; a restart delivers each once', async (t) => {
  const setup = await setUp(t);
  const api = await startApi(t, setup);
  await waitFor('snake-api is connected', () => brokerConnected(api));
  setup.proxy.refuse(true);
  setup.proxy.cut();
  await waitFor('snake-api saw the broker go', async () => !(await brokerConnected(api)));

  // Requests keep coming while SIGTERM arrives: those answered must all be delivered.
  const progress = new Map<number, number>();
  const load = postMoves(setup, 0, 400, 4, progress);
  await waitFor('some moves are answered', () => Promise.resolve(progress.size >= 20));
  const exit = await api.stop('SIGTERM', 20_000);
  const answered = [...(await load).keys()];
  assert.notEqual(exit, 'SIGKILL', 'snake-api finished its shutdown by itself');
  assert.ok(answered.length >= 20, `${answered.length} moves answered before the shutdown`);
  assert.ok((await readdir(setup.spoolDir)).length > 0, 'the turns are in the spool');

  setup.proxy.refuse(false);
  const restarted = await startApi(t, setup);
  const ids = await queuedIds(setup, answered.length);
  assert.equal(ids.length, answered.length, 'no duplicates');
  assert.deepEqual(new Set(ids), new Set(answered.map((turn) => idOf(setup, turn))));
  await restarted.stop('SIGTERM');
});

test('while the broker is stalled every move is answered at once and none is lost after', async (t) => {
  const setup = await setUp(t);
  const api = await startApi(t, setup);
  await waitFor('snake-api is connected', () => brokerConnected(api));
  const normal = await postMoves(setup, 0, 50, 4);

  setup.proxy.stall(true);
  const stalled = await postMoves(setup, 50, 150, 4);
  setup.proxy.stall(false);

  assert.equal(normal.size + stalled.size, 150, 'every move was answered');
  // The publisher waits up to 10 s for a confirm before it gives a stalled connection up: a
  // request that waited for the broker would take that long. The bound is far from both.
  const slowest = Math.max(...stalled.values());
  assert.ok(slowest < 3000, `slowest move during the stall took ${slowest.toFixed(0)} ms`);

  const ids = await queuedIds(setup, 150);
  assert.equal(ids.length, 150, 'no duplicates');
  assert.deepEqual(new Set(ids), new Set(Array.from({ length: 150 }, (_, n) => idOf(setup, n))));
});
