import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { gameState } from '../../../test/helpers/api-boards.ts';
import { freePort, startService } from '../../../test/helpers/processes.ts';

test('on SIGTERM a move in flight is still answered, then the process exits', async () => {
  const port = await freePort();
  const service = await startService({
    entry: 'services/snake-api/src/main.ts',
    env: { PORT: String(port), PERSIST_MODE: 'off', LOG_LEVEL: 'warn' },
  });
  try {
    const body = Buffer.from(
      JSON.stringify(
        gameState({
          you: {
            body: [
              [0, 0],
              [1, 0],
              [2, 0],
            ],
          },
        }),
      ),
    );
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/move',
      headers: { 'content-type': 'application/json', 'content-length': body.length },
    });
    const answered = once(req, 'response');
    req.write(body.subarray(0, 100));
    await once(req, 'socket');
    await sleep(200); // let the server accept the connection and read the first half

    service.child.kill('SIGTERM');
    await sleep(300);
    assert.equal(service.child.exitCode, null, 'the process waits for the request in flight');

    req.end(body.subarray(100));
    const [res] = (await answered) as [http.IncomingMessage];
    let text = '';
    for await (const chunk of res) text += String(chunk);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(text), { move: 'up' });
    // The client keeps its connection alive (65 s); the server must not wait for it to time out.
    assert.notEqual(await service.stop('SIGTERM', 20_000), 'SIGKILL');
  } finally {
    await service.stop('SIGKILL');
  }
});
