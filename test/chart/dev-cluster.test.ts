// The local-cluster path: k8s/ (the dev dependencies) renders with kustomize and is valid against
// the Kubernetes 1.37 schemas, its Secrets are the ones the chart's defaults name, skaffold.yaml
// is valid against skaffold's own schema and points at real files, and the Dockerfile builds the
// image the chart runs. No Docker engine is available here, so the Dockerfile is checked by
// reading it.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import {
  byKind,
  chartDir,
  parseObjects,
  podSpec,
  render,
  template,
  repoRoot,
  run,
  tool,
  type K8sObject,
} from '../helpers/chart-tools.ts';
import { ensureKubeSchemas, schemaLocation } from '../helpers/chart-kube-schemas.ts';

let schemaDir: string;
let devObjects: K8sObject[];
let devYaml: string;

before(async () => {
  schemaDir = await ensureKubeSchemas();
  const built = await run(tool('kustomize'), ['build', path.join(repoRoot, 'k8s')]);
  assert.equal(built.code, 0, built.stderr);
  devYaml = built.stdout;
  devObjects = parseObjects(devYaml);
});

async function kubeconform(yamlText: string): Promise<{ code: number; stdout: string }> {
  return run(
    tool('kubeconform'),
    ['-strict', '-summary', '-schema-location', schemaLocation(schemaDir), '-'],
    yamlText,
  );
}

const chartValues = parseYaml(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as {
  amqp: { existingSecret: { name: string; key: string } };
  database: { existingSecret: { name: string; key: string } };
};

function secretData(name: string): Record<string, string> {
  const secret = byKind(devObjects, 'Secret').find((s) => s.metadata.name === name);
  assert.ok(secret, `k8s/ has a Secret named ${name}`);
  return secret.stringData as Record<string, string>;
}

describe('k8s/ (kubectl apply -k k8s/)', () => {
  test('renders RabbitMQ and PostgreSQL as StatefulSets with Services and Secrets', () => {
    const names = (kind: string) =>
      byKind(devObjects, kind)
        .map((o) => o.metadata.name)
        .sort();
    assert.deepEqual(names('StatefulSet'), ['postgres', 'rabbitmq']);
    assert.deepEqual(names('Service'), ['postgres', 'rabbitmq']);
    assert.deepEqual(names('Secret'), ['postgres-app', 'rabbitmq-default-user']);
  });

  test('every object is valid against the Kubernetes 1.37 schemas', async () => {
    const result = await kubeconform(devYaml);
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, new RegExp(`Valid: ${devObjects.length}, Invalid: 0, Errors: 0`));
  });

  test('its Secrets have the names and keys the chart reads by default', () => {
    const amqp = chartValues.amqp.existingSecret;
    const database = chartValues.database.existingSecret;
    assert.match(secretData(amqp.name)[amqp.key] ?? '', /^amqp:\/\/[^@]+@rabbitmq:5672\/$/);
    assert.match(
      secretData(database.name)[database.key] ?? '',
      /^postgresql:\/\/[^@]+@postgres:5432\/\w+$/,
    );
  });

  test('the credentials in each URL are the ones the server is started with', () => {
    const rabbit = secretData('rabbitmq-default-user');
    const url = new URL(rabbit.connection_string ?? '');
    assert.equal(url.username, rabbit.username);
    assert.equal(url.password, rabbit.password);
    const pg = secretData('postgres-app');
    const pgUrl = new URL(pg.uri ?? '');
    assert.equal(pgUrl.username, pg.username);
    assert.equal(pgUrl.password, pg.password);
    assert.equal(pgUrl.pathname, `/${pg.dbname}`);
  });

  test('RabbitMQ runs with the management and prometheus plugins', () => {
    const plugins = byKind(devObjects, 'ConfigMap').find(
      (c) => c.metadata.name === 'rabbitmq-plugins',
    );
    const text = (plugins?.data as Record<string, string> | undefined)?.enabled_plugins ?? '';
    assert.match(text, /rabbitmq_management/);
    assert.match(text, /rabbitmq_prometheus/);
    const rabbit = byKind(devObjects, 'StatefulSet').find((s) => s.metadata.name === 'rabbitmq');
    assert.ok(rabbit);
    const mounts = podSpec(rabbit).containers[0]?.volumeMounts ?? [];
    assert.ok(mounts.some((m) => m.mountPath === '/etc/rabbitmq/enabled_plugins'));
  });

  test('both servers come from their official images', () => {
    const images = byKind(devObjects, 'StatefulSet').map(
      (s) => podSpec(s).containers[0]?.image ?? '',
    );
    assert.deepEqual(images.map((i) => i.split(':')[0]).sort(), ['postgres', 'rabbitmq']);
  });

  test('the kind config maps the ingress ports to the host and labels the node ingress-ready', () => {
    const kind = parseYaml(readFileSync(path.join(repoRoot, 'k8s/kind-config.yaml'), 'utf8')) as {
      kind: string;
      nodes: {
        extraPortMappings: { containerPort: number; hostPort: number }[];
        kubeadmConfigPatches: string[];
      }[];
    };
    assert.equal(kind.kind, 'Cluster');
    const node = kind.nodes[0];
    assert.ok(node);
    assert.deepEqual(
      node.extraPortMappings.map((m) => [m.containerPort, m.hostPort]),
      [
        [80, 80],
        [443, 443],
      ],
    );
    assert.match(node.kubeadmConfigPatches.join('\n'), /ingress-ready=true/);
  });
});

describe('skaffold.yaml', () => {
  const text = readFileSync(path.join(repoRoot, 'skaffold.yaml'), 'utf8');
  const configs = parseObjects(text) as unknown as SkaffoldConfig[];

  interface SkaffoldConfig {
    apiVersion: string;
    metadata: { name: string };
    requires?: { configs: string[] }[];
    manifests?: { kustomize?: { paths: string[] } };
    build?: { artifacts: { image: string; docker: { dockerfile: string } }[] };
    deploy?: {
      helm?: {
        releases: {
          name: string;
          chartPath: string;
          valuesFiles: string[];
          setValueTemplates: Record<string, string>;
        }[];
      };
    };
    portForward?: { resourceType: string; resourceName: string; port: number }[];
    profiles?: { name: string; patches?: { path: string; value: unknown }[] }[];
  }

  test('is valid against skaffold’s own schema for its apiVersion', async () => {
    assert.ok(configs.every((c) => /^skaffold\/v4beta\d+$/.test(c.apiVersion)));
    const result = await kubeconform(text);
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /Valid: 2, Invalid: 0, Errors: 0/);
  });

  test('deploys k8s/ first, then the chart through Helm with the built image', () => {
    const [deps, app] = configs;
    assert.ok(deps && app);
    assert.deepEqual(deps.manifests?.kustomize?.paths, ['k8s']);
    assert.deepEqual(app.requires, [{ configs: [deps.metadata.name] }]);
    const release = app.deploy?.helm?.releases[0];
    assert.ok(release);
    assert.equal(path.resolve(repoRoot, release.chartPath), chartDir);
    const image = app.build?.artifacts[0]?.image ?? '?';
    assert.equal(release.setValueTemplates['image.repository'], `{{.IMAGE_REPO_${image}}}`);
    assert.equal(release.setValueTemplates['image.tag'], `{{.IMAGE_TAG_${image}}}`);
    for (const file of [
      ...release.valuesFiles,
      app.build?.artifacts[0]?.docker.dockerfile ?? '?',
    ]) {
      assert.ok(existsSync(path.join(repoRoot, file)), `${file} exists`);
    }
  });

  test('port-forwards the Service the chart renders for that release name', async () => {
    const [, app] = configs;
    const release = app?.deploy?.helm?.releases[0];
    assert.ok(app && release);
    const values = parseYaml(
      readFileSync(path.join(repoRoot, release.valuesFiles[0] ?? ''), 'utf8'),
    ) as Record<string, unknown>;
    const objects = await render('helm4', values, { release: release.name });
    const forward = app.portForward?.[0];
    const service = byKind(objects, 'Service').find(
      (s) => s.metadata.name === forward?.resourceName,
    );
    assert.ok(service, `a Service named ${forward?.resourceName} is rendered`);
    const ports = (service.spec as { ports: { port: number }[] }).ports.map((p) => p.port);
    assert.ok(ports.includes(forward?.port ?? -1));
  });

  test('renders, as each profile deploys it, objects valid against the Kubernetes 1.37 schemas', async () => {
    const [, app] = configs;
    const release = app?.deploy?.helm?.releases[0];
    assert.ok(app && release);
    const profiles = new Map((app.profiles ?? []).map((p) => [p.name, p]));
    assert.deepEqual(profiles.get('low-cost')?.patches?.[0]?.value, { lowCost: true });
    const minikubeFile = profiles.get('minikube')?.patches?.[0]?.value;
    assert.equal(typeof minikubeFile, 'string');

    // What skaffold passes to helm: the release's values files (a profile may add one), then
    // setValues.
    const valuesArgs = (files: string[]) =>
      files.flatMap((f) => ['--values', path.join(repoRoot, f)]);
    const asDeployed = {
      base: valuesArgs(release.valuesFiles),
      'low-cost': [...valuesArgs(release.valuesFiles), '--set', 'lowCost=true'],
      minikube: valuesArgs([...release.valuesFiles, String(minikubeFile)]),
    };
    for (const [profile, extraArgs] of Object.entries(asDeployed)) {
      const result = await template('helm4', {}, { release: release.name, extraArgs });
      assert.equal(result.code, 0, `${profile}: ${result.stderr}`);
      const objects = parseObjects(result.stdout);
      assert.equal(byKind(objects, 'Deployment').length, profile === 'low-cost' ? 1 : 2, profile);
      assert.equal(byKind(objects, 'Ingress').length, 1, `${profile} has the dev Ingress`);
      const check = await kubeconform(result.stdout);
      assert.equal(check.code, 0, `${profile}: ${check.stdout}`);
    }
  });
});

describe('Dockerfile (read, since no Docker engine is available here)', () => {
  const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';
  const workspaces = (
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      workspaces: string[];
    }
  ).workspaces;

  test('installs dependencies from the lockfile and every workspace manifest before copying sources', () => {
    const deps = stages[0] ?? '';
    assert.match(deps, /COPY package\.json package-lock\.json/);
    for (const workspace of workspaces) {
      assert.ok(
        deps.includes(`COPY ${workspace}/package.json ${workspace}/`),
        `${workspace}/package.json is copied`,
      );
    }
    assert.match(deps, /npm ci/);
    assert.doesNotMatch(deps, /COPY services\/ /, 'sources come after the cached install');
  });

  test('.dockerignore keeps local builds, dependencies and tools out of the context, but not the sources', () => {
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    for (const pattern of ['**/node_modules', '**/dist', '.git', '.tools']) {
      assert.ok(ignored.includes(pattern), `${pattern} is ignored`);
    }
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)].map((m) => m[1] ?? '');
    for (const source of copied) {
      assert.ok(
        !ignored.some((p) => source === p || source.startsWith(`${p}/`)),
        `${source} is in the context`,
      );
    }
  });

  test('runs a Node 24 image as a numeric non-root user with telemetry preloaded', () => {
    assert.match(dockerfile, /ARG NODE_IMAGE=node:24[-.\w]*/);
    assert.match(runtime, /^USER 1000:1000$/m);
    assert.match(
      runtime,
      /ENTRYPOINT \["node", "--import", "\.\/services\/common\/dist\/telemetry\/register\.js"\]/,
    );
  });

  test('copies into the runtime only production dependencies, manifests, compiled code and SQL migrations', () => {
    const copies = runtime.split('\n').filter((line) => line.startsWith('COPY'));
    for (const line of copies) {
      assert.match(
        line,
        /^COPY --from=(prod-deps \/app\/node_modules|build \/app\/\S*(package\.json|\/dist|\/migrations)) /,
        line,
      );
    }
  });

  test('the runtime holds the migrations folder that the compiled migrate.js reads', () => {
    // migrate.ts resolves '../migrations/' from its own file, so dist/ needs it as a sibling.
    assert.match(
      runtime,
      /^COPY --from=build \/app\/services\/turn-persister\/migrations services\/turn-persister\/migrations$/m,
    );
  });

  test('the chart runs exactly the image’s entry point, and mounts the spool where the image expects it', async () => {
    const entrypoint = ['node', '--import', './services/common/dist/telemetry/register.js'];
    const objects = await render('helm4', {});
    const containers = byKind(objects, 'Deployment').flatMap((d) => podSpec(d).containers);
    for (const container of containers) {
      assert.deepEqual(container.command?.slice(0, 3), entrypoint);
      const script = container.command?.[3] ?? '';
      assert.equal(script, `services/${container.name}/dist/main.js`);
    }
    const api = containers.find((c) => c.name === 'snake-api');
    const spoolDir = api?.env?.find((e) => e.name === 'SPOOL_DIR')?.value;
    assert.ok(
      runtime.includes(`SPOOL_DIR=${spoolDir}`),
      'the image and the chart agree on SPOOL_DIR',
    );
    assert.ok(
      api?.volumeMounts?.some((m) => m.mountPath === spoolDir),
      'a volume is mounted there',
    );
  });
});
