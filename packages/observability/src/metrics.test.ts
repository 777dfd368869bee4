import { createMetrics, METRIC_NAMES, MetricName } from './metrics';
import { parsePrometheusText } from './prometheus-text';

describe('createMetrics', () => {
  it('registers every metric of ours and the default process metrics', async () => {
    const { registry } = createMetrics();
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining([...METRIC_NAMES]));
    expect(names).toEqual(
      expect.arrayContaining(['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']),
    );
  });

  it('leaves the process metrics out when asked, and keeps two registries apart', async () => {
    const one = createMetrics({ collectDefault: false });
    const two = createMetrics({ collectDefault: false });
    one.jobs.inc({ queue: 'conference', outcome: 'completed' });
    const names = (await one.registry.getMetricsAsJSON()).map((metric) => metric.name).sort();
    expect(names).toEqual([...METRIC_NAMES].sort());
    expect(parsePrometheusText(await one.registry.metrics()).sum(MetricName.jobs)).toBe(1);
    expect(parsePrometheusText(await two.registry.metrics()).sum(MetricName.jobs)).toBe(0);
  });

  it('reads the queue gauge from its sources at scrape time, leaving out a source that fails', async () => {
    const metrics = createMetrics({ collectDefault: false });
    let waiting = 3;
    metrics.addQueueJobsSource(() =>
      Promise.resolve([{ queue: 'conference', counts: { waiting, active: 1, delayed: 0, failed: 2 } }]),
    );
    metrics.addQueueJobsSource(() => Promise.reject(new Error('redis is away')));
    const first = parsePrometheusText(await metrics.registry.metrics());
    expect(first.select(MetricName.queueJobs).map((s) => [s.labels['state'] ?? '', s.value])).toEqual([
      ['waiting', 3],
      ['active', 1],
      ['delayed', 0],
      ['failed', 2],
    ]);
    waiting = 0;
    const second = parsePrometheusText(await metrics.registry.metrics());
    expect(second.sum(MetricName.queueJobs, { queue: 'conference', state: 'waiting' })).toBe(0);
  });
});
