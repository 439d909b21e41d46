import { APP_NAMES } from '@rekey/contracts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertQueries, dashboardQueries, exposedMetricNames, metricNamesIn, monitoredMetricNames, readDashboard, readPrometheusRule } from './monitoring-queries';
import { renderOverlay } from './render-overlay';

const root = join(__dirname, '..', '..');
const promtool = execFileSync(process.execPath, [join(root, 'tools', 'infra', 'cli.mjs'), 'promtool'], { encoding: 'utf8' }).trim();

/** Runs promtool in a directory of its own holding the given files; fails with promtool's output. */
function runPromtool(args: string[], files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rekey-promtool-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return execFileSync(promtool, args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn'; values: string[] }[];
}

/** Whether a Kubernetes label selector (matchLabels, In / NotIn expressions) selects these labels. */
function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const matches = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return matches && (selector.matchExpressions ?? []).every(({ key, operator, values }) => values.includes(labels[key]) === (operator === 'In'));
}

describe('alert rules', () => {
  it('are in both overlays as a PrometheusRule, with a PodMonitor scraping every app and the dashboard for Grafana', () => {
    for (const overlay of ['dev', 'prod']) {
      const objects = renderOverlay(overlay);
      const rule = objects.find((o) => o.kind === 'PrometheusRule');
      expect(rule?.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(rule?.spec).toEqual(readPrometheusRule().spec);
      const monitor = objects.find((o) => o.kind === 'PodMonitor')!;
      const { selector } = monitor.spec as { selector: LabelSelector };
      const scraped = objects.filter((o) => o.kind === 'Deployment' && selects(selector, (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels));
      expect(scraped.map((o) => o.metadata.name).sort()).toEqual(APP_NAMES.map((app) => `rekey-${app}`).sort());
      const dashboard = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('rekey-grafana-dashboard')) as unknown as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
      expect(dashboard.metadata.labels.grafana_dashboard).toBe('1');
      expect(JSON.parse(dashboard.data['rekey.json'])).toEqual(readDashboard());
    }
  });

  it('cover 5xx rate, outbox backlog, consumer lag and readiness flapping', () => {
    expect(alertQueries().map((q) => q.source)).toEqual(
      expect.arrayContaining(['rule RekeyHigh5xxRate', 'rule RekeyOutboxBacklogGrowing', 'rule RekeyConsumerLagHigh', 'rule RekeyReadinessFlapping']),
    );
  });

  it('pass promtool check rules and fire exactly as their unit tests expect', () => {
    const rules = stringify(readPrometheusRule().spec);
    expect(runPromtool(['check', 'rules', 'rules.yaml'], { 'rules.yaml': rules })).toContain('SUCCESS');
    const unitTests = readFileSync(join(__dirname, 'alerts.rules-test.yaml'), 'utf8');
    expect(runPromtool(['test', 'rules', 'alerts.rules-test.yaml'], { 'rules.yaml': rules, 'alerts.rules-test.yaml': unitTests })).toContain('SUCCESS');
  });
});

describe('the Grafana dashboard', () => {
  it('has a query per panel, each parsed by promtool', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(15);
    // Each query as a recording rule: `promtool check rules` parses every expression.
    const rules = stringify({ groups: [{ name: 'dashboard', rules: queries.map((q, i) => ({ record: `rekey:dashboard_query:${i}`, expr: q.expr })) }] });
    expect(runPromtool(['check', 'rules', 'rules.yaml'], { 'rules.yaml': rules })).toContain(`SUCCESS: ${queries.length} rules found`);
  });

  it('gives every panel a unique id and the dashboard data source', () => {
    const { panels } = readDashboard();
    expect(new Set(panels.map((p) => (p as { id?: number }).id)).size).toBe(panels.length);
    for (const panel of panels.filter((p) => p.targets)) expect((panel as { datasource?: { uid: string } }).datasource?.uid).toBe('${datasource}');
  });
});

describe('metric names in queries', () => {
  it('are the selected metrics, not functions, labels, keywords, durations or numbers', () => {
    const expr = 'histogram_quantile(0.99, sum by (app, le) (rate(a_seconds_bucket{status=~"5..", x="y{z}"}[5m:1m]))) > 1e3 and on (app) b_total offset 5m unless ignoring (pod) c';
    expect(metricNamesIn(expr).sort()).toEqual(['a_seconds_bucket', 'b_total', 'c']);
  });

  it("count a histogram's bucket, sum and count series as exposed", () => {
    const page = '# HELP h_seconds x\n# TYPE h_seconds histogram\nh_seconds_bucket{le="1"} 0\n# TYPE g gauge\ng 1\n';
    expect(exposedMetricNames(page).sort()).toEqual(['g', 'h_seconds', 'h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum']);
  });

  it('of the dashboard and the rules are all rekey_, process_ or nodejs_ metrics', () => {
    const names = monitoredMetricNames();
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(names.filter((n) => !/^(rekey|process|nodejs)_/.test(n))).toEqual([]);
  });
});
