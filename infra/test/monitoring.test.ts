// The Grafana dashboard, the Prometheus alert rules and scrape config, and Grafana's provisioning,
// checked against the metrics the code exports (createMetrics' registry) and against compose.
import { readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { METRIC_NAMES } from '@meetlink/observability';
import { DEPLOYED_APPS, INFRA, isRecord, readText, readYaml } from './infra-files';
import { buildMetricCatalog, checkAgainstCode } from './metric-catalog';
import { analyzePromQL, metricNamesOf, parsePromQL, resolveMetric } from './promql';

/** Labels every scraped series carries besides its own: the scrape job and the target. */
const TARGET_LABELS = ['job', 'instance'];

const catalog = buildMetricCatalog();
const APP_NAMES = new Set<string>(DEPLOYED_APPS.map((app) => app.name));

/** Problems of one expression: metric names, labels, vector matching, and label values. */
const problemsOf = (expr: string): string[] => checkAgainstCode(expr, catalog, TARGET_LABELS);

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: {
    list: { name: string; type: string; query: unknown; datasource?: { uid: string } }[];
  };
}

const DASHBOARD_DIR = join(INFRA, 'grafana', 'dashboards');
const dashboards = readdirSync(DASHBOARD_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, dashboard: JSON.parse(readText(join(DASHBOARD_DIR, file))) as Dashboard }));
const allPanels = (dashboard: Dashboard): Panel[] =>
  dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const alertsFile = readYaml(join(INFRA, 'prometheus', 'alerts.yml')) as {
  groups: { name: string; rules: AlertRule[] }[];
};
const alertRules = alertsFile.groups.flatMap((group) => group.rules.filter((rule) => rule.alert));

describe('the promql checker on the real catalog', () => {
  it('reads the registry: our metrics with their labels, histograms, and the default process metrics', () => {
    expect(catalog.get('meetlink_queue_jobs')).toEqual({ type: 'gauge', labels: ['queue', 'state'] });
    expect(catalog.get('meetlink_job_duration_seconds')?.type).toBe('histogram');
    expect(resolveMetric('meetlink_job_duration_seconds_bucket', catalog)?.labels).toContain('le');
    expect(catalog.has('process_cpu_seconds_total')).toBe(true);
    expect(catalog.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('rejects a metric the code does not export, and a label one does not have', () => {
    expect(problemsOf('rate(meetlink_jobz_total[5m])')).toEqual(['unknown metric meetlink_jobz_total']);
    expect(problemsOf('sum by (provider) (rate(meetlink_jobs_total[5m]))')).toEqual([
      'sum by (provider): no such label',
    ]);
    expect(problemsOf('meetlink_queue_jobs{queue="remindrs"}')).toEqual([
      expect.stringContaining('queue="remindrs" is not one of'),
    ]);
  });
});

describe.each(dashboards)('the Grafana dashboard $file', ({ dashboard }) => {
  const panels = allPanels(dashboard);
  const graphs = panels.filter((panel) => panel.type !== 'row');
  const targets = graphs.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));

  it('is a schemaVersion 39 dashboard with a Prometheus data source variable that every panel uses', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
    for (const panel of graphs) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({
        panel: panel.title,
        uid: '${datasource}',
      });
      for (const target of panel.targets ?? [])
        expect({ panel: panel.title, uid: target.datasource?.uid }).toEqual({
          panel: panel.title,
          uid: '${datasource}',
        });
    }
  });

  it('gives every panel its own id and a place on the 24-column grid that no other panel takes', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const { title, gridPos } of panels) {
      expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x += 1)
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y += 1) {
          const cell = `${x},${y}`;
          expect({ cell, taken: cells.get(cell) }).toEqual({ cell, taken: undefined });
          cells.set(cell, title);
        }
    }
  });

  it('queries only metrics and labels the code exports, with vectors that match', () => {
    expect(targets.length).toBeGreaterThan(0);
    const problems = targets.flatMap(({ panel, target }) =>
      problemsOf(target.expr).map((problem) => `${panel.title} (${target.refId}): ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it("reads its variables' values from metrics and labels that exist", () => {
    const queries = dashboard.templating.list.filter((v) => v.type === 'query');
    expect(queries.length).toBeGreaterThan(0);
    for (const variable of queries) {
      const query = isRecord(variable.query) ? String(variable.query['query']) : String(variable.query);
      const labelValues = /^label_values\(\s*([^,]+?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(query);
      expect({ variable: variable.name, query, matches: Boolean(labelValues) }).toMatchObject({
        matches: true,
      });
      const [, selector, label] = labelValues as unknown as [string, string, string];
      const { problems, labels } = analyzePromQL(selector, { catalog, targetLabels: TARGET_LABELS });
      expect(problems).toEqual([]);
      expect(typeof labels === 'string' ? [] : [...labels]).toContain(label);
      expect(variable.datasource?.uid).toBe('${datasource}');
    }
  });

  it('shows every metric of ours at least once', () => {
    const shown = new Set(
      targets.flatMap(({ target }) =>
        metricNamesOf(parsePromQL(target.expr)).map((name) => resolveMetric(name, catalog)?.metric ?? name),
      ),
    );
    expect(METRIC_NAMES.filter((name) => !shown.has(name))).toEqual([]);
  });
});

describe('the Prometheus alert rules', () => {
  it('covers the failure rate, the oldest waiting job, stuck delayed jobs, token refreshes and provider errors', () => {
    const read = new Set(alertRules.flatMap((rule) => metricNamesOf(parsePromQL(rule.expr))));
    for (const metric of [
      'meetlink_jobs_total',
      'meetlink_queue_oldest_waiting_age_seconds',
      'meetlink_queue_jobs',
      'meetlink_token_refreshes_total',
      'meetlink_provider_requests_total',
    ])
      expect(read).toContain(metric);
  });

  it.each(alertRules.map((rule) => [rule.alert!, rule] as const))(
    '%s has a for, a severity, a summary and a description',
    (_name, rule) => {
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.['severity']);
      expect(rule.annotations?.['summary']?.trim()).toBeTruthy();
      expect(rule.annotations?.['description']?.trim()).toBeTruthy();
    },
  );

  it.each(alertRules.map((rule) => [rule.alert!, rule] as const))(
    '%s reads metrics and labels the code exports, and its annotations name labels its result has',
    (_name, rule) => {
      expect(problemsOf(rule.expr)).toEqual([]);
      const { labels } = analyzePromQL(rule.expr, { catalog, targetLabels: TARGET_LABELS });
      const named = Object.values(rule.annotations ?? {}).flatMap((text) =>
        [...text.matchAll(/\$labels\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!),
      );
      const have = typeof labels === 'string' ? new Set<string>() : labels;
      expect(named.filter((label) => !have.has(label))).toEqual([]);
    },
  );

  it('names each alert once', () => {
    const names = alertRules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('the Prometheus and Grafana configuration for compose', () => {
  const compose = readYaml(join(INFRA, 'docker-compose.yml')) as {
    services: Record<
      string,
      { volumes?: string[]; secrets?: string[]; environment?: Record<string, string> }
    >;
  };
  const prometheus = readYaml(join(INFRA, 'prometheus', 'prometheus.yml')) as {
    rule_files: string[];
    scrape_configs: {
      job_name: string;
      metrics_path?: string;
      authorization?: { type?: string; credentials_file?: string };
      dns_sd_configs?: { names: string[]; type: string; port: number }[];
    }[];
  };
  /** Where a file of infra/ is mounted in a compose service: container path → infra-relative path. */
  const mountsOf = (service: string): Map<string, string> =>
    new Map(
      (compose.services[service]?.volumes ?? [])
        .filter((volume) => volume.startsWith('./'))
        .map((volume) => {
          const [source, target] = volume.split(':') as [string, string];
          return [target, posix.normalize(source)];
        }),
    );

  it('loads the alert rules from the file compose mounts beside the configuration', () => {
    const mounts = mountsOf('prometheus');
    const configPath = [...mounts].find(([, source]) => source === 'prometheus/prometheus.yml')?.[0];
    expect(configPath).toBeDefined();
    for (const ruleFile of prometheus.rule_files) {
      const mounted = mounts.get(posix.join(posix.dirname(configPath!), ruleFile));
      expect(mounted).toBe('prometheus/alerts.yml');
    }
  });

  it('scrapes each app under its compose service name, on the port the service listens on', () => {
    const jobs = new Map(prometheus.scrape_configs.map((job) => [job.job_name, job]));
    expect([...jobs.keys()].sort()).toEqual([...APP_NAMES].sort());
    for (const app of DEPLOYED_APPS) {
      const job = jobs.get(app.name)!;
      const env = compose.services[app.name]?.environment ?? {};
      expect(job.metrics_path ?? '/metrics').toBe('/metrics');
      expect(job.dns_sd_configs).toEqual([
        { names: [app.name], type: 'A', port: Number(app.isWorker ? env['OPS_PORT'] : env['PORT']) },
      ]);
    }
  });

  it("sends the intake's admin token from the compose secret Prometheus is given", () => {
    const intake = prometheus.scrape_configs.find((job) => job.job_name === 'intake-api')!;
    expect(intake.authorization?.type).toBe('Bearer');
    const secret = /^\/run\/secrets\/([a-z_]+)$/.exec(intake.authorization?.credentials_file ?? '')?.[1];
    expect(compose.services['prometheus']?.secrets).toContain(secret);
    expect(compose.services['intake-api']?.environment?.['ADMIN_TOKEN_FILE']).toBe(`/run/secrets/${secret}`);
  });

  it("provisions Grafana with compose's Prometheus and the dashboards folder compose mounts", () => {
    const mounts = mountsOf('grafana');
    expect(mounts.get('/etc/grafana/provisioning')).toBe('grafana/provisioning');
    const provider = readYaml(join(INFRA, 'grafana', 'provisioning', 'dashboards', 'meetlink.yml')) as {
      providers: { type: string; options: { path: string } }[];
    };
    for (const { options } of provider.providers) expect(mounts.get(options.path)).toBe('grafana/dashboards');
    const sources = readYaml(join(INFRA, 'grafana', 'provisioning', 'datasources', 'prometheus.yml')) as {
      datasources: { type: string; url: string }[];
    };
    const url = new URL(sources.datasources[0]!.url);
    expect(sources.datasources[0]!.type).toBe('prometheus');
    expect(compose.services[url.hostname]).toBeDefined();
    expect(url.port).toBe('9090');
  });
});
