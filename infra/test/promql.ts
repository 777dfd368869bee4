// A small PromQL parser and checker for the dashboards and alert rules in infra/: it finds the metric
// names an expression reads (not its label names, functions or keywords) and checks them, the labels
// it matches and groups by, and its vector matching, against a catalog of the metrics the code exports.

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export type PromNode =
  | { kind: 'selector'; name: string | undefined; matchers: Matcher[] }
  | { kind: 'aggregate'; op: string; grouping?: Grouping; args: PromNode[] }
  | { kind: 'call'; fn: string; args: PromNode[] }
  | { kind: 'binary'; op: string; lhs: PromNode; rhs: PromNode; matching?: Grouping; group?: Grouping }
  | { kind: 'range'; expr: PromNode }
  | { kind: 'number' }
  | { kind: 'string'; value: string }
  /** A Grafana variable standing where a scalar goes (`> $threshold`). */
  | { kind: 'variable' };

export interface Grouping {
  mode: string;
  labels: string[];
}

type Token =
  | { type: 'ident'; text: string }
  | { type: 'number'; text: string }
  | { type: 'duration'; text: string }
  | { type: 'string'; text: string }
  | { type: 'variable'; text: string }
  | { type: 'punct'; text: string };

export const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** Aggregations whose first argument is a parameter, not the vector. */
const PARAMETERIZED = new Set(['count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);

export const FUNCTIONS = new Set([
  'abs',
  'absent',
  'absent_over_time',
  'ceil',
  'changes',
  'clamp',
  'clamp_max',
  'clamp_min',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'delta',
  'deriv',
  'exp',
  'floor',
  'histogram_avg',
  'histogram_count',
  'histogram_fraction',
  'histogram_quantile',
  'histogram_sum',
  'holt_winters',
  'hour',
  'idelta',
  'increase',
  'irate',
  'label_join',
  'label_replace',
  'ln',
  'log2',
  'log10',
  'minute',
  'month',
  'predict_linear',
  'rate',
  'resets',
  'round',
  'scalar',
  'sgn',
  'sort',
  'sort_desc',
  'sqrt',
  'time',
  'timestamp',
  'vector',
  'year',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'quantile_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'last_over_time',
  'present_over_time',
]);

/** Binary operators and their precedence, as Prometheus binds them (^ is right-associative). */
const PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<=': 3,
  '<': 3,
  '>=': 3,
  '>': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};

const DURATION = /^\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y)(?:\d+(?:ms|s|m|h|d|w|y))*/;
const NUMBER = /^(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;
const IDENT = /^[A-Za-z_:][A-Za-z0-9_:]*/;
const PUNCT = [
  '=~',
  '!~',
  '==',
  '!=',
  '<=',
  '>=',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '@',
  ':',
];

export const tokenize = (source: string): Token[] => {
  const tokens: Token[] = [];
  let rest = source;
  while (rest.length > 0) {
    const space = /^(?:\s+|#[^\n]*)/.exec(rest);
    if (space) {
      rest = rest.slice(space[0].length);
      continue;
    }
    const first = rest[0]!;
    if (first === '"' || first === "'" || first === '`') {
      let end = 1;
      while (end < rest.length && rest[end] !== first) end += first !== '`' && rest[end] === '\\' ? 2 : 1;
      if (end >= rest.length) throw new Error(`unterminated string in ${JSON.stringify(source)}`);
      tokens.push({ type: 'string', text: rest.slice(1, end) });
      rest = rest.slice(end + 1);
      continue;
    }
    // Grafana's template variables: $name, ${name}, ${name:format}, [[name]].
    const variable = /^(?:\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]+\]\])/.exec(rest);
    if (variable) {
      tokens.push({ type: 'variable', text: variable[0] });
      rest = rest.slice(variable[0].length);
      continue;
    }
    // A duration before a number: `5m` is one token, not 5 and a metric named m.
    const match = (
      [
        ['duration', DURATION],
        ['number', NUMBER],
        ['ident', IDENT],
      ] as const
    )
      .map(([type, pattern]) => ({ type, found: pattern.exec(rest) }))
      .find(({ found }) => found !== null);
    if (match?.found) {
      tokens.push({ type: match.type, text: match.found[0] });
      rest = rest.slice(match.found[0].length);
      continue;
    }
    const punct = PUNCT.find((p) => rest.startsWith(p));
    if (!punct)
      throw new Error(`unexpected ${JSON.stringify(rest.slice(0, 10))} in ${JSON.stringify(source)}`);
    tokens.push({ type: 'punct', text: punct });
    rest = rest.slice(punct.length);
  }
  return tokens;
};

/** Parses one PromQL expression (Grafana variables allowed where a value or a range goes). */
export const parsePromQL = (source: string): PromNode => {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (offset = 0): Token | undefined => tokens[at + offset];
  const fail = (wanted: string): never => {
    const found = peek();
    throw new Error(`expected ${wanted} at ${found ? JSON.stringify(found.text) : 'the end'} in ${source}`);
  };
  const isPunct = (text: string, token = peek()): boolean => token?.type === 'punct' && token.text === text;
  const isWord = (text: string, token = peek()): boolean => token?.type === 'ident' && token.text === text;
  const expect = (text: string): void => {
    if (!isPunct(text)) fail(`"${text}"`);
    at += 1;
  };

  /** `by (a, b)`, `on (a)`, `group_left (a)`: the keyword, then the list. */
  const parseLabelList = (): Grouping => {
    const mode = peek()!.text;
    at += 1;
    expect('(');
    const labels: string[] = [];
    while (!isPunct(')')) {
      const token = peek();
      if (token?.type !== 'ident' && token?.type !== 'string') fail('a label name');
      labels.push(token!.text);
      at += 1;
      if (!isPunct(')')) expect(',');
    }
    expect(')');
    return { mode, labels };
  };

  const parseMatchers = (): Matcher[] => {
    expect('{');
    const matchers: Matcher[] = [];
    while (!isPunct('}')) {
      const label = peek();
      if (label?.type !== 'ident' && label?.type !== 'string') fail('a label name');
      at += 1;
      const op = peek();
      if (op?.type !== 'punct' || !['=', '!=', '=~', '!~'].includes(op.text)) fail('a matcher operator');
      at += 1;
      const value = peek();
      if (value?.type !== 'string') fail('a quoted label value');
      at += 1;
      matchers.push({ label: label!.text, op: op!.text as Matcher['op'], value: value!.text });
      if (!isPunct('}')) expect(',');
    }
    expect('}');
    return matchers;
  };

  const parseArgs = (): PromNode[] => {
    expect('(');
    const args: PromNode[] = [];
    while (!isPunct(')')) {
      args.push(parseExpr());
      if (!isPunct(')')) expect(',');
    }
    expect(')');
    return args;
  };

  const parsePrimary = (): PromNode => {
    const token = peek() ?? fail('an expression');
    if (token.type === 'number' || token.type === 'duration') {
      at += 1;
      return { kind: 'number' };
    }
    if (token.type === 'string') {
      at += 1;
      return { kind: 'string', value: token.text };
    }
    if (token.type === 'variable') {
      at += 1;
      return { kind: 'variable' };
    }
    if (isPunct('(')) {
      at += 1;
      const inner = parseExpr();
      expect(')');
      return inner;
    }
    if (isPunct('{')) return { kind: 'selector', name: undefined, matchers: parseMatchers() };
    if (token.type !== 'ident') return fail('an expression');
    const name = token.text;
    at += 1;
    const lower = name.toLowerCase();
    if (lower === 'inf' || lower === 'nan') return { kind: 'number' };
    const next = peek();
    if (AGGREGATIONS.has(name) && (isPunct('(', next) || isWord('by', next) || isWord('without', next))) {
      let grouping: Grouping | undefined;
      if (isWord('by') || isWord('without')) grouping = parseLabelList();
      const args = parseArgs();
      if (!grouping && (isWord('by') || isWord('without'))) grouping = parseLabelList();
      return grouping
        ? { kind: 'aggregate', op: name, grouping, args }
        : { kind: 'aggregate', op: name, args };
    }
    if (isPunct('(', next)) return { kind: 'call', fn: name, args: parseArgs() };
    return { kind: 'selector', name, matchers: isPunct('{') ? parseMatchers() : [] };
  };

  const parsePostfix = (): PromNode => {
    let node = parsePrimary();
    for (;;) {
      if (isPunct('[')) {
        // A range or subquery: [5m], [$__rate_interval], [1h:5m]; nothing in it names a metric.
        at += 1;
        while (!isPunct(']')) {
          if (!peek()) fail('"]"');
          at += 1;
        }
        at += 1;
        node = { kind: 'range', expr: node };
      } else if (isWord('offset')) {
        at += 1;
        if (isPunct('-')) at += 1;
        const duration = peek();
        if (duration?.type !== 'duration' && duration?.type !== 'variable') fail('a duration after offset');
        at += 1;
      } else if (isPunct('@')) {
        at += 1;
        if (isWord('start') || isWord('end')) {
          at += 1;
          expect('(');
          expect(')');
        } else {
          if (isPunct('-')) at += 1;
          if (peek()?.type !== 'number' && peek()?.type !== 'variable') fail('a timestamp after @');
          at += 1;
        }
      } else {
        return node;
      }
    }
  };

  const parseUnary = (): PromNode => {
    if (isPunct('-') || isPunct('+')) {
      at += 1;
      return parseUnary();
    }
    return parsePostfix();
  };

  const parseExpr = (minPrecedence = 1): PromNode => {
    let node = parseUnary();
    for (;;) {
      const token = peek();
      const op = token && (token.type === 'punct' || token.type === 'ident') ? token.text : undefined;
      const precedence = op === undefined ? undefined : PRECEDENCE[op];
      if (op === undefined || precedence === undefined || precedence < minPrecedence) return node;
      at += 1;
      if (isWord('bool')) at += 1;
      let matching: Grouping | undefined;
      let group: Grouping | undefined;
      if (isWord('on') || isWord('ignoring')) matching = parseLabelList();
      if (isWord('group_left') || isWord('group_right')) {
        if (isPunct('(', peek(1))) {
          group = parseLabelList();
        } else {
          group = { mode: peek()!.text, labels: [] };
          at += 1;
        }
      }
      const rhs = parseExpr(op === '^' ? precedence : precedence + 1);
      node = {
        kind: 'binary',
        op,
        lhs: node,
        rhs,
        ...(matching ? { matching } : {}),
        ...(group ? { group } : {}),
      };
    }
  };

  const root = parseExpr();
  if (at !== tokens.length) fail('the end of the expression');
  return root;
};

export interface CatalogMetric {
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  labels: readonly string[];
}

export type MetricCatalog = ReadonlyMap<string, CatalogMetric>;

export interface CheckOptions {
  catalog: MetricCatalog;
  /** Labels Prometheus adds to every scraped series (job, instance, target labels). */
  targetLabels: readonly string[];
}

/** The metric names an expression reads, as written (histogram suffixes kept). */
export const metricNamesOf = (node: PromNode): string[] => {
  switch (node.kind) {
    case 'selector': {
      const byName = node.matchers.find((m) => m.label === '__name__' && m.op === '=');
      const name = node.name ?? byName?.value;
      return name ? [name] : [];
    }
    case 'aggregate':
    case 'call':
      return node.args.flatMap(metricNamesOf);
    case 'binary':
      return [...metricNamesOf(node.lhs), ...metricNamesOf(node.rhs)];
    case 'range':
      return metricNamesOf(node.expr);
    default:
      return [];
  }
};

/** Resolves a series name to its metric: `x_bucket` of histogram `x` is `x` with an `le` label. */
export const resolveMetric = (
  name: string,
  catalog: MetricCatalog,
): { metric: string; labels: readonly string[] } | undefined => {
  const direct = catalog.get(name);
  if (direct)
    return {
      metric: name,
      labels: direct.type === 'summary' ? [...direct.labels, 'quantile'] : direct.labels,
    };
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!suffix) return undefined;
  const [, base, kind] = suffix as unknown as [string, string, string];
  const metric = catalog.get(base);
  if (!metric) return undefined;
  if (metric.type === 'histogram')
    return { metric: base, labels: kind === 'bucket' ? [...metric.labels, 'le'] : metric.labels };
  if (metric.type === 'summary' && kind !== 'bucket') return { metric: base, labels: metric.labels };
  return undefined;
};

/** A series' label names; 'scalar' for a number; 'unknown' below a metric already reported unknown. */
export type Labels = ReadonlySet<string> | 'scalar' | 'unknown';

export interface Analysis {
  /** Every problem against the catalog; empty when the expression reads what the code exports. */
  problems: string[];
  /** The labels of the result's series (what an alert's `$labels` can name), or a scalar. */
  labels: Labels;
}

export const analyzePromQL = (source: string, { catalog, targetLabels }: CheckOptions): Analysis => {
  let root: PromNode;
  try {
    root = parsePromQL(source);
  } catch (error) {
    return { problems: [(error as Error).message], labels: new Set() };
  }
  const problems: string[] = [];
  const report = (problem: string): void => void problems.push(problem);
  const missing = (labels: readonly string[], have: ReadonlySet<string>): string[] =>
    labels.filter((label) => !have.has(label));

  const labelsOf = (node: PromNode): Labels => {
    switch (node.kind) {
      case 'number':
      case 'string':
      case 'variable':
        return 'scalar';
      case 'range':
        return labelsOf(node.expr);
      case 'selector': {
        const [name] = metricNamesOf(node);
        if (!name) {
          report(`a selector without a metric name: ${source}`);
          return new Set(targetLabels);
        }
        const resolved = resolveMetric(name, catalog);
        if (!resolved) {
          report(`unknown metric ${name}`);
          return 'unknown';
        }
        const have = new Set([...resolved.labels, ...targetLabels, '__name__']);
        const unknown = missing(
          node.matchers.map((m) => m.label),
          have,
        );
        if (unknown.length) report(`${name} has no label ${unknown.join(', ')}`);
        have.delete('__name__');
        return have;
      }
      case 'aggregate': {
        const vectorArg = PARAMETERIZED.has(node.op) ? node.args[1] : node.args[0];
        if (!vectorArg) {
          report(`${node.op}() without a vector`);
          return new Set();
        }
        node.args.filter((arg) => arg !== vectorArg).forEach(labelsOf);
        const inner = labelsOf(vectorArg);
        if (inner === 'scalar') {
          report(`${node.op}() over a scalar`);
          return new Set();
        }
        if (inner === 'unknown')
          return node.grouping?.mode === 'by' ? new Set(node.grouping.labels) : 'unknown';
        if (node.grouping) {
          const unknown = missing(node.grouping.labels, inner);
          if (unknown.length)
            report(`${node.op} ${node.grouping.mode} (${unknown.join(', ')}): no such label`);
        }
        const param = node.args[0];
        const extra = node.op === 'count_values' && param?.kind === 'string' ? [param.value] : [];
        if (!node.grouping) {
          return ['topk', 'bottomk', 'limitk', 'limit_ratio'].includes(node.op) ? inner : new Set(extra);
        }
        if (node.grouping.mode === 'by') return new Set([...node.grouping.labels, ...extra]);
        const without = new Set(node.grouping.labels);
        return new Set([...[...inner].filter((label) => !without.has(label)), ...extra]);
      }
      case 'call': {
        if (!FUNCTIONS.has(node.fn)) report(`unknown function ${node.fn}()`);
        const args = node.args.map(labelsOf);
        if (['time', 'scalar', 'pi'].includes(node.fn)) return 'scalar';
        if (node.fn === 'vector') return new Set();
        const vectorIndex = node.fn === 'histogram_quantile' || node.fn === 'quantile_over_time' ? 1 : 0;
        const vector = args[vectorIndex];
        if (vector === undefined || vector === 'scalar') {
          report(`${node.fn}() without a vector argument`);
          return new Set();
        }
        if (vector === 'unknown') return 'unknown';
        if (node.fn === 'histogram_quantile') {
          if (!vector.has('le')) report(`histogram_quantile() over a vector without the le label: ${source}`);
          return new Set([...vector].filter((label) => label !== 'le'));
        }
        if (node.fn === 'label_replace' || node.fn === 'label_join') {
          const dst = node.args[1];
          return dst?.kind === 'string' ? new Set([...vector, dst.value]) : vector;
        }
        return vector;
      }
      case 'binary': {
        const lhs = labelsOf(node.lhs);
        const rhs = labelsOf(node.rhs);
        if (lhs === 'scalar') return rhs;
        if (rhs === 'scalar') return lhs;
        if (lhs === 'unknown' || rhs === 'unknown') return 'unknown';
        const describe = (labels: ReadonlySet<string>): string => `{${[...labels].sort().join(', ')}}`;
        if (node.matching?.mode === 'on') {
          const unknown = [...missing(node.matching.labels, lhs), ...missing(node.matching.labels, rhs)];
          if (unknown.length)
            report(`on (${[...new Set(unknown)].join(', ')}): not on both sides of ${node.op}`);
        } else if (node.op !== 'or') {
          // One-to-one matching on every label (minus ignoring's): label sets that differ match nothing.
          const ignored = new Set(node.matching?.labels ?? []);
          const left = [...lhs].filter((label) => !ignored.has(label));
          const right = [...rhs].filter((label) => !ignored.has(label));
          const same = left.length === right.length && left.every((label) => rhs.has(label));
          if (!same && !node.group)
            report(`${node.op} matches ${describe(lhs)} with ${describe(rhs)}: no series would match`);
        }
        if (node.op === 'or') return new Set([...lhs, ...rhs]);
        if (node.group?.mode === 'group_left') {
          const unknown = missing(node.group.labels, rhs);
          if (unknown.length) report(`group_left (${unknown.join(', ')}): not on the right-hand side`);
          return new Set([...lhs, ...node.group.labels]);
        }
        if (node.group?.mode === 'group_right') {
          const unknown = missing(node.group.labels, lhs);
          if (unknown.length) report(`group_right (${unknown.join(', ')}): not on the left-hand side`);
          return new Set([...rhs, ...node.group.labels]);
        }
        return lhs;
      }
    }
  };

  const labels = labelsOf(root);
  return { problems, labels };
};

/** The problems alone. */
export const checkPromQL = (source: string, options: CheckOptions): string[] =>
  analyzePromQL(source, options).problems;
