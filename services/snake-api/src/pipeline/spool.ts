// The disk spool: where turns wait while the broker is away, blocked, or slower than the
// requests. It knows nothing of AMQP (the in-process queue of the all-in-one process can use it
// too); it stores opaque records in order and gives them back in order.
//
// Layout: SPOOL_DIR holds segment files `turns-<16-digit sequence>.spool`, written append-only.
// Each record is [u32 payload length][u32 CRC-32 of payload][payload]; the payload is
// [u16 meta length][meta JSON: id, headers][message bytes]. Only the newest segment is written;
// it is sealed (closed for writing) when it passes `segmentMaxBytes` or when replay reaches it.
// A sealed segment is deleted once every record in it has been confirmed.
//
// Durability: appends are written by one background writer in batches, each followed by
// fdatasync before the next batch starts (group commit). A killed process therefore loses the
// turns accepted during the last write (a few milliseconds' worth, still in memory; while the
// disk fails writes, every record queued since the fault); a machine crash can also lose the
// batch whose fdatasync had not returned. A torn record at the tail of a segment fails its
// length or checksum and ends that segment: the records before it replay.
// Replay reads a segment only after every record queued for it is written and synced, and
// deletes it only once each of those records is confirmed. A failed write (full disk, EIO) keeps
// its records queued and retries them with backoff; meanwhile `append` refuses new records. A
// segment that cannot be read (EMFILE, EIO) is kept and read again on the next replay. Only a
// shutdown while the disk still fails gives up the records queued then.
//
// Known shortcomings: which records of a segment were confirmed is kept in memory only, so
// after a restart a segment replays from its start and records confirmed before the restart go
// out again. The persister stores by message id with ON CONFLICT DO NOTHING, so such
// duplicates never become rows; a per-segment confirmed-offset file would avoid resending them.
// Segments are never compacted; they are deleted whole once fully confirmed. One process per
// SPOOL_DIR: nothing locks the folder, so two replicas sharing one would replay each other's
// segments (each pod gets its own volume in the chart); a lock file like DATA_DIR's would catch it.
import { mkdir, open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';

/** One turn as the spool keeps it. */
export interface SpoolRecord {
  /** The message id (used for logs and for de-duplication downstream). */
  id: string;
  /** Message headers to publish with it (the trace context of the original request). */
  headers: Record<string, string>;
  /** The encoded message. */
  bytes: Buffer;
}

/** A record handed out for replay; pass it back to `confirm` once the broker has it. */
export interface SpooledRecord extends SpoolRecord {
  readonly segment: number;
  readonly offset: number;
}

export interface SpoolOptions {
  /** SPOOL_DIR: created if missing; default ./spool. */
  dir: string;
  /** SPOOL_MAX_BYTES: total size of all segments, in bytes; default 1 GiB. */
  maxBytes: number;
  /** Size at which the newest segment is sealed and a new one started, in bytes; default 8 MiB. */
  segmentMaxBytes?: number;
}

interface Segment {
  seq: number;
  file: string;
  /** Bytes in the file, plus bytes queued for it. */
  bytes: number;
  /** Records in the file, plus records queued for it. */
  records: number;
  /** Offsets of records confirmed so far. */
  confirmed: Set<number>;
  sealed: boolean;
  /** Bytes written and synced: where a retried write starts, cutting off a partial one. */
  syncedBytes: number;
  /** Records queued for this segment and not yet written and synced. */
  pending: number;
  /** Called once `pending` drops to zero. */
  onWritten: (() => void)[];
}

const HEADER_BYTES = 8;
/** Pause before the first retry of a failed disk write, doubling up to the maximum, in ms. */
const WRITE_RETRY_FIRST_MS = 100;
const WRITE_RETRY_MAX_MS = 5000;
const FILE_PATTERN = /^turns-(\d{16})\.spool$/;

/** Builds a record's bytes on disk. */
export function frameRecord(record: SpoolRecord): Buffer {
  const meta = Buffer.from(JSON.stringify({ id: record.id, headers: record.headers }));
  const payload = Buffer.allocUnsafe(2 + meta.length + record.bytes.length);
  payload.writeUInt16BE(meta.length, 0);
  meta.copy(payload, 2);
  record.bytes.copy(payload, 2 + meta.length);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(payload.length, 0);
  header.writeUInt32BE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/**
 * Parses a segment's bytes into records, stopping at the first torn or corrupt record.
 * Returns the records with their offsets and whether the segment ended cleanly.
 */
export function parseSegment(data: Buffer): { records: SpooledRecordAt[]; torn: boolean } {
  const records: SpooledRecordAt[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= data.length) {
    const length = data.readUInt32BE(offset);
    const end = offset + HEADER_BYTES + length;
    if (end > data.length) break;
    const payload = data.subarray(offset + HEADER_BYTES, end);
    if (crc32(payload) !== data.readUInt32BE(offset + 4)) break;
    const metaLength = payload.readUInt16BE(0);
    const meta = JSON.parse(payload.subarray(2, 2 + metaLength).toString()) as Omit<
      SpoolRecord,
      'bytes'
    >;
    records.push({ ...meta, bytes: payload.subarray(2 + metaLength), offset });
    offset = end;
  }
  return { records, torn: offset !== data.length };
}

type SpooledRecordAt = SpoolRecord & { offset: number };

/** What the spool reports about itself, for metrics and logs. */
export interface SpoolEvents {
  /** A segment ended in a torn or corrupt record (a crash mid-write); the rest of it is lost. */
  onTornSegment?: (file: string) => void;
}

/**
 * An append-only, size-bounded, ordered store of turns on local disk. `append` never blocks and
 * never throws: it returns false when the spool is full or closed, and the caller counts it.
 */
export class Spool {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #segmentMaxBytes: number;
  readonly #events: SpoolEvents;
  readonly #segments: Segment[] = [];
  #nextSeq = 0;
  /** Framed records waiting for the writer, and which segment they belong to. */
  #queue: { segment: Segment; frame: Buffer }[] = [];
  #writing: Promise<void> | undefined;
  #handle: { segment: Segment; file: FileHandle } | undefined;
  /** Replay position: the records of the segment being handed out, and the next index. */
  #reading: SpoolReadState | undefined;
  /** Segments up to this sequence number have been handed out whole since the last rewind. */
  #readPastSeq = -1;
  #writeError: unknown;
  #closed = false;

  private constructor(options: SpoolOptions, events: SpoolEvents) {
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
    this.#segmentMaxBytes = options.segmentMaxBytes ?? 8 * 1024 * 1024;
    this.#events = events;
  }

  /** Opens (creating if needed) the spool in `options.dir`, picking up segments left on disk. */
  static async open(options: SpoolOptions, events: SpoolEvents = {}): Promise<Spool> {
    const spool = new Spool(options, events);
    await mkdir(options.dir, { recursive: true });
    await spool.#loadExisting();
    return spool;
  }

  /** Turns in the spool not yet confirmed (on disk or waiting to be written). */
  get depth(): number {
    return this.#segments.reduce((sum, s) => sum + s.records - s.confirmed.size, 0);
  }

  /** Bytes the spool takes on disk, counting records waiting to be written. */
  get bytes(): number {
    return this.#segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /** True when every record ever appended has been confirmed. */
  isEmpty(): boolean {
    return this.depth === 0;
  }

  /** The disk error that makes `append` refuse records, until a write succeeds again. */
  get writeError(): unknown {
    return this.#writeError;
  }

  /**
   * Queues a record for writing; returns at once. False (record not kept) when adding it would
   * pass `maxBytes`, when the spool is closed, or while the disk is failing writes (`writeError`).
   */
  append(record: SpoolRecord): boolean {
    const frame = frameRecord(record);
    if (this.#closed || this.#writeError || this.bytes + frame.length > this.#maxBytes) {
      return false;
    }
    const segment = this.#activeSegment();
    segment.bytes += frame.length;
    segment.records += 1;
    segment.pending += 1;
    this.#queue.push({ segment, frame });
    this.#writing ??= this.#writeLoop();
    return true;
  }

  /**
   * Up to `max` records not handed out since the last `rewind`, oldest first. Seals the newest
   * segment when replay reaches it, so a segment being read is never written again.
   */
  async take(max: number): Promise<SpooledRecord[]> {
    const taken: SpooledRecord[] = [];
    while (taken.length < max) {
      const reading = await this.#readingSegment();
      if (!reading) break;
      const record = reading.records[reading.next++];
      if (!record) {
        this.#readPastSeq = reading.segment.seq;
        this.#reading = undefined;
        continue;
      }
      if (reading.segment.confirmed.has(record.offset)) continue;
      taken.push({ ...record, segment: reading.segment.seq });
    }
    return taken;
  }

  /** The broker has `record`: forget it, deleting its segment once all of it is confirmed. */
  async confirm(record: SpooledRecord): Promise<void> {
    const segment = this.#segments.find((s) => s.seq === record.segment);
    if (!segment) return;
    segment.confirmed.add(record.offset);
    await this.#deleteIfDone(segment);
  }

  /** Hands out again, from the oldest segment, every record not yet confirmed. */
  rewind(): void {
    this.#reading = undefined;
    this.#readPastSeq = -1;
  }

  /** Waits until every queued record is written and synced to disk. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  /** Flushes and closes the spool; later appends return false. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    await this.#closeHandle();
  }

  async #loadExisting(): Promise<void> {
    const names = (await readdir(this.#dir)).filter((n) => FILE_PATTERN.test(n)).sort();
    for (const name of names) {
      const file = path.join(this.#dir, name);
      const seq = Number(FILE_PATTERN.exec(name)?.[1]);
      // Counting records needs a full read; at SPOOL_MAX_BYTES (1 GiB) that is a few seconds
      // at start, paid only after an outage.
      const { records } = parseSegment(await readFile(file));
      const { size } = await stat(file);
      this.#segments.push({
        seq,
        file,
        bytes: size,
        records: records.length,
        confirmed: new Set(),
        sealed: true,
        syncedBytes: size,
        pending: 0,
        onWritten: [],
      });
      this.#nextSeq = seq + 1;
    }
    for (const segment of [...this.#segments]) await this.#deleteIfDone(segment);
  }

  #activeSegment(): Segment {
    const last = this.#segments.at(-1);
    if (last && !last.sealed && last.bytes < this.#segmentMaxBytes) return last;
    if (last) last.sealed = true;
    const seq = this.#nextSeq++;
    const name = `turns-${String(seq).padStart(16, '0')}.spool`;
    const segment = {
      seq,
      file: path.join(this.#dir, name),
      bytes: 0,
      records: 0,
      confirmed: new Set<number>(),
      sealed: false,
      syncedBytes: 0,
      pending: 0,
      onWritten: [],
    };
    this.#segments.push(segment);
    return segment;
  }

  async #writeLoop(): Promise<void> {
    let retryDelayMs = WRITE_RETRY_FIRST_MS;
    try {
      while (this.#queue.length > 0) {
        const segment = this.#queue[0]!.segment;
        const batch = takeWhile(this.#queue, (item) => item.segment === segment);
        try {
          await this.#writeBatch(segment, batch);
          this.#writeError = undefined;
          retryDelayMs = WRITE_RETRY_FIRST_MS;
        } catch (err) {
          // A full or failing disk: the batch goes back to the head of the queue and is retried
          // (`append` accepted it). New appends are refused until a write succeeds again.
          this.#queue.unshift(...batch);
          this.#writeError ??= err;
          await this.#closeHandle().catch(() => undefined);
          if (this.#closed) return this.#abandonQueue();
          await sleep(retryDelayMs);
          retryDelayMs = Math.min(retryDelayMs * 2, WRITE_RETRY_MAX_MS);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  async #writeBatch(segment: Segment, batch: { frame: Buffer }[]): Promise<void> {
    const bytes = Buffer.concat(batch.map((item) => item.frame));
    const file = await this.#handleFor(segment);
    await file.write(bytes);
    await file.datasync();
    segment.syncedBytes += bytes.length;
    this.#written(segment, batch.length);
  }

  /**
   * Shutting down while the disk still fails: the queued records are lost. Their segments keep
   * counting them until replay reads the segment and finds only what reached the disk.
   */
  #abandonQueue(): void {
    this.#queue = [];
    for (const segment of this.#segments) this.#written(segment, segment.pending);
  }

  async #handleFor(segment: Segment): Promise<FileHandle> {
    if (this.#handle?.segment === segment) return this.#handle.file;
    await this.#closeHandle();
    const file = await open(segment.file, 'a');
    try {
      // After a failed write, cut off whatever part of it reached the file before retrying.
      if ((await file.stat()).size > segment.syncedBytes) await file.truncate(segment.syncedBytes);
      // The new file's directory entry must survive a machine crash too.
      const dir = await open(this.#dir, 'r');
      await dir.sync().finally(() => dir.close());
    } catch (err) {
      await file.close();
      throw err;
    }
    this.#handle = { segment, file };
    return file;
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.file.close();
  }

  async #readingSegment(): Promise<SpoolReadState | undefined> {
    if (this.#reading) return this.#reading;
    const segment = this.#segments.find(
      (s) => s.seq > this.#readPastSeq && s.records > s.confirmed.size,
    );
    if (!segment) return undefined;
    // Sealed first, so no record joins it; then read only once the records queued for it are on
    // disk, so none is deleted unread. Waiting for this segment alone, not for the writer to go
    // idle: under steady load new turns keep the writer busy with the next segment.
    segment.sealed = true;
    await this.#writtenOut(segment);
    await this.#closeHandleOf(segment);
    const { records, torn } = parseSegment(await readSegmentFile(segment.file));
    if (torn) this.#events.onTornSegment?.(segment.file);
    // Every record appended to it has been written by now, so the file can hold fewer only when
    // it was damaged (a torn tail) or a write failed: what is on disk is what can replay.
    segment.records = records.length;
    if (records.length === 0) {
      await this.#deleteIfDone(segment);
      return this.#readingSegment();
    }
    this.#reading = { segment, records, next: 0 };
    return this.#reading;
  }

  /** Resolves once every record queued for `segment` is written and synced. */
  #writtenOut(segment: Segment): Promise<void> {
    if (segment.pending === 0) return Promise.resolve();
    return new Promise((resolve) => segment.onWritten.push(resolve));
  }

  #written(segment: Segment, records: number): void {
    segment.pending -= records;
    if (segment.pending > 0) return;
    for (const resolve of segment.onWritten.splice(0)) resolve();
  }

  async #closeHandleOf(segment: Segment): Promise<void> {
    if (this.#handle?.segment === segment) await this.#closeHandle();
  }

  async #deleteIfDone(segment: Segment): Promise<void> {
    if (!segment.sealed || segment.confirmed.size < segment.records) return;
    const index = this.#segments.indexOf(segment);
    if (index === -1) return;
    this.#segments.splice(index, 1);
    if (this.#reading?.segment === segment) this.#reading = undefined;
    await unlink(segment.file).catch(() => undefined);
  }
}

/**
 * A segment's bytes; a missing file holds no records. Any other failure (EMFILE, EIO) throws, so
 * the segment is kept and read again on the next replay instead of passing for empty.
 */
async function readSegmentFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw new Error(
      `spool: cannot read segment ${file} (${String(err)}); it is kept and read again on the next replay`,
      { cause: err },
    );
  }
}

type SpoolReadState = { segment: Segment; records: SpooledRecordAt[]; next: number };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function takeWhile<T>(items: T[], keep: (item: T) => boolean): T[] {
  let count = 0;
  while (count < items.length && keep(items[count]!)) count += 1;
  return items.splice(0, count);
}
