import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { startTcpProxy } from './tcp-proxy.ts';

let echo: net.Server;
let echoPort: number;
const echoSockets = new Set<net.Socket>();

before(async () => {
  echo = net.createServer((socket) => {
    echoSockets.add(socket);
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
});

after(async () => {
  echoSockets.forEach((socket) => socket.destroy());
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

async function roundTrip(socket: net.Socket, text: string): Promise<string> {
  socket.write(text);
  const [data] = (await once(socket, 'data')) as [Buffer];
  return data.toString();
}

test('forwards bytes both ways, holds them while stalled and delivers them after', async () => {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: echoPort });
  const socket = await connect(proxy.port);
  assert.equal(await roundTrip(socket, 'ping'), 'ping');

  proxy.stall(true);
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.write('held');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(received, '', 'nothing crosses a stalled proxy');
  proxy.stall(false);
  await once(socket, 'data');
  assert.equal(received, 'held');

  socket.destroy();
  await proxy.close();
});

test('cut closes live connections; refuse closes new ones until turned off', async () => {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: echoPort });
  const live = await connect(proxy.port);
  const closed = once(live, 'close');
  live.on('error', () => undefined);
  proxy.cut();
  await closed;
  assert.equal(proxy.connectionCount(), 0);

  proxy.refuse(true);
  const refused = net.connect(proxy.port, '127.0.0.1');
  refused.on('error', () => undefined);
  await new Promise((resolve) => refused.on('close', resolve));
  assert.equal(proxy.connectionCount(), 0);

  proxy.refuse(false);
  const again = await connect(proxy.port);
  assert.equal(await roundTrip(again, 'back'), 'back');
  again.destroy();
  await proxy.close();
});
