// Reading the dashboards, alert rules and metric catalogue the way the observability tests need:
// every PromQL expression with its origin, the metric names an expression reads, and Grafana's
// variables replaced by values Prometheus accepts.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dashboardsDir = path.join(repoRoot, 'charts/snakepit/dashboards');
export const alertsDir = path.join(repoRoot, 'charts/snakepit/alerts');

/** The parts of Grafana's dashboard JSON model the tests read. */
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { type: string; uid: string } }[];
  panels?: Panel[];
}
export interface Variable {
  type: string;
  name: string;
  query: unknown;
  allValue?: string;
  includeAll?: boolean;
}

/** One PromQL expression and where it lives, for messages. */
export interface Expression {
  origin: string;
  expr: string;
}

/** Every dashboard in the chart, by file name. */
export async function loadDashboards(): Promise<Map<string, Dashboard>> {
  const files = (await readdir(dashboardsDir)).filter((f) => f.endsWith('.json')).sort();
  const entries = await Promise.all(
    files.map(async (f) => {
      const text = await readFile(path.join(dashboardsDir, f), 'utf8');
      return [f, JSON.parse(text) as Dashboard] as const;
    }),
  );
  return new Map(entries);
}

/** Panels in layout order, the panels of collapsed rows included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Every target expression of every panel, with variables left in. */
export function panelExpressions(file: string, dashboard: Dashboard): Expression[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      origin: `${file} panel ${panel.id} "${panel.title}" ${target.refId}`,
      expr: target.expr,
    })),
  );
}

/** A rule as written in alerts/*.yaml. */
export interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
}

/** Every rule of every alerts/*.yaml file (the files the chart ships). */
export async function loadAlertRules(): Promise<AlertRule[]> {
  const files = (await readdir(alertsDir)).filter((f) => f.endsWith('.yaml'));
  const docs = await Promise.all(
    files.map(async (f) => parseYaml(await readFile(path.join(alertsDir, f), 'utf8')) as unknown),
  );
  return docs.flatMap((doc) => {
    const groups = (doc as { groups?: { rules: AlertRule[] }[] }).groups ?? [];
    return groups.flatMap((group) => group.rules);
  });
}

/**
 * Grafana's built-in interval variables. `$__rate_interval` is wider than Grafana would make it
 * for a 1 s scrape: a rate over 15 s once came back empty on a clean CI run (too few samples in
 * the window at that instant; the exact cause was not pinned down). 5 m spans the whole test,
 * so "returns data" checks the expression and its metrics, not the test's timing.
 */
const BUILTINS: Record<string, string> = {
  __rate_interval: '5m',
  __interval: '2s',
  __range: '2m',
};

/**
 * The expression with every `$var` / `${var}` replaced: built-in intervals by durations that
 * hold several scrapes, multi-value variables by their "All" value (`.*`, always used with
 * `=~`), text boxes by `overrides[name]` or their default.
 */
export function substitute(
  expr: string,
  variables: readonly Variable[],
  overrides: Record<string, string> = {},
): string {
  const values: Record<string, string> = { ...BUILTINS };
  for (const variable of variables) {
    if (variable.type === 'textbox') values[variable.name] = String(variable.query);
    else if (variable.includeAll) values[variable.name] = variable.allValue ?? '.*';
  }
  Object.assign(values, overrides);
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const value = values[braced ?? bare ?? ''];
    if (value === undefined) throw new Error(`no value for ${whole} in ${expr}`);
    return value;
  });
}

/** PromQL words that look like identifiers but are not metric names. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
  'le',
]);

/**
 * The metric names an expression reads. Strings, label matchers, ranges and grouping clauses
 * are removed first; what is left that is not a function call, keyword or number is a metric.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][\w:]*(?=\s*(\()?)/g)) {
    const [word, call] = [match[0], match[1]];
    if (call || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/** One row of the README's metric catalogue. */
export interface CatalogueEntry {
  name: string;
  type: string;
  labels: string[];
}

/**
 * The metric catalogue: every table row in the README's "Metrics" section whose first cell is a
 * metric name in backticks.
 */
export async function loadCatalogue(): Promise<Map<string, CatalogueEntry>> {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const section = /^## Metrics\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? '';
  const entries = new Map<string, CatalogueEntry>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([a-z_:][\w:]*)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    const labels = [...(cells[3] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '');
    entries.set(name, { name, type: cells[2] ?? '', labels });
  }
  return entries;
}

/** The catalogue name a series name belongs to: histograms and summaries add suffixes. */
export function familyOf(series: string, catalogue: ReadonlyMap<string, CatalogueEntry>): string {
  if (catalogue.has(series)) return series;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return catalogue.has(base) ? base : series;
}
