// `npm run replay-dead-letters -w services/all-in-one`: gives the turns in
// DATA_DIR/dead-letters.ndjson another chance, once their cause is fixed (a migration that makes
// the database take them, a bug fixed in the persister). Run it while the all-in-one process is
// stopped, with the DATA_DIR (and SPOOL_DIR, if set) that `npm start` uses.
//
// It moves them into the disk spool rather than into the database: the next `npm start` replays
// the spool through the same publisher, queue and persister as any turn, so a turn that is still
// refused is dead-lettered again with its new reason, and one already stored is skipped. The
// file is renamed to dead-letters.replayed-<time>.ndjson, never deleted.
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readString } from '@snakepit/common';
import { Spool } from '@snakepit/snake-api/pipeline/spool';
import { lockDataDir } from './embedded/data-dir.ts';
import { DEAD_LETTERS_FILE, type DeadLetterLine } from './queue/dead-letters.ts';

/** What a replay did. */
export interface ReplayReport {
  /** Turns moved into the spool. */
  replayed: number;
  /** Where the dead-letter file went (undefined when there was none). */
  renamedTo: string | undefined;
}

/** Why a replay stopped; nothing was moved or renamed. */
export class ReplayError extends Error {}

/** Moves every dead letter of `dataDir` into the spool in `spoolDir`; see the file comment. */
export async function replayDeadLetters(
  dataDir: string,
  spoolDir = path.join(dataDir, 'spool'),
): Promise<ReplayReport> {
  const file = path.join(dataDir, DEAD_LETTERS_FILE);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return { replayed: 0, renamedTo: undefined };
  const bodies = parseLines(text, file);

  // The lock is the all-in-one process's own: a running process would not see the new spool
  // records until its next start, and could dead-letter into the file being renamed.
  const release = await lockDataDir(dataDir).catch((err: unknown) => {
    throw new ReplayError(err instanceof Error ? err.message : String(err));
  });
  try {
    const spool = await Spool.open({ dir: spoolDir, maxBytes: Number.MAX_SAFE_INTEGER });
    const refused = bodies.filter(
      (bytes, i) => !spool.append({ id: `dead-letter-${i + 1}`, headers: {}, bytes }),
    );
    await spool.close();
    if (refused.length > 0) {
      // Those that went in will be stored at the next start; keeping the file as it is means
      // they may be replayed once more later, which the store's de-duplication absorbs.
      throw new ReplayError(
        `the spool in ${spoolDir} refused ${refused.length} of ${bodies.length} turns (disk full or not writable); ${DEAD_LETTERS_FILE} is left as it was`,
      );
    }
    const renamedTo = path.join(
      dataDir,
      `dead-letters.replayed-${new Date().toISOString().replaceAll(':', '-')}.ndjson`,
    );
    await rename(file, renamedTo);
    return { replayed: bodies.length, renamedTo };
  } finally {
    await release();
  }
}

function parseLines(text: string, file: string): Buffer[] {
  const lines = text.split('\n');
  // A crash mid-append can leave a last line without its newline; it is not a whole record.
  if (lines.at(-1) !== '') lines.pop();
  return lines
    .filter((line) => line !== '')
    .map((line, i) => {
      try {
        const parsed = JSON.parse(line) as Partial<DeadLetterLine>;
        if (typeof parsed.body !== 'string') throw new Error('no body');
        return Buffer.from(parsed.body, 'base64');
      } catch (err) {
        throw new ReplayError(
          `${file} line ${i + 1} is not a dead letter (${(err as Error).message}); nothing was moved`,
        );
      }
    });
}

async function main(): Promise<void> {
  const dataDir = path.resolve(readString(process.env, 'DATA_DIR', './data'));
  const spoolDir = path.resolve(readString(process.env, 'SPOOL_DIR', path.join(dataDir, 'spool')));
  try {
    const { replayed, renamedTo } = await replayDeadLetters(dataDir, spoolDir);
    console.log(
      renamedTo
        ? `moved ${replayed} dead letters into ${spoolDir}; they are stored at the next npm start (the old file is ${renamedTo})`
        : `no ${DEAD_LETTERS_FILE} in ${dataDir}: nothing to replay`,
    );
  } catch (err) {
    if (!(err instanceof ReplayError)) throw err;
    console.error(`replay-dead-letters: ${err.message}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
