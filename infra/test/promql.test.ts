// The PromQL checker the dashboard and alert tests rely on: metric names told apart from labels,
// functions and keywords; labels checked where they are matched, grouped and compared.
import { parseWithPrometheusGrammar } from './official-promql';
import { checkPromQL, metricNamesOf, parsePromQL } from './promql';
import type { CatalogMetric } from './promql';

const catalog = new Map<string, CatalogMetric>([
  ['meetlink_jobs_total', { type: 'counter', labels: ['queue', 'outcome'] }],
  ['meetlink_job_duration_seconds', { type: 'histogram', labels: ['queue'] }],
  ['meetlink_queue_jobs', { type: 'gauge', labels: ['queue', 'state'] }],
  ['rpc_seconds', { type: 'summary', labels: ['method'] }],
]);
const check = (expr: string): string[] => checkPromQL(expr, { catalog, targetLabels: ['job', 'instance'] });
const namesIn = (expr: string): string[] => metricNamesOf(parsePromQL(expr));

describe('metricNamesOf', () => {
  it.each([
    ['sum by (queue) (rate(meetlink_jobs_total{outcome="failed"}[5m]))', ['meetlink_jobs_total']],
    ['sum(rate(meetlink_jobs_total[5m])) without (instance)', ['meetlink_jobs_total']],
    [
      'histogram_quantile(0.95, sum by (le) (rate(meetlink_job_duration_seconds_bucket[$__rate_interval])))',
      ['meetlink_job_duration_seconds_bucket'],
    ],
    ['a > 0 and on (queue) group_left (state) b unless c offset 1h', ['a', 'b', 'c']],
    ['{__name__="meetlink_queue_jobs", queue="email"}', ['meetlink_queue_jobs']],
    ['topk(5, max_over_time(x[1h:5m])) > bool 3', ['x']],
    ['label_replace(up, "app", "$1", "job", "(.*)") * -1 ^ 2', ['up']],
    ['count_values("value", x @ end())', ['x']],
  ])('%s reads %j, as the Prometheus grammar does', (expr, names) => {
    expect(namesIn(expr)).toEqual(names);
    expect(parseWithPrometheusGrammar(expr)).toEqual({ errors: [], metricNames: names });
  });

  it('agrees with the Prometheus grammar on what is not PromQL', () => {
    expect(parseWithPrometheusGrammar('sum by queue (x)').errors).not.toEqual([]);
    expect(parseWithPrometheusGrammar('rate(x[5m]').errors).not.toEqual([]);
  });

  it('binds comparisons before and/unless, and ^ to the right', () => {
    const node = parsePromQL('a > 0 and b == 0');
    expect(node).toMatchObject({ kind: 'binary', op: 'and', lhs: { op: '>' }, rhs: { op: '==' } });
    expect(parsePromQL('a ^ b ^ c')).toMatchObject({
      op: '^',
      lhs: { kind: 'selector', name: 'a' },
      rhs: { op: '^' },
    });
  });

  it('refuses what is not PromQL', () => {
    expect(() => parsePromQL('sum by queue (x)')).toThrow(/expected "\("/);
    expect(() => parsePromQL('x{queue=email}')).toThrow(/quoted label value/);
    expect(() => parsePromQL('rate(x[5m]')).toThrow(/expected/);
  });
});

describe('checkPromQL', () => {
  it('passes what the catalog has', () => {
    expect(
      check(
        'histogram_quantile(0.99, sum by (le, queue) (rate(meetlink_job_duration_seconds_bucket{queue=~"$queue"}[5m])))',
      ),
    ).toEqual([]);
    expect(
      check(
        'sum by (queue) (rate(meetlink_job_duration_seconds_sum[5m])) / sum by (queue) (rate(meetlink_job_duration_seconds_count[5m]))',
      ),
    ).toEqual([]);
    expect(check('rpc_seconds{quantile="0.99"}')).toEqual([]);
  });

  it('reports a metric the catalog lacks, and a histogram suffix on a counter', () => {
    expect(check('rate(meetlink_job_total[5m])')).toEqual(['unknown metric meetlink_job_total']);
    expect(check('meetlink_jobs_total_bucket')).toEqual(['unknown metric meetlink_jobs_total_bucket']);
  });

  it('reports a matcher, a grouping and an on() label the series do not carry', () => {
    expect(check('meetlink_jobs_total{state="x"}')).toEqual(['meetlink_jobs_total has no label state']);
    expect(check('sum by (state) (meetlink_jobs_total)')).toEqual(['sum by (state): no such label']);
    expect(
      check('sum by (queue) (meetlink_jobs_total) / on (state) sum by (queue) (meetlink_jobs_total)'),
    ).toEqual(['on (state): not on both sides of /']);
  });

  it('reports a grouping over labels that an inner aggregation dropped', () => {
    expect(check('max by (queue) (sum by (outcome) (meetlink_jobs_total))')).toEqual([
      'max by (queue): no such label',
    ]);
  });

  it('reports histogram_quantile over buckets summed without le', () => {
    expect(
      check('histogram_quantile(0.5, sum by (queue) (rate(meetlink_job_duration_seconds_bucket[5m])))'),
    ).toEqual([expect.stringContaining('without the le label')]);
  });

  it('reports two vectors with different labels matched one-to-one, which matches no series', () => {
    expect(check('meetlink_queue_jobs > 0 and sum by (queue) (meetlink_jobs_total)')).toEqual([
      'and matches {instance, job, queue, state} with {queue}: no series would match',
    ]);
    expect(check('meetlink_queue_jobs > 0 and on (queue) sum by (queue) (meetlink_jobs_total)')).toEqual([]);
    expect(check('sum by (queue) (meetlink_queue_jobs) or sum by (outcome) (meetlink_jobs_total)')).toEqual(
      [],
    );
  });

  it('reports a function PromQL does not have', () => {
    expect(check('rates(meetlink_jobs_total[5m])')).toEqual(['unknown function rates()']);
  });
});
