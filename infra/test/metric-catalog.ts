// The metrics a process of ours exports, read off the registry the apps build, for the PromQL checks
// of the dashboard, the alert rules and the autoscalers' queries.
import { jobCatalog } from '@meetlink/events';
import { createMetrics, QUEUE_JOB_STATES } from '@meetlink/observability';
import { DEPLOYED_APPS } from './infra-files';
import { parseWithPrometheusGrammar } from './official-promql';
import { analyzePromQL, metricNamesOf, parsePromQL } from './promql';
import type { CatalogMetric, Matcher, MetricCatalog, PromNode } from './promql';

/** Every metric with its type and label names; `up` is Prometheus' own series for each target. */
export const buildMetricCatalog = (): MetricCatalog => {
  const { registry } = createMetrics({ collectDefault: true });
  const catalog = new Map<string, CatalogMetric>();
  for (const metric of registry.getMetricsAsArray()) {
    const { labelNames } = metric as unknown as { labelNames?: readonly string[] };
    catalog.set(metric.name, {
      type: String(metric.type) as CatalogMetric['type'],
      labels: [...(labelNames ?? [])],
    });
  }
  catalog.set('up', { type: 'gauge', labels: [] });
  return catalog;
};

export const QUEUE_NAMES: ReadonlySet<string> = new Set(
  Object.values(jobCatalog).map((entry) => entry.queue),
);

/** Label values that must come from a fixed set the code defines. */
export const KNOWN_LABEL_VALUES: Readonly<Record<string, ReadonlySet<string>>> = {
  queue: QUEUE_NAMES,
  state: new Set(QUEUE_JOB_STATES),
  job: new Set(DEPLOYED_APPS.map((app) => app.name)),
};

/** The literal values a matcher names: `a` for ="a", each of a|b|c for =~"a|b|c"; none for a pattern. */
const literalValues = ({ op, value }: Matcher): string[] => {
  if (value.includes('$')) return [];
  if (op === '=' || op === '!=') return value === '' ? [] : [value];
  return /^[\w-]+(\|[\w-]+)*$/.test(value) ? value.split('|') : [];
};

export const matchersOf = (node: PromNode): Matcher[] => {
  switch (node.kind) {
    case 'selector':
      return node.matchers;
    case 'aggregate':
    case 'call':
      return node.args.flatMap(matchersOf);
    case 'binary':
      return [...matchersOf(node.lhs), ...matchersOf(node.rhs)];
    case 'range':
      return matchersOf(node.expr);
    default:
      return [];
  }
};

/**
 * Problems of one expression: PromQL to Prometheus' own grammar, metric names (read alike by both
 * parsers), labels, vector matching, and label values.
 */
export const checkAgainstCode = (
  expr: string,
  catalog: MetricCatalog,
  targetLabels: readonly string[],
): string[] => {
  const official = parseWithPrometheusGrammar(expr);
  if (official.errors.length)
    return official.errors.map((error) => `not PromQL to Prometheus' grammar ${error}`);
  const { problems } = analyzePromQL(expr, { catalog, targetLabels });
  if (problems.length) return problems;
  const ours = metricNamesOf(parsePromQL(expr));
  if (ours.join() !== official.metricNames.join())
    return [
      `read the metrics ${ours.join(', ')}; Prometheus' grammar reads ${official.metricNames.join(', ')}`,
    ];
  return matchersOf(parsePromQL(expr)).flatMap((matcher) => {
    const known = KNOWN_LABEL_VALUES[matcher.label];
    if (!known) return [];
    return literalValues(matcher)
      .filter((value) => !known.has(value))
      .map((value) => `${matcher.label}="${value}" is not one of ${[...known].join(', ')}`);
  });
};
