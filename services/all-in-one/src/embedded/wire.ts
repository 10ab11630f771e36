// The PostgreSQL wire protocol in front of one PGlite instance, on a private 127.0.0.1 port, so
// turn-persister reaches the embedded database through the same `pg` code (and the same SQL) it
// uses against a real PostgreSQL. It runs with PGlite on the embedded database's worker thread
// (worker.ts): PGlite blocks the thread that calls it, so that must not be the main thread.
//
// Why not @electric-sql/pglite-socket's server (0.2.17)? Measured here, two things failed:
// - COPY ... FROM STDIN: it hands PGlite one protocol message at a time, but PGlite runs COPY IN
//   only when the CopyData is already in its input, so the session dies with "protocol
//   synchronization was lost". Here the COPY statement, its data and CopyDone go in as one call.
// - Several connections with overlapping transactions blocked the process: it interleaves
//   connections between messages, and so between Parse and Sync of an extended query too.
//
// What must stay true: PGlite is one backend, one session. A connection owns it from its first
// message until PGlite answers ReadyForQuery with status idle ('I'), so another connection never
// lands inside its transaction or between its Parse and Sync. Session state (SET, temporary
// tables, named prepared statements) is still shared by all connections; turn-persister uses
// none that outlive a transaction.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from '@snakepit/common';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const COPY_FROM_STDIN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i;

/** The listening wire server. */
export interface WireServer {
  /** The port bound on 127.0.0.1. */
  port: number;
  /** Stops accepting, ends every connection (rolling back what they left open). */
  close(): Promise<void>;
}

/** Serves `db` on 127.0.0.1 at `port` (0, the default, picks a free port). */
export async function serveWire(db: PGlite, logger: Logger, port = 0): Promise<WireServer> {
  const backend = new Backend(db, logger);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new Connection(socket, backend);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.end();
      await closed;
      await backend.idle();
    },
  };
}

/** Hands the one PGlite session to one connection at a time, in arrival order. */
class Backend {
  readonly db: PGlite;
  readonly logger: Logger;
  #owner: Connection | undefined;
  #waiting: Connection[] = [];
  #running: Promise<void> = Promise.resolve();
  #serving = false;

  constructor(db: PGlite, logger: Logger) {
    this.db = db;
    this.logger = logger;
  }

  /** Called whenever `conn` has a complete request; runs it now or after the current owner. */
  schedule(conn: Connection): void {
    this.#owner ??= conn;
    if (this.#owner === conn) {
      if (!this.#serving) this.#running = this.#serve(conn);
    } else if (!this.#waiting.includes(conn)) {
      this.#waiting.push(conn);
    }
  }

  /** Resolves when no request is running. */
  async idle(): Promise<void> {
    for (let current = this.#running; ; current = this.#running) {
      await current;
      if (current === this.#running) return;
    }
  }

  /** Releases the session after `conn` closed, undoing what it left half done. */
  forget(conn: Connection): void {
    this.#waiting = this.#waiting.filter((c) => c !== conn);
    if (this.#owner === conn && !this.#serving) this.#running = this.#resetAfter(conn);
  }

  async #serve(conn: Connection): Promise<void> {
    this.#serving = true;
    let status: string | undefined;
    try {
      for (let request = conn.take(); request; request = conn.take()) {
        status = await conn.run(request);
        if (status === 'I' || conn.closed) break;
      }
    } finally {
      this.#serving = false;
    }
    if (conn.closed) return this.#resetAfter(conn);
    // Without an idle ReadyForQuery the connection keeps the session (mid transaction or
    // between Parse and Sync) and its next request continues here.
    if (status === 'I') this.#handOver(conn.hasRequest ? conn : undefined);
  }

  async #resetAfter(conn: Connection): Promise<void> {
    // A client that vanished mid transaction or mid extended query must not leave PGlite there.
    try {
      await this.exec(message('S', Buffer.alloc(0)));
      if (this.db.isInTransaction()) await this.exec(message('Q', cstring('ROLLBACK')));
    } catch (err) {
      this.logger.warn({ err }, 'embedded database: could not reset after a client left');
    }
    if (this.#owner === conn) this.#handOver(undefined);
  }

  #handOver(requeue: Connection | undefined): void {
    this.#owner = undefined;
    if (requeue) this.#waiting.push(requeue);
    const next = this.#waiting.shift();
    if (next) this.schedule(next);
  }

  /** Runs raw protocol bytes on PGlite and returns its raw answer. */
  async exec(bytes: Buffer): Promise<Buffer> {
    const answer = await this.db.runExclusive(() => this.db.execProtocolRaw(bytes));
    return Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
  }
}

/** One client connection: splits its bytes into requests and writes PGlite's answers back. */
class Connection {
  readonly #socket: net.Socket;
  readonly #backend: Backend;
  #buffer: Buffer = Buffer.alloc(0);
  #started = false;
  /** Complete requests, each one or more protocol messages to run as one call. */
  #requests: Buffer[] = [];
  /** A COPY FROM STDIN being collected: its statement and data so far. */
  #copy: Buffer[] | undefined;
  closed = false;

  constructor(socket: net.Socket, backend: Backend) {
    this.#socket = socket;
    this.#backend = backend;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.closed = true;
      this.#backend.forget(this);
    });
  }

  get hasRequest(): boolean {
    return this.#requests.length > 0;
  }

  /** The next complete request, if any. */
  take(): Buffer | undefined {
    return this.#requests.shift();
  }

  /** Runs one request and forwards the answer; returns the ReadyForQuery status it ended with. */
  async run(request: Buffer): Promise<string | undefined> {
    try {
      let answer = await this.#backend.exec(request);
      // The client was already told CopyInResponse (see #startCopy): drop PGlite's own.
      if (isCopyRequest(request)) answer = withoutMessage(answer, 'G');
      if (!this.closed) this.#socket.write(answer);
      return readyStatus(answer);
    } catch (err) {
      this.#backend.logger.error({ err }, 'embedded database failed a request; closing its client');
      this.#socket.destroy();
      return undefined;
    }
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    if (!this.#started && !this.#readStartup()) return;
    const batch: Buffer[] = [];
    for (let msg = this.#next(); msg; msg = this.#next()) {
      const type = String.fromCharCode(msg[0] ?? 0);
      if (type === 'X') {
        this.#socket.end();
        return;
      }
      if (this.#copy) {
        this.#copy.push(msg);
        if (type === 'c' || type === 'f') this.#endCopy(batch);
      } else if (type === 'Q' && COPY_FROM_STDIN.test(queryText(msg))) {
        this.#flush(batch);
        this.#startCopy(msg);
      } else {
        batch.push(msg);
      }
    }
    this.#flush(batch);
  }

  /** Handles the untyped first messages; false while the startup message is incomplete. */
  #readStartup(): boolean {
    while (!this.#started) {
      if (this.#buffer.length < 8) return false;
      const length = this.#buffer.readInt32BE(0);
      if (this.#buffer.length < length) return false;
      const code = this.#buffer.readInt32BE(4);
      const msg = this.#buffer.subarray(0, length);
      this.#buffer = this.#buffer.subarray(length);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) this.#socket.write('N');
      else if (code === CANCEL_REQUEST) this.#socket.end();
      else {
        // PGlite answers the startup message itself (AuthenticationOk ... ReadyForQuery).
        this.#started = true;
        this.#enqueue(Buffer.from(msg));
      }
    }
    return true;
  }

  #next(): Buffer | undefined {
    if (this.#buffer.length < 5) return undefined;
    const length = 1 + this.#buffer.readInt32BE(1);
    if (this.#buffer.length < length) return undefined;
    const msg = Buffer.from(this.#buffer.subarray(0, length));
    this.#buffer = this.#buffer.subarray(length);
    return msg;
  }

  #startCopy(statement: Buffer): void {
    this.#copy = [statement];
    // pg-copy-streams sends its data only after CopyInResponse; PGlite needs the data up front.
    // Text format, no per-column formats: the client only waits for the message, not its body.
    this.#socket.write(message('G', Buffer.from([0, 0, 0])));
  }

  #endCopy(batch: Buffer[]): void {
    const copy = Buffer.concat(this.#copy ?? []);
    this.#copy = undefined;
    this.#flush(batch);
    this.#enqueue(copy);
  }

  #flush(batch: Buffer[]): void {
    if (batch.length > 0) this.#enqueue(Buffer.concat(batch.splice(0)));
  }

  #enqueue(request: Buffer): void {
    this.#requests.push(request);
    this.#backend.schedule(this);
  }
}

/** A protocol message: type byte, length, body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstring(text: string): Buffer {
  return Buffer.from(`${text}\0`);
}

function queryText(msg: Buffer): string {
  return msg.subarray(5, msg.length - 1).toString();
}

function isCopyRequest(request: Buffer): boolean {
  return request[0] === 0x51 && COPY_FROM_STDIN.test(queryText(firstMessage(request)));
}

function firstMessage(bytes: Buffer): Buffer {
  return bytes.subarray(0, 1 + bytes.readInt32BE(1));
}

/** Each message of `bytes` as [type, start, end). */
function* messages(bytes: Buffer): Generator<[string, number, number]> {
  for (let at = 0; at + 5 <= bytes.length;) {
    const end = at + 1 + bytes.readInt32BE(at + 1);
    yield [String.fromCharCode(bytes[at] ?? 0), at, end];
    at = end;
  }
}

function withoutMessage(bytes: Buffer, type: string): Buffer {
  const kept: Buffer[] = [];
  for (const [t, start, end] of messages(bytes))
    if (t !== type) kept.push(bytes.subarray(start, end));
  return Buffer.concat(kept);
}

/** The transaction status of the last ReadyForQuery in `bytes` ('I', 'T', 'E'), if any. */
function readyStatus(bytes: Buffer): string | undefined {
  let status: string | undefined;
  for (const [t, start] of messages(bytes)) {
    if (t === 'Z') status = String.fromCharCode(bytes[start + 5] ?? 0);
  }
  return status;
}
