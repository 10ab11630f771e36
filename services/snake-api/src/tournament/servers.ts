// snake-api processes for CLI tournaments: one per strategy, as each competitor would run its
// own server, so one strategy's searches never share an event loop with another's requests.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/** How long a server may take to answer its first request, in ms. */
const START_TIMEOUT_MS = 30_000;
const MAIN_PATH = fileURLToPath(new URL('../main.ts', import.meta.url));

/** Running servers: each strategy's base URL, and a way to stop them all. */
export interface Servers {
  urls: Map<string, string>;
  stop(): Promise<void>;
}

/** Starts one snake-api process per strategy on free local ports, persistence off. */
export async function startServers(strategies: readonly string[]): Promise<Servers> {
  const children: ChildProcess[] = [];
  const urls = new Map<string, string>();
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild));
  };
  const startOne = async (name: string): Promise<void> => {
    const port = await freePort();
    const env = {
      ...process.env,
      PORT: String(port),
      ADMIN_PORT: String(await freePort()),
      PERSIST_MODE: 'off',
      LOG_LEVEL: 'error',
    };
    const child = spawn(process.execPath, ['--conditions=source', MAIN_PATH], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}/${name}`;
    await waitUntilServing(url, child);
    urls.set(name, url);
  };
  try {
    await Promise.all(strategies.map(startOne));
  } catch (err) {
    await stop();
    throw err;
  }
  return { urls, stop };
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  const giveUpAt = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < giveUpAt) {
    if (child.exitCode !== null)
      throw new Error(`snake-api for ${url} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      throw new Error(`snake-api answered ${res.status} for ${url}; is the strategy registered?`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('snake-api answered')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`snake-api for ${url} did not answer within ${START_TIMEOUT_MS} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A port nobody listens on right now (the OS picks it; a tiny race remains until it is bound). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
