// Strict JSON schemas for kubeconform, made from sources the Go module proxy serves at pinned
// versions: the Kubernetes OpenAPI document that k8s.io/kubernetes carries, the CRDs that
// prometheus-operator and KEDA carry, and skaffold's own config schema. Nothing is fetched
// from anywhere else. The result is cached in .tools/kube-schemas/<pins>/ and reused, so a warm
// run pays only for reading the stamp.
//
// "Strict" means what kubeconform's -strict schemas mean: an object that lists its properties
// accepts no others, so a misspelt field fails instead of being silently dropped by the API.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from './chart-tools.ts';

const run = promisify(execFile);

/** The pinned sources; bump a version here and the cache is rebuilt on the next run. */
export const schemaSources = {
  kubernetes: { module: 'k8s.io/kubernetes', version: 'v1.37.2' },
  prometheusOperator: {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.94.0',
  },
  keda: { module: 'github.com/kedacore/keda/v2', version: 'v2.19.0' },
  skaffold: { module: 'github.com/GoogleContainerTools/skaffold/v2', version: 'v2.16.1' },
} as const;

/** The skaffold config schema version skaffold.yaml is written against. */
export const skaffoldSchemaVersion = 'v4beta13';

const crdFiles = [
  [
    'prometheusOperator',
    'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml',
  ],
  ['prometheusOperator', 'example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml'],
  [
    'prometheusOperator',
    'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
  ],
  ['keda', 'config/crd/bases/keda.sh_scaledobjects.yaml'],
] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** kubeconform's -schema-location template for the folder ensureKubeSchemas() returns. */
export function schemaLocation(dir: string): string {
  return path.join(dir, '{{ .ResourceKind }}{{ .KindSuffix }}.json');
}

/** The folder of strict schemas, built on first use. */
export async function ensureKubeSchemas(): Promise<string> {
  const pins = Object.values(schemaSources)
    .map((s) => s.version)
    .join('_');
  const dir = path.join(repoRoot, '.tools', 'kube-schemas', pins);
  if (existsSync(path.join(dir, '.complete'))) return dir;

  // Build beside the final folder and rename it into place: `dir` is either absent or complete,
  // so an interrupted build is never mistaken for a finished one, and two test files building
  // at once never change the folder under each other (the second rename fails; it uses the first).
  const building = `${dir}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  await writeKubernetesSchemas(building);
  await writeCrdSchemas(building);
  await writeSkaffoldSchema(building);
  await writeFile(path.join(building, '.complete'), `${pins}\n`);
  try {
    await rename(building, dir);
  } catch (err) {
    await rm(building, { recursive: true, force: true });
    if (!existsSync(path.join(dir, '.complete'))) throw err;
  }
  return dir;
}

/** The unpacked module folder, downloaded through the Go module proxy when not cached. */
async function moduleDir(source: { module: string; version: string }): Promise<string> {
  const { stdout } = await run(
    'go',
    ['mod', 'download', '-json', `${source.module}@${source.version}`],
    {
      maxBuffer: 1 << 20,
    },
  );
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) {
    throw new Error(
      `go mod download ${source.module}@${source.version} failed: ${info.Error ?? stdout}; ` +
        'check that the Go module proxy is reachable (go env GOPROXY)',
    );
  }
  return info.Dir;
}

/** kubeconform's file name for a kind: "deployment-apps-v1", "service-v1". */
function schemaFileName(kind: string, group: string, version: string): string {
  const groupPart = group === '' ? '' : `-${group.split('.')[0]}`;
  return `${kind.toLowerCase()}${groupPart}-${version}.json`;
}

/**
 * One schema per kind from the OpenAPI v2 document, each carrying only the definitions it
 * reaches, so kubeconform never has to resolve a reference across files.
 */
async function writeKubernetesSchemas(dir: string): Promise<void> {
  const root = await moduleDir(schemaSources.kubernetes);
  const swagger = JSON.parse(
    await readFile(path.join(root, 'api/openapi-spec/swagger.json'), 'utf8'),
  ) as { definitions: Record<string, JsonObject> };
  const definitions = Object.fromEntries(
    Object.entries(swagger.definitions).map(([name, def]) => [name, strictDefinition(name, def)]),
  );

  for (const [name, def] of Object.entries(definitions)) {
    const gvks = swagger.definitions[name]?.['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) continue;
    const reached = reachableDefinitions(def, definitions);
    for (const gvk of gvks) {
      if (!isObject(gvk)) continue;
      const { group, version, kind } = gvk as { group: string; version: string; kind: string };
      const schema = { ...def, definitions: reached };
      await writeFile(path.join(dir, schemaFileName(kind, group, version)), JSON.stringify(schema));
    }
  }
}

function strictDefinition(name: string, def: JsonObject): JsonObject {
  // These two are strings on the wire but accept numbers in YAML; the API server converts them.
  if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') {
    return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  }
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
    return { oneOf: [{ type: 'string' }, { type: 'number' }] };
  }
  return strict(def) as JsonObject;
}

/** Adds additionalProperties: false wherever an object lists its properties and allows no others. */
function strict(node: Json): Json {
  if (Array.isArray(node)) return node.map(strict);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    // Property names are data, not schema keywords: recurse into their values only.
    out[key] =
      key === 'properties' && isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]))
        : strict(value);
  }
  if (out['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  const open = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObject(out.properties) && !('additionalProperties' in out) && !open) {
    out.additionalProperties = false;
  }
  return out;
}

function reachableDefinitions(
  start: JsonObject,
  all: Record<string, JsonObject>,
): Record<string, JsonObject> {
  const reached: Record<string, JsonObject> = {};
  const pending: Json[] = [start];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...node);
    if (!isObject(node)) continue;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/definitions/')) {
      const name = ref.slice('#/definitions/'.length);
      const def = all[name];
      if (def && !(name in reached)) {
        reached[name] = def;
        pending.push(def);
      }
    }
    pending.push(...Object.values(node));
  }
  return reached;
}

async function writeCrdSchemas(dir: string): Promise<void> {
  for (const [source, file] of crdFiles) {
    const root = await moduleDir(schemaSources[source]);
    const crd = parseYaml(await readFile(path.join(root, file), 'utf8')) as {
      spec: {
        group: string;
        names: { kind: string };
        versions: { name: string; schema: { openAPIV3Schema: JsonObject } }[];
      };
    };
    for (const version of crd.spec.versions) {
      const schema = strict(version.schema.openAPIV3Schema);
      const name = schemaFileName(crd.spec.names.kind, crd.spec.group, version.name);
      await writeFile(path.join(dir, name), JSON.stringify(schema));
    }
  }
}

/**
 * skaffold.yaml has apiVersion skaffold/<v> and kind Config, so kubeconform looks for
 * config-skaffold-<v>.json: skaffold's own published schema, taken from its module.
 */
async function writeSkaffoldSchema(dir: string): Promise<void> {
  const root = await moduleDir(schemaSources.skaffold);
  const file = path.join(root, 'docs-v2/content/en/schemas', `${skaffoldSchemaVersion}.json`);
  await writeFile(
    path.join(dir, schemaFileName('Config', 'skaffold', skaffoldSchemaVersion)),
    await readFile(file, 'utf8'),
  );
}
