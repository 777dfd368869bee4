// Reads Prometheus' text exposition format (version 0.0.4, what /metrics serves) back into samples:
// for tests and tools that scrape our endpoints and need the numbers, not a regex over the text.
export interface MetricSample {
  /** The series' name as exposed (`meetlink_jobs_total`, `…_bucket`, `…_sum`, `…_count`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedMetrics {
  samples: MetricSample[];
  /** `# TYPE` lines: metric family → counter, gauge, histogram, summary, untyped. */
  types: Map<string, string>;
  /** Samples of `name` whose labels include every one of `labels`. */
  select(name: string, labels?: Record<string, string>): MetricSample[];
  /** The sum of those samples' values (0 when there are none). */
  sum(name: string, labels?: Record<string, string>): number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

const parseValue = (text: string): number => {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`not a sample value: "${text}"`);
  return value;
};

/** `{a="x",b="y\"z"}` from `start` (at the brace): the labels and the index after the closing brace. */
const parseLabels = (line: string, start: number): { labels: Record<string, string>; end: number } => {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i += 1;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))?.[0];
    if (!name) throw new Error(`bad label name at ${i}: ${line}`);
    i += name.length;
    if (line[i] !== '=' || line[i + 1] !== '"') throw new Error(`bad label at ${i}: ${line}`);
    i += 2;
    let value = '';
    for (;;) {
      const char = line[i];
      if (char === undefined) throw new Error(`unterminated label value: ${line}`);
      i += 1;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = line[i];
        i += 1;
        value += escaped === 'n' ? '\n' : (escaped ?? '');
      } else {
        value += char;
      }
    }
    labels[name] = value;
  }
};

export const parsePrometheusText = (text: string): ParsedMetrics => {
  const samples: MetricSample[] = [];
  const types = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      continue;
    }
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`not a sample line: ${line}`);
    let rest = name.length;
    let labels: Record<string, string> = {};
    if (line[rest] === '{') ({ labels, end: rest } = parseLabels(line, rest));
    // The value, then an optional timestamp.
    const [value] = line.slice(rest).trim().split(/\s+/);
    samples.push({ name, labels, value: parseValue(value ?? '') });
  }
  const select = (name: string, labels: Record<string, string> = {}): MetricSample[] =>
    samples.filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  return {
    samples,
    types,
    select,
    sum: (name, labels) => select(name, labels).reduce((total, sample) => total + sample.value, 0),
  };
};
