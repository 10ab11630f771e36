// `npm run bench [suite ...]`: runs the benchmark suites in test/bench/suites/ one after another
// and prints each one's tables. Suites compare variants side by side within one run, as ratios,
// because this machine is shared and absolute times drift between runs.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A benchmark suite: `run` prints its own tables (see table.ts) and returns when done. */
export interface BenchSuite {
  /** Shown in the header and used to select the suite on the command line. */
  name: string;
  run(): Promise<void>;
}

const suitesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'suites');

async function loadSuites(): Promise<BenchSuite[]> {
  const files = (await readdir(suitesDir)).filter((f) => f.endsWith('.ts')).sort();
  const modules = await Promise.all(
    files.map(
      (f) =>
        import(pathToFileURL(path.join(suitesDir, f)).href) as Promise<{ default: BenchSuite }>,
    ),
  );
  return modules.map((m) => m.default);
}

const wanted = process.argv.slice(2);
const suites = (await loadSuites()).filter((s) => wanted.length === 0 || wanted.includes(s.name));
if (suites.length === 0) {
  console.error(`no suite matches ${wanted.join(', ')}`);
  process.exit(1);
}
for (const suite of suites) {
  console.log(`\n=== ${suite.name} ===`);
  await suite.run();
}
