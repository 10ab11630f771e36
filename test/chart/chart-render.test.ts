// The Helm chart, rendered with Helm 3 and Helm 4 over a matrix of values, every object validated
// by kubeconform against strict schemas of Kubernetes 1.37 and the CRDs the chart uses, then
// checked for the wiring the services depend on.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import {
  byKind,
  chartDir,
  chartCopy,
  helms,
  mapConcurrently,
  kubeVersion,
  parseObjects,
  podSpec,
  probePort,
  render,
  run,
  template,
  tool,
  type Container,
  type K8sObject,
  type RunResult,
} from '../helpers/chart-tools.ts';
import { ensureKubeSchemas, schemaLocation } from '../helpers/chart-kube-schemas.ts';
import { readBySdk, variablesReadBy } from '../helpers/chart-service-env.ts';
import { readSnakeApiConfig } from '@snakepit/snake-api/service';
import { readPersisterConfig } from '@snakepit/turn-persister/service';

const matrix: Record<string, Record<string, unknown>> = {
  default: {},
  'low-cost': { lowCost: true },
  'ingress with TLS and HPA': {
    ingress: {
      enabled: true,
      className: 'nginx',
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      hosts: [{ host: 'snake.example.org', paths: [{ path: '/', pathType: 'Prefix' }] }],
      tls: [{ secretName: 'snake-tls', hosts: ['snake.example.org'] }],
    },
    snakeApi: { autoscaling: { enabled: true } },
  },
  KEDA: { turnPersister: { keda: { enabled: true } } },
  'monitoring all on (ServiceMonitor)': {
    monitoring: {
      scrape: {
        enabled: true,
        kind: 'ServiceMonitor',
        labels: { release: 'kube-prometheus-stack' },
      },
      dashboards: { enabled: true, labels: { team: 'snakes' } },
      prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
    },
    networkPolicy: { enabled: true },
  },
  'low-cost with PodMonitor, NetworkPolicy and HPA': {
    lowCost: true,
    monitoring: {
      scrape: { enabled: true, kind: 'PodMonitor' },
      dashboards: { enabled: true },
      prometheusRule: { enabled: true },
    },
    networkPolicy: { enabled: true },
    snakeApi: { autoscaling: { enabled: true } },
    ingress: { enabled: true },
  },
  'existing Secrets, sync persistence': {
    amqp: { existingSecret: { name: '{{ .Release.Name }}-rabbitmq-default-user', key: 'amqp' } },
    database: { existingSecret: { name: 'pg-app', key: 'url' } },
    snakeApi: { persistMode: 'sync' },
  },
  'URLs from values, migrations on start': {
    amqp: { url: 'amqp://snake:secret@rabbitmq:5672/' },
    database: { url: 'postgres://snake:secret@postgres:5432/snakepit' },
    migrations: { hook: false },
  },
};

let chart: { dir: string; dispose: () => Promise<void> };
let schemaDir: string;
const rendered = new Map<string, K8sObject[]>();
const renderedByHelm3 = new Map<string, K8sObject[]>();
const validation = new Map<string, RunResult>();

// Every case is rendered by both Helms and validated up front, a few processes at a time; the
// tests below read the results.
before(async () => {
  chart = await chartCopy();
  schemaDir = await ensureKubeSchemas();
  const cases = Object.entries(matrix);
  await mapConcurrently(cases, 3, async ([name, values]) => {
    const result = await template('helm4', values, { chart: chart.dir });
    assert.equal(result.code, 0, `${name}: ${result.stderr}`);
    rendered.set(name, parseObjects(result.stdout));
    renderedByHelm3.set(name, await render('helm3', values, { chart: chart.dir }));
    const kubeconformArgs = ['-strict', '-summary', '-output', 'json'];
    validation.set(
      name,
      await run(
        tool('kubeconform'),
        [...kubeconformArgs, '-schema-location', schemaLocation(schemaDir), '-'],
        result.stdout,
      ),
    );
  });
});

after(() => chart.dispose());

function objects(name: string): K8sObject[] {
  const result = rendered.get(name);
  assert.ok(result, `case ${name} was rendered`);
  return result;
}

const deployments = (objs: K8sObject[]) => byKind(objs, 'Deployment');
const named = (objs: K8sObject[], kind: string, suffix: string) => {
  const found = byKind(objs, kind).find((o) => o.metadata.name.endsWith(suffix));
  assert.ok(found, `a ${kind} named *${suffix} is rendered`);
  return found;
};

/** Containers of the workloads that run the services (not the helm test Pod). */
function serviceContainers(objs: K8sObject[]): Container[] {
  return [...deployments(objs), ...byKind(objs, 'Job')].flatMap((o) => podSpec(o).containers);
}

describe('helm lint', () => {
  for (const helm of helms) {
    for (const values of ['default', 'low-cost']) {
      test(`${helm} lint --strict passes with the ${values} values`, async () => {
        const { dir } = chart;
        const valuesFile = values === 'low-cost' ? ['--set', 'lowCost=true'] : [];
        const result = await run(tool(helm), [
          'lint',
          '--strict',
          '--kube-version',
          kubeVersion,
          dir,
          ...valuesFile,
        ]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
      });
    }
  }
});

describe('every case of the values matrix', () => {
  for (const name of Object.keys(matrix)) {
    test(`${name}: Helm 3 renders exactly what Helm 4 renders`, () => {
      assert.deepEqual(renderedByHelm3.get(name), objects(name));
    });

    test(`${name}: every object is valid against the Kubernetes 1.37 and CRD schemas`, () => {
      const check = validation.get(name);
      assert.ok(check);
      const report = JSON.parse(check.stdout) as {
        resources: { kind: string; name: string; msg: string }[];
        summary: { valid: number; invalid: number; errors: number; skipped: number };
      };
      assert.deepEqual(report.resources, [], 'kubeconform found no invalid object');
      assert.equal(report.summary.valid, objects(name).length, 'every object was validated');
      assert.equal(check.code, 0);
    });

    test(`${name}: every probe targets a path the service serves on its ADMIN_PORT`, () => {
      const lowCost = matrix[name]?.lowCost === true;
      for (const container of serviceContainers(objects(name))) {
        if (container.name === 'migrate') continue;
        // In the low-cost Pod the persister's readiness must not take the snake off the Service.
        const readiness = lowCost && container.name === 'turn-persister' ? '/healthz' : '/readyz';
        const expected = {
          startupProbe: '/healthz',
          livenessProbe: '/healthz',
          readinessProbe: readiness,
        };
        const adminPort = Number(container.env?.find((e) => e.name === 'ADMIN_PORT')?.value);
        for (const [kind, expectedPath] of Object.entries(expected)) {
          const probe = container[kind as keyof typeof expected];
          assert.ok(probe, `${container.name} has a ${kind}`);
          assert.equal(probe.httpGet?.path, expectedPath, `${container.name} ${kind} path`);
          assert.equal(probePort(container, probe), adminPort, `${container.name} ${kind} port`);
        }
      }
    });

    test(`${name}: the chart sets only variables the services read, and every required one`, async () => {
      const readers: Record<string, string[]> = {
        'snake-api': ['snake-api', 'common'],
        'turn-persister': ['turn-persister', 'common'],
        migrate: ['turn-persister', 'common'],
      };
      for (const container of serviceContainers(objects(name))) {
        const services = readers[container.name];
        assert.ok(services, `container ${container.name} is one of the known services`);
        const read = await variablesReadBy(services);
        const set = (container.env ?? []).map((e) => e.name);
        const unread = set.filter((v) => !read.has(v) && !readBySdk(v));
        assert.deepEqual(unread, [], `${container.name} is given only variables it reads`);
        for (const required of requiredVariables(container)) {
          assert.ok(set.includes(required), `${container.name} is given ${required}`);
        }
      }
    });

    test(`${name}: the services' own config readers accept every value the chart renders`, () => {
      for (const container of serviceContainers(objects(name))) {
        const env = plainEnv(container);
        if (container.name === 'snake-api') {
          const config = readSnakeApiConfig(env);
          assert.equal(config.port, Number(env.PORT));
          assert.equal(config.adminPort, Number(env.ADMIN_PORT));
        }
        if (container.name === 'turn-persister') {
          const config = readPersisterConfig(env);
          assert.equal(config.adminPort, Number(env.ADMIN_PORT));
          assert.equal(config.topology.queue, env.TURNS_QUEUE);
        }
      }
    });

    test(`${name}: every Pod runs restricted, as non-root, read-only, without a token`, () => {
      const pods = [
        ...deployments(objects(name)),
        ...byKind(objects(name), 'Job'),
        ...byKind(objects(name), 'Pod'),
      ];
      assert.ok(pods.length > 0);
      for (const pod of pods.map(podSpec)) {
        assert.equal(pod.automountServiceAccountToken, false);
        assert.deepEqual(pod.securityContext?.seccompProfile, { type: 'RuntimeDefault' });
        assert.equal(pod.securityContext?.runAsNonRoot, true);
        for (const container of pod.containers) {
          const context = (container as { securityContext?: Record<string, unknown> })
            .securityContext;
          assert.equal(context?.readOnlyRootFilesystem, true, `${container.name} read-only root`);
          assert.equal(context?.allowPrivilegeEscalation, false);
          assert.deepEqual(context?.capabilities, { drop: ['ALL'] });
        }
      }
    });

    test(`${name}: every object carries the app.kubernetes.io labels`, () => {
      for (const obj of objects(name)) {
        const labels = obj.metadata.labels ?? {};
        for (const key of ['name', 'instance', 'version', 'managed-by', 'component', 'part-of']) {
          assert.ok(
            labels[`app.kubernetes.io/${key}`],
            `${obj.kind}/${obj.metadata.name} has app.kubernetes.io/${key}`,
          );
        }
      }
    });
  }
});

/** A container's environment with Secret references replaced by URLs of the right form. */
function plainEnv(container: Container): Record<string, string> {
  const samples: Record<string, string> = {
    AMQP_URL: 'amqp://snake:secret@rabbitmq:5672/',
    DATABASE_URL: 'postgres://snake:secret@postgres:5432/snakepit',
  };
  return Object.fromEntries(
    (container.env ?? []).map((e) => [e.name, e.value ?? samples[e.name] ?? '']),
  );
}

/** The variables without which a container must not be deployed to a cluster. */
function requiredVariables(container: Container): string[] {
  const persistMode = container.env?.find((e) => e.name === 'PERSIST_MODE')?.value;
  switch (container.name) {
    case 'snake-api':
      return [
        'PORT',
        'ADMIN_PORT',
        'SPOOL_DIR',
        ...(persistMode === 'off' ? [] : ['AMQP_URL']),
        ...(persistMode === 'sync' ? ['DATABASE_URL'] : []),
      ];
    case 'turn-persister':
      return ['ADMIN_PORT', 'AMQP_URL', 'DATABASE_URL'];
    default:
      return ['DATABASE_URL'];
  }
}

describe('the validation itself', () => {
  // The matrix passes only if kubeconform can fail: these feed it objects with a misspelt field.
  const cases: [string, string, RegExp][] = [
    [
      'a misspelt container field in a Deployment',
      'default',
      /additional properties 'readinesProbe' not allowed/,
    ],
    [
      'an unknown field in a ScaledObject',
      'KEDA',
      /additional properties 'pollingIntervall' not allowed/,
    ],
  ];
  for (const [what, name, expected] of cases) {
    test(`kubeconform rejects ${what}`, async () => {
      const broken = objects(name).map((obj) => {
        const text = JSON.stringify(obj);
        if (obj.kind === 'Deployment') return text.replace('"readinessProbe"', '"readinesProbe"');
        if (obj.kind === 'ScaledObject')
          return text.replace('"pollingInterval"', '"pollingIntervall"');
        return text;
      });
      const check = await run(
        tool('kubeconform'),
        ['-strict', '-schema-location', schemaLocation(schemaDir), '-'],
        broken.join('\n---\n'),
      );
      assert.notEqual(check.code, 0);
      assert.match(check.stdout, expected);
    });
  }
});

describe('the layouts', () => {
  test('the default renders two Deployments, one per service', () => {
    const containers = deployments(objects('default')).map((d) =>
      podSpec(d).containers.map((c) => c.name),
    );
    assert.deepEqual(containers.sort(), [['snake-api'], ['turn-persister']]);
  });

  test('the low-cost value renders one Deployment whose Pod runs both services', () => {
    const [only, ...others] = deployments(objects('low-cost'));
    assert.ok(only);
    assert.deepEqual(others, []);
    assert.deepEqual(
      podSpec(only).containers.map((c) => c.name),
      ['snake-api', 'turn-persister'],
    );
  });

  test('in the low-cost Pod each container has its own admin port, and every port is distinct', () => {
    const [only] = deployments(objects('low-cost'));
    assert.ok(only);
    const ports = podSpec(only).containers.flatMap((c) =>
      (c.ports ?? []).map((p) => p.containerPort),
    );
    assert.equal(new Set(ports).size, ports.length, `ports ${ports.join(', ')} are distinct`);
    const adminPorts = podSpec(only).containers.map(
      (c) => c.env?.find((e) => e.name === 'ADMIN_PORT')?.value,
    );
    assert.deepEqual(adminPorts, ['9100', '9101']);
  });

  test('both layouts have one Service for the snake, with the same name, and the same Ingress', async () => {
    for (const name of ['default', 'low-cost']) {
      const services = byKind(objects(name), 'Service');
      assert.deepEqual(
        services.map((s) => s.metadata.name),
        ['snk-snakepit'],
      );
    }
    const ingressSpec = async (values: Record<string, unknown>) =>
      byKind(await render('helm4', { ...values, ingress: { enabled: true } }), 'Ingress')[0]?.spec;
    const separate = await ingressSpec({});
    assert.ok(separate);
    assert.deepEqual(await ingressSpec({ lowCost: true }), separate);
  });

  test('the low-cost value refuses two containers on one admin port', async () => {
    const result = await template('helm4', { lowCost: true, turnPersister: { adminPort: 9100 } });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /adminPort and turnPersister.adminPort must differ/);
  });

  test('the grace period covers the preStop pause plus the shutdown budget', () => {
    for (const name of ['default', 'low-cost']) {
      for (const deployment of deployments(objects(name))) {
        const pod = podSpec(deployment);
        for (const container of pod.containers) {
          const pause = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
          const budgetMs = Number(
            container.env?.find((e) => e.name === 'SHUTDOWN_TIMEOUT_MS')?.value,
          );
          assert.ok(budgetMs > 0);
          assert.ok(
            (pod.terminationGracePeriodSeconds ?? 30) * 1000 > pause * 1000 + budgetMs,
            `${deployment.metadata.name}: ${pod.terminationGracePeriodSeconds} s > ${pause} s + ${budgetMs} ms`,
          );
        }
        const api = pod.containers.find((c) => c.name === 'snake-api');
        if (api)
          assert.ok(
            (api.lifecycle?.preStop?.sleep?.seconds ?? 0) > 0,
            'snake-api pauses before SIGTERM',
          );
      }
    }
  });
});

describe('the optional parts', () => {
  test('the Ingress carries its class and TLS and routes to the Service http port', () => {
    const objs = objects('ingress with TLS and HPA');
    const ingress = named(objs, 'Ingress', 'snakepit');
    const spec = ingress.spec as {
      ingressClassName: string;
      tls: { secretName: string; hosts: string[] }[];
      rules: {
        host: string;
        http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] };
      }[];
    };
    assert.equal(spec.ingressClassName, 'nginx');
    assert.deepEqual(spec.tls, [{ secretName: 'snake-tls', hosts: ['snake.example.org'] }]);
    const backend = spec.rules[0]?.http.paths[0]?.backend.service;
    const service = named(objs, 'Service', backend?.name ?? '?');
    const ports = (service.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
    assert.ok(ports.includes(backend?.port.name ?? '?'));
  });

  test('with KEDA on, a ScaledObject on the turns queue owns turn-persister and no HPA does', () => {
    const objs = objects('KEDA');
    const scaled = named(objs, 'ScaledObject', 'turn-persister');
    const spec = scaled.spec as {
      scaleTargetRef: { name: string };
      triggers: { type: string; metadata: Record<string, string> }[];
    };
    const target = named(objs, 'Deployment', 'turn-persister');
    assert.equal(spec.scaleTargetRef.name, target.metadata.name);
    assert.equal(spec.triggers[0]?.type, 'rabbitmq');
    assert.equal(spec.triggers[0]?.metadata.queueName, 'snakepit.turns');
    assert.equal(spec.triggers[0]?.metadata.hostFromEnv, 'AMQP_URL');
    assert.equal(
      (target.spec as { replicas?: number }).replicas,
      undefined,
      'KEDA owns the replica count',
    );
    assert.deepEqual(byKind(objs, 'HorizontalPodAutoscaler'), []);
  });

  test('with monitoring on, every dashboards/*.json ships unchanged in a ConfigMap labelled for Grafana', async () => {
    const objs = objects('monitoring all on (ServiceMonitor)');
    const shipped = new Map<string, string>();
    for (const configMap of byKind(objs, 'ConfigMap')) {
      assert.equal(configMap.metadata.labels?.grafana_dashboard, '1');
      assert.equal(configMap.metadata.labels?.team, 'snakes', 'extra labels are added');
      for (const [file, text] of Object.entries(configMap.data as Record<string, string>))
        shipped.set(file, text);
    }
    const files = (await readdir(path.join(chart.dir, 'dashboards'))).filter((f) =>
      f.endsWith('.json'),
    );
    assert.deepEqual([...shipped.keys()].sort(), files.sort());
    for (const file of files) {
      const original = await readFile(path.join(chart.dir, 'dashboards', file), 'utf8');
      assert.deepEqual(
        JSON.parse(shipped.get(file) ?? ''),
        JSON.parse(original),
        `${file} is unchanged`,
      );
    }
  });

  test('with monitoring on, the PrometheusRule holds every group of alerts/*.yaml, templates untouched', async () => {
    const objs = objects('monitoring all on (ServiceMonitor)');
    const rule = named(objs, 'PrometheusRule', 'snakepit');
    assert.equal(rule.metadata.labels?.release, 'kube-prometheus-stack');
    const files = (await readdir(path.join(chart.dir, 'alerts')))
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const groups: unknown[] = [];
    for (const file of files) {
      const doc = parseYaml(await readFile(path.join(chart.dir, 'alerts', file), 'utf8')) as
        { groups: unknown[] } | unknown[];
      groups.push(...(Array.isArray(doc) ? doc : doc.groups));
    }
    assert.deepEqual((rule.spec as { groups: unknown[] }).groups, groups);
  });

  test('with monitoring on, the monitor carries the extra labels for the Prometheus release selector', () => {
    const monitor = named(
      objects('monitoring all on (ServiceMonitor)'),
      'ServiceMonitor',
      'snakepit',
    );
    assert.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack');
  });

  test('every port a monitor scrapes is a named port of a Service or Pod it selects', () => {
    for (const name of [
      'monitoring all on (ServiceMonitor)',
      'low-cost with PodMonitor, NetworkPolicy and HPA',
    ]) {
      const objs = objects(name);
      const monitor = [...byKind(objs, 'ServiceMonitor'), ...byKind(objs, 'PodMonitor')][0];
      assert.ok(monitor);
      const spec = monitor.spec as {
        endpoints?: { port: string }[];
        podMetricsEndpoints?: { port: string }[];
      };
      const wanted = (spec.endpoints ?? spec.podMetricsEndpoints ?? []).map((e) => e.port);
      const offered =
        monitor.kind === 'ServiceMonitor'
          ? byKind(objs, 'Service').flatMap((s) =>
              (s.spec as { ports: { name: string }[] }).ports.map((p) => p.name),
            )
          : deployments(objs).flatMap((d) =>
              podSpec(d).containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)),
            );
      for (const port of wanted) assert.ok(offered.includes(port), `${name}: ${port} is offered`);
    }
  });

  test('existing Secrets are referenced by the names and keys given, templated', () => {
    const env = serviceContainers(objects('existing Secrets, sync persistence')).flatMap(
      (c) => c.env ?? [],
    );
    const refs = env
      .filter((e) => e.valueFrom?.secretKeyRef)
      .map((e) => [e.name, e.valueFrom?.secretKeyRef]);
    assert.deepEqual(
      new Set(refs.map((r) => JSON.stringify(r))),
      new Set([
        JSON.stringify(['AMQP_URL', { name: 'snk-rabbitmq-default-user', key: 'amqp' }]),
        JSON.stringify(['DATABASE_URL', { name: 'pg-app', key: 'url' }]),
      ]),
    );
    assert.deepEqual(byKind(objects('existing Secrets, sync persistence'), 'Secret'), []);
  });

  test('the default Secret references fit the RabbitMQ operator and CloudNativePG', () => {
    const env = serviceContainers(objects('default')).flatMap((c) => c.env ?? []);
    const ref = (name: string) => env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    assert.deepEqual(ref('AMQP_URL'), { name: 'rabbitmq-default-user', key: 'connection_string' });
    assert.deepEqual(ref('DATABASE_URL'), { name: 'postgres-app', key: 'uri' });
  });

  test('URLs given in values go into a hook Secret that the migrations Job can already read', () => {
    const objs = objects('URLs from values, migrations on start');
    const secret = named(objs, 'Secret', 'connections');
    assert.equal(secret.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
    const data = secret.stringData as Record<string, string>;
    assert.equal(data['amqp-url'], 'amqp://snake:secret@rabbitmq:5672/');
    const persister = serviceContainers(objs).find((c) => c.name === 'turn-persister');
    assert.equal(persister?.env?.find((e) => e.name === 'MIGRATE_ON_START')?.value, 'true');
    assert.deepEqual(
      byKind(objs, 'Job'),
      [],
      'no migrations hook when the persister migrates on start',
    );
  });

  test('the migrations hook Job runs before install and upgrade with the persister migrating no more', () => {
    const objs = objects('default');
    const job = named(objs, 'Job', 'migrations');
    assert.equal(job.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.deepEqual(podSpec(job).containers[0]?.command, [
      'node',
      'services/turn-persister/dist/migrate.js',
    ]);
    const persister = serviceContainers(objs).find((c) => c.name === 'turn-persister');
    assert.equal(persister?.env?.find((e) => e.name === 'MIGRATE_ON_START')?.value, 'false');
  });

  test('the helm test Pod checks GET / on the snake Service', () => {
    const pod = named(objects('default'), 'Pod', 'test-snake-answers');
    assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
    const env = podSpec(pod).containers[0]?.env ?? [];
    assert.deepEqual(env, [{ name: 'SNAKE_URL', value: 'http://snk-snakepit:80/' }]);
  });
});

describe('NOTES.txt', () => {
  test('names the HTTPS URL to give the engine when the Ingress has TLS', async () => {
    const values = matrix['ingress with TLS and HPA'] ?? {};
    const valuesArgs = ['--set-json', `ingress=${JSON.stringify(values.ingress)}`];
    // `install --dry-run=client` is the one command that prints NOTES without a cluster (Helm 4).
    const result = await run(tool('helm4'), [
      'install',
      'snk',
      chartDir,
      '--dry-run=client',
      ...valuesArgs,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    assert.match(
      notes,
      /Give the Battlesnake engine this URL for your snake:\n\s+https:\/\/snake\.example\.org\//,
    );
    assert.match(notes, /AMQP_URL\s+from Secret rabbitmq-default-user, key connection_string/);
  });
});

describe('values.schema.json', () => {
  const rejected: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown top-level key', { lowcost: true }, /lowcost/],
    ['an unknown nested key', { snakeApi: { replica: 3 } }, /replica/],
    ['a string where a boolean belongs', { lowCost: 'yes' }, /lowCost/],
    ['a string where a port number belongs', { snakeApi: { port: '8000' } }, /port/],
    [
      'a persistence mode the service does not know',
      { snakeApi: { persistMode: 'later' } },
      /persistMode/,
    ],
  ];
  test('is self-contained: every $ref points inside the file', async () => {
    const text = await readFile(path.join(chartDir, 'values.schema.json'), 'utf8');
    const refs = [...text.matchAll(/"\$ref":\s*"([^"]*)"/g)].map((m) => m[1] ?? '');
    assert.ok(refs.length > 0);
    assert.deepEqual(
      refs.filter((ref) => !ref.startsWith('#/')),
      [],
    );
  });

  test('closes every object it describes to unknown keys', async () => {
    const schema = JSON.parse(
      await readFile(path.join(chartDir, 'values.schema.json'), 'utf8'),
    ) as unknown;
    const open: string[] = [];
    const visit = (node: unknown, at: string) => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (record.properties && record.additionalProperties !== false) open.push(at);
      for (const [key, value] of Object.entries(record)) visit(value, `${at}/${key}`);
    };
    visit(schema, '#');
    assert.deepEqual(open, []);
  });

  const attempts = helms.flatMap((helm) => rejected.map((r) => [helm, ...r] as const));
  const results = new Map<string, RunResult>();
  before(async () => {
    await mapConcurrently(attempts, 3, async ([helm, what, values]) => {
      results.set(`${helm} ${what}`, await template(helm, values));
    });
  });

  for (const [helm, what, , mention] of attempts) {
    test(`${helm} rejects ${what}`, () => {
      const result = results.get(`${helm} ${what}`);
      assert.ok(result);
      assert.notEqual(result.code, 0, 'rendering fails');
      assert.match(result.stderr, mention);
    });
  }
});
