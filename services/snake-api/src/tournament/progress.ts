// Progress on stderr, so stdout carries only the result table. On a terminal one line is
// redrawn in place; otherwise (CI logs, files) a plain line is printed every tenth of the games.

/** Reports finished games; call `done` once at the end. */
export interface Progress {
  tick(summary: string): void;
  done(): void;
}

const BAR_WIDTH = 30;

/** A progress bar for `total` games on `stream` (default process.stderr). */
export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  const every = Math.max(1, Math.round(total / 10));
  let finished = 0;
  return {
    tick(summary: string): void {
      finished++;
      const line = `${bar(finished, total)} ${finished}/${total} games, ${eta(started, finished, total)}  ${summary}`;
      if (stream.isTTY) stream.write(`\r${line.slice(0, (stream.columns || 100) - 1)}\x1b[K`);
      else if (finished % every === 0 || finished === total) stream.write(`${line}\n`);
    },
    done(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

function bar(finished: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((BAR_WIDTH * finished) / total);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

function eta(started: number, finished: number, total: number): string {
  const perGameMs = (performance.now() - started) / finished;
  const leftS = Math.round((perGameMs * (total - finished)) / 1000);
  return leftS >= 60 ? `${Math.floor(leftS / 60)}m${leftS % 60}s left` : `${leftS}s left`;
}
