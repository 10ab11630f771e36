// A TCP proxy for fault tests: put it between a service and its broker or database, then cut,
// refuse or stall the connections on demand, which the real servers cannot do when asked.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A running proxy on 127.0.0.1 forwarding to one upstream address. */
export interface TcpProxy {
  /** The local port to connect to instead of the upstream's. */
  port: number;
  /**
   * Destroys every live connection at once, on both sides (the client sees its socket close,
   * as when a broker or a node dies). New connections are still accepted unless `refuse(true)`.
   */
  cut(): void;
  /**
   * While on, every new connection is closed as soon as it is accepted, before any byte is
   * forwarded (the client sees a reset or an immediate close, as when the server is down).
   * Live connections are left alone: call `cut()` too for "the server went away".
   */
  refuse(on: boolean): void;
  /**
   * While on, no byte moves in either direction on any connection, live or new; sockets stay
   * open (a partition or a frozen server: only timeouts and heartbeats notice). Held bytes are
   * delivered in order when turned off.
   */
  stall(on: boolean): void;
  /** How many connections are open right now. */
  connectionCount(): number;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** Bytes received while stalled, per direction, to forward once the stall ends. */
  held: { toUpstream: Buffer[]; toClient: Buffer[] };
}

/** Starts a proxy on a free port of 127.0.0.1 that forwards to `host:port`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let refusing = false;
  let stalled = false;

  const forward = (pair: Pair, from: net.Socket, to: net.Socket, held: Buffer[]) => {
    from.on('data', (chunk: Buffer) => (stalled ? held.push(chunk) : to.write(chunk)));
  };
  const destroy = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream.destroy();
    pairs.delete(pair);
  };

  const server = net.createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: Pair = { client, upstream, held: { toUpstream: [], toClient: [] } };
    pairs.add(pair);
    forward(pair, client, upstream, pair.held.toUpstream);
    forward(pair, upstream, client, pair.held.toClient);
    for (const socket of [client, upstream]) {
      socket.on('error', () => destroy(pair));
      socket.on('close', () => destroy(pair));
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => [...pairs].forEach(destroy),
    refuse: (on) => {
      refusing = on;
    },
    stall: (on) => {
      stalled = on;
      if (!on) for (const pair of pairs) flush(pair);
    },
    connectionCount: () => pairs.size,
    close: async () => {
      [...pairs].forEach(destroy);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function flush(pair: Pair): void {
  for (const chunk of pair.held.toUpstream.splice(0)) pair.upstream.write(chunk);
  for (const chunk of pair.held.toClient.splice(0)) pair.client.write(chunk);
}
