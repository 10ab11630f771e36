// Which environment variables the services really read, found in their source rather than in a
// hand-kept list: every name passed to a reader of @snakepit/common's config module
// (readString(env, 'PORT', ...), readInt(...), ...) and every process.env.NAME. The chart tests
// compare what the chart sets against this.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './chart-tools.ts';

const readerCall =
  /\bread(?:String|Optional|Int|Bool|Choice|Url|[A-Z]\w*)\(\s*[\w.]+\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g;
const processEnv = /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g;

/** OpenTelemetry's standard variables are read by its SDK, not by our code. */
export const readBySdk = (name: string): boolean => name.startsWith('OTEL_');

/** The variable names read anywhere under services/<name>/src for the given services. */
export async function variablesReadBy(services: string[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (const service of services) {
    for (const file of await sourceFiles(path.join(repoRoot, 'services', service, 'src'))) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(readerCall)) names.add(match[1] ?? '');
      for (const match of text.matchAll(processEnv)) names.add(match[1] ?? match[2] ?? '');
    }
  }
  names.delete('');
  return names;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}
