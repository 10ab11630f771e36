import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createLogger, createRegistry, startAdminServer } from '@snakepit/common';

const logger = createLogger('test', 'silent');

async function startWith(ready: () => boolean) {
  const admin = await startAdminServer({
    port: 0,
    host: '127.0.0.1',
    registry: createRegistry('test'),
    checks: [{ name: 'broker', ready }],
    logger,
    onShutdown: () => Promise.resolve(),
    shutdownTimeoutMs: 1000,
  });
  const url = (path: string) => `http://127.0.0.1:${admin.port}${path}`;
  return { admin, url };
}

test('readyz answers 503 naming the failed check while a dependency is away', async () => {
  let brokerUp = false;
  const { admin, url } = await startWith(() => brokerUp);
  try {
    const down = await fetch(url('/readyz'));
    assert.equal(down.status, 503);
    assert.match(await down.text(), /broker/);
    brokerUp = true;
    assert.equal((await fetch(url('/readyz'))).status, 200);
    assert.equal((await fetch(url('/healthz'))).status, 200);
  } finally {
    admin.server.close();
  }
});

test('metrics expose the default process metrics labelled with the service', async () => {
  const { admin, url } = await startWith(() => true);
  try {
    const res = await fetch(url('/metrics'));
    assert.equal(res.status, 200);
    assert.match(await res.text(), /process_resident_memory_bytes\{service="test"\}/);
    assert.equal((await fetch(url('/nope'))).status, 404);
  } finally {
    admin.server.close();
  }
});

test('SIGTERM runs the shutdown hook, logs the end of the shutdown, and the process exits', async () => {
  const script = `
    import { createLogger, createRegistry, startAdminServer } from '@snakepit/common';
    await startAdminServer({
      port: 0, host: '127.0.0.1', registry: createRegistry('t'), checks: [],
      logger: createLogger('t', 'info'), shutdownTimeoutMs: 2000,
      onShutdown: async () => { console.log('flushed'); },
    });
    console.log('listening');
  `;
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--input-type=module', '-e', script],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('listening') && !child.killed) child.kill('SIGTERM');
  });
  await once(child, 'exit');
  assert.match(out, /flushed/);
  assert.match(out, /"msg":"shutdown complete"/);
});
