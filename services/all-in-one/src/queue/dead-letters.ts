// Dead letters of the in-process queue: turn messages that will never store (unreadable, or
// refused by the database) are appended to one file in DATA_DIR, one JSON line each, so a person
// can read them, fix the cause and replay them. With RabbitMQ they go to the dead-letter queue.
import { open } from 'node:fs/promises';
import path from 'node:path';

/** File name of the dead letters inside DATA_DIR. */
export const DEAD_LETTERS_FILE = 'dead-letters.ndjson';

/** One line of the dead-letter file. */
export interface DeadLetterLine {
  /** When it was dead-lettered, ISO 8601 UTC. */
  at: string;
  /** Why, as the batcher says it (`invalid_message: ...`, `rejected_by_database: ...`). */
  reason: string;
  /** The message bytes, base64 (they may not even be text). */
  body: string;
}

/**
 * Returns a dead-letter function writing to `<dataDir>/dead-letters.ndjson`. Each call appends
 * and fsyncs before resolving, so the caller may ack the message. Calls are serialised so that
 * lines never interleave.
 */
export function fileDeadLetters(dataDir: string): (body: Buffer, reason: string) => Promise<void> {
  const file = path.join(dataDir, DEAD_LETTERS_FILE);
  let last: Promise<void> = Promise.resolve();
  return (body, reason) => {
    const line: DeadLetterLine = {
      at: new Date().toISOString(),
      reason,
      body: body.toString('base64'),
    };
    const write = last.then(() => appendSynced(file, `${JSON.stringify(line)}\n`));
    last = write.catch(() => undefined);
    return write;
  };
}

async function appendSynced(file: string, text: string): Promise<void> {
  const handle = await open(file, 'a');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
