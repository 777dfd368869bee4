// The Prometheus project's own PromQL grammar (the Lezer parser its web UI uses), as a second opinion
// on every expression: it must parse without an error, and name the metrics our checker names.
import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's interval variables stand where a duration goes; the grammar takes a duration there. */
const withGrafanaIntervals = (expr: string): string => expr.replace(/\$__[a-z_]+/g, '5m');

export interface OfficialParse {
  /** Where the grammar failed, as `at <offset>: <text there>`; empty when the expression is PromQL. */
  errors: string[];
  /** The metric names of its vector selectors, in order. */
  metricNames: string[];
}

export const parseWithPrometheusGrammar = (source: string): OfficialParse => {
  const expr = withGrafanaIntervals(source);
  const errors: string[] = [];
  const metricNames: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError)
        errors.push(`at ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 20))}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        metricNames.push(expr.slice(node.from, node.to));
      // {__name__="x"}: a selector that names its metric by the label.
      const byName =
        node.name === 'UnquotedLabelMatcher' &&
        /^__name__\s*=\s*"([^"]*)"$/.exec(expr.slice(node.from, node.to));
      if (byName) metricNames.push(byName[1]!);
    },
  });
  return { errors, metricNames };
};
