import { Counter, Histogram, Registry } from 'prom-client';
import { parsePrometheusText } from './prometheus-text';

describe('parsePrometheusText', () => {
  it('reads what prom-client writes: labels with escapes, histograms, types', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'x_total', help: 'x', labelNames: ['a'], registers: [registry] });
    counter.inc({ a: 'plain' }, 2);
    counter.inc({ a: 'quote " backslash \\ newline \n end' });
    const histogram = new Histogram({
      name: 'h_seconds',
      help: 'h',
      buckets: [0.1, 1],
      registers: [registry],
    });
    histogram.observe(0.5);
    const parsed = parsePrometheusText(await registry.metrics());
    expect(parsed.select('x_total', { a: 'plain' })).toEqual([
      { name: 'x_total', labels: { a: 'plain' }, value: 2 },
    ]);
    expect(parsed.select('x_total').map((s) => s.labels['a'])).toContain(
      'quote " backslash \\ newline \n end',
    );
    expect(parsed.sum('x_total')).toBe(3);
    expect(parsed.sum('h_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(parsed.sum('h_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(parsed.sum('h_seconds_count')).toBe(1);
    expect(parsed.types.get('h_seconds')).toBe('histogram');
  });

  it('takes timestamps, special values and lines without labels', () => {
    const parsed = parsePrometheusText(
      '# HELP a a\n# TYPE a gauge\na 1.5 1700000000000\nb{c="d"} NaN\nc -Inf\n',
    );
    expect(parsed.samples.map((s) => [s.name, s.value])).toEqual([
      ['a', 1.5],
      ['b', NaN],
      ['c', -Infinity],
    ]);
  });

  it('refuses what is not the text format', () => {
    expect(() => parsePrometheusText('a{b="c} 1')).toThrow(/unterminated/);
    expect(() => parsePrometheusText('a{b="c"} x')).toThrow(/not a sample value/);
  });
});
