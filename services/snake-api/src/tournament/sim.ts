// Playing many games in-process. With --parallel 1 games run one after another on this thread;
// above that, each game runs on one of `parallel` worker threads (a search is CPU-bound, so only
// threads let two games use both cores). Results come back in finishing order via `onResult`.
import { Worker } from 'node:worker_threads';
import { playGame, type GameResult, type GameSpec } from './game.ts';
import { strategiesByName } from './schedule.ts';

/** Plays every spec, at most `parallel` at a time; resolves with the results in spec order. */
export async function playInProcess(
  specs: readonly GameSpec[],
  parallel: number,
  onResult: (result: GameResult) => void,
): Promise<GameResult[]> {
  if (parallel <= 1) return playHere(specs, onResult);
  const results = new Array<GameResult>(specs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url));
    try {
      while (next < specs.length) {
        const at = next++;
        results[at] = await playOnWorker(worker, specs[at] as GameSpec);
        onResult(results[at]);
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, specs.length) }, lane));
  return results;
}

async function playHere(
  specs: readonly GameSpec[],
  onResult: (result: GameResult) => void,
): Promise<GameResult[]> {
  const strategies = strategiesByName();
  const results: GameResult[] = [];
  for (const spec of specs) {
    const result = await playGame(spec, strategies);
    results.push(result);
    onResult(result);
  }
  return results;
}

function playOnWorker(worker: Worker, spec: GameSpec): Promise<GameResult> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    const onMessage = (result: GameResult): void => {
      cleanup();
      resolve(result);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(spec);
  });
}
