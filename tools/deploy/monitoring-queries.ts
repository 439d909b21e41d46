import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const monitoring = join(__dirname, '..', '..', 'deploy', 'k8s', 'base', 'monitoring');

export interface Query {
  /** Where the query comes from: an alert's name or a dashboard panel's title and refId. */
  source: string;
  expr: string;
}

interface Dashboard {
  panels: { title: string; targets?: { refId: string; expr: string }[] }[];
  templating: { list: { name: string; definition?: string }[] };
}

interface PrometheusRule {
  spec: { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] };
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(join(monitoring, 'grafana-dashboard.json'), 'utf8')) as Dashboard;
}

export function readPrometheusRule(): PrometheusRule {
  return parse(readFileSync(join(monitoring, 'prometheus-rule.yaml'), 'utf8')) as PrometheusRule;
}

/** Every PromQL expression of the dashboard's panels, with Grafana's variables replaced so Prometheus can parse them. */
export function dashboardQueries(): Query[] {
  return readDashboard().panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      source: `panel "${panel.title}" ${target.refId}`,
      expr: target.expr.replaceAll('$__rate_interval', '5m').replaceAll('$app', '.*'),
    })),
  );
}

export function alertQueries(): Query[] {
  return readPrometheusRule().spec.groups.flatMap((group) => group.rules.map((rule) => ({ source: `rule ${rule.alert ?? rule.record}`, expr: rule.expr })));
}

/** Metrics the dashboard's variables read (`label_values(<metric>, <label>)`). */
export function dashboardVariableMetrics(): string[] {
  return readDashboard().templating.list.flatMap((variable) => [...(variable.definition ?? '').matchAll(/label_values\(\s*([a-zA-Z_:][\w:]*)/g)].map((m) => m[1]));
}

const NOT_METRICS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Strings, label matchers, ranges and grouping
 * label lists are removed first; what remains that is not a function, keyword or number is a metric.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()/g)) {
    if (!NOT_METRICS.has(match[0].toLowerCase())) names.add(match[0]);
  }
  return [...names];
}

/** Every metric the dashboard and the alert rules read, sorted. */
export function monitoredMetricNames(): string[] {
  const names = [...dashboardQueries(), ...alertQueries()].flatMap((query) => metricNamesIn(query.expr));
  return [...new Set([...names, ...dashboardVariableMetrics()])].sort();
}

/** The series names a `/metrics` page can hold: each declared metric, and a histogram's or summary's derived series. */
export function exposedMetricNames(exposition: string): string[] {
  return exposition.split('\n').flatMap((line) => {
    const declared = /^# TYPE (\S+) (\w+)/.exec(line);
    if (!declared) return [];
    const [, name, type] = declared;
    if (type === 'histogram') return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
    if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
    return [name];
  });
}
