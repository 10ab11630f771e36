// The chart's dashboards and alert rules, checked without any running service: the JSON is a
// dashboard Grafana loads with a Prometheus datasource variable, panel ids are unique, every
// metric an expression reads is in the README's catalogue, and promtool accepts the rules and
// passes their unit tests. test/observability/prometheus.test.ts then evaluates every expression
// against a real Prometheus, and checks the catalogue against the services' real /metrics.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  allPanels,
  alertsDir,
  familyOf,
  loadAlertRules,
  loadCatalogue,
  loadDashboards,
  metricNames,
  panelExpressions,
  substitute,
  type CatalogueEntry,
  type Dashboard,
} from './promql.ts';

const run = promisify(execFile);

let dashboards: Map<string, Dashboard>;
let catalogue: Map<string, CatalogueEntry>;
before(async () => {
  [dashboards, catalogue] = await Promise.all([loadDashboards(), loadCatalogue()]);
});

describe('the chart dashboards', () => {
  test('are the snake, turn pipeline and resources dashboards, with distinct uids', () => {
    assert.deepEqual(
      [...dashboards.keys()],
      ['resources.json', 'snake.json', 'turn-pipeline.json'],
    );
    const uids = [...dashboards.values()].map((d) => d.uid);
    assert.equal(new Set(uids).size, uids.length);
  });

  test('each has a Prometheus datasource variable that every panel and query uses', () => {
    for (const [file, dashboard] of dashboards) {
      const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
      assert.equal(variable?.query, 'prometheus', `${file} has a prometheus datasource variable`);
      for (const panel of allPanels(dashboard).filter((p) => p.type !== 'row')) {
        const sources = [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)];
        for (const source of sources) {
          assert.deepEqual(
            source,
            { type: 'prometheus', uid: `\${${variable.name}}` },
            `${file} ${panel.title}`,
          );
        }
      }
    }
  });

  test('each has unique panel ids and panels inside the 24-column grid', () => {
    for (const [file, dashboard] of dashboards) {
      const panels = allPanels(dashboard);
      const ids = panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${file} panel ids are unique`);
      for (const { gridPos, title } of panels) {
        assert.ok(
          gridPos.x >= 0 && gridPos.w > 0 && gridPos.x + gridPos.w <= 24,
          `${file} ${title}`,
        );
      }
    }
  });

  test('every panel that is not a row queries something, with every variable defined', () => {
    for (const [file, dashboard] of dashboards) {
      for (const panel of allPanels(dashboard).filter((p) => p.type !== 'row')) {
        assert.ok((panel.targets ?? []).length > 0, `${file} "${panel.title}" has a query`);
      }
      for (const { expr, origin } of panelExpressions(file, dashboard)) {
        assert.doesNotThrow(() => substitute(expr, dashboard.templating.list), origin);
      }
    }
  });

  test('read only metrics in the README catalogue', () => {
    for (const [file, dashboard] of dashboards) {
      for (const { expr, origin } of panelExpressions(file, dashboard)) {
        const names = metricNames(expr);
        assert.ok(names.length > 0, `${origin} reads a metric`);
        for (const name of names) {
          assert.ok(
            catalogue.has(familyOf(name, catalogue)),
            `${origin}: ${name} is not in the catalogue`,
          );
        }
      }
    }
  });

  test('cover every snakepit metric in the catalogue', () => {
    const used = new Set(
      [...dashboards].flatMap(([file, d]) =>
        panelExpressions(file, d).flatMap(({ expr }) =>
          metricNames(expr).map((n) => familyOf(n, catalogue)),
        ),
      ),
    );
    const unused = [...catalogue.keys()].filter(
      (name) => name.startsWith('snakepit_') && !used.has(name),
    );
    assert.deepEqual(unused, []);
  });
});

describe('the chart alert rules', () => {
  test('read only metrics in the README catalogue', async () => {
    for (const rule of await loadAlertRules()) {
      for (const name of metricNames(rule.expr)) {
        assert.ok(
          catalogue.has(familyOf(name, catalogue)),
          `${rule.alert}: ${name} is not in the catalogue`,
        );
      }
    }
  });

  test('cover dead letters, the spool, lag, slow moves, persister readiness and consumers', async () => {
    const alerts = (await loadAlertRules()).map((r) => r.alert);
    for (const name of [
      'SnakepitTurnsDeadLettered',
      'SnakepitSpoolNotDraining',
      'SnakepitTurnLagHigh',
      'SnakepitMoveSlow',
      'SnakepitTurnPersisterNotReady',
      'SnakepitNoTurnConsumer',
    ]) {
      assert.ok(alerts.includes(name), `${name} exists`);
    }
  });

  test('pass promtool check rules', async () => {
    const { stdout } = await run('promtool', [
      'check',
      'rules',
      path.join(alertsDir, 'snakepit.yaml'),
    ]);
    assert.match(stdout, /SUCCESS: \d+ rules found/);
  });

  test('pass their promtool unit tests, each alert firing and staying quiet', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', 'tests/snakepit_test.yaml'], {
      cwd: alertsDir,
    });
    assert.match(stdout, /SUCCESS/);
  });
});

describe('metricNames', () => {
  test('finds metrics and skips functions, keywords, labels and ranges', () => {
    assert.deepEqual(
      metricNames(
        'histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{route=~".*move", le="0.5"}[5m]))) / on (x) b_total or vector(0)',
      ),
      ['a_bucket', 'b_total'],
    );
  });
});
