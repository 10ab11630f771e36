// Test environment for the turn pipeline: a RabbitMQ vhost of its own per test file (so tests
// never see each other's queues), created and removed with rabbitmqctl. Each rabbitmqctl call
// takes one to three seconds, which is why files share one vhost across their tests and give
// each test its own queue and exchange names instead.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway vhost on the local broker (guest/guest, 127.0.0.1:5672). */
export interface TestVhost {
  name: string;
  /** amqp://guest:guest@host:port/<vhost>; `port` defaults to 5672 (pass a proxy's port). */
  url(port?: number): string;
  /** Deletes the vhost and everything in it. */
  remove(): Promise<void>;
}

/** Creates a vhost named `<prefix>-<random>` with full permissions for guest. */
export async function createVhost(prefix: string): Promise<TestVhost> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await run('rabbitmqctl', ['-q', 'add_vhost', name]);
  await run('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  return {
    name,
    url: (port = 5672) => `amqp://guest:guest@127.0.0.1:${port}/${encodeURIComponent(name)}`,
    remove: async () => {
      await run('rabbitmqctl', ['-q', 'delete_vhost', name]);
    },
  };
}

/** A short random suffix for per-test queue and exchange names. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomBytes(4).toString('hex')}`;
}
