// Sharing the event loop. snake-api answers every game and every snake from one process, so a
// search that held the thread for its whole ~350 ms budget would make every other request wait
// past its own deadline. Instead a search runs as a generator that gives the thread back every
// few milliseconds (via setImmediate, so pending I/O and other searches go first). Concurrent
// searches then interleave, each stops at its own deadline with the best move it has, and a
// health probe waits at most one slice. We chose this over a worker pool: it needs no pool
// sizing or message copying, and on the 2 cores we deploy to, workers would still compete for
// the same CPU. Its cost is that N concurrent searches each see about 1/N of the CPU and so
// search shallower; bench `search` measures this.

/** The end of the current slice, which the search checks as it goes. */
export interface SliceClock {
  /** When to give the thread back, on the `performance.now()` clock, in ms. */
  sliceEndAt: number;
}

/**
 * Steps `work` in slices of `sliceMs` until it finishes (true) or the stop time passes (false, and
 * the generator is closed). `work` must yield once `performance.now()` reaches `clock.sliceEndAt`.
 *
 * The stop time is `stopAt` minus the longest delay seen so far between a slice's planned end and
 * getting the thread back. On a quiet machine that delay is about one slice per concurrent search;
 * on an overloaded one the process itself waits for a core, sometimes 100 ms or more, and the
 * answer must leave early enough to survive one more such wait.
 */
export async function runInSlices(
  work: Generator<void, void, void>,
  clock: SliceClock,
  stopAt: number,
  sliceMs: number,
): Promise<boolean> {
  let worstDelayMs = 0;
  for (;;) {
    clock.sliceEndAt = Math.min(performance.now() + sliceMs, stopAt - worstDelayMs);
    if (work.next().done === true) return true;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const now = performance.now();
    worstDelayMs = Math.max(worstDelayMs, now - clock.sliceEndAt);
    if (now >= stopAt - worstDelayMs) {
      work.return();
      return false;
    }
  }
}
