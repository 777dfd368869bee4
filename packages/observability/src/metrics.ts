// The pipeline's Prometheus metrics: one registry per process, its metrics declared once here so names
// and labels never drift between the apps, the dashboards and the alert rules in infra/. Every label
// takes values from a small, fixed set (queue, step, provider, operation, outcome, HTTP status): never
// a booking id, an email address or a token.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric of ours by what it measures; prom-client's default process metrics come on top. */
export const MetricName = {
  /** Gauge {queue, state}: jobs per queue and state, read from Redis when scraped. */
  queueJobs: 'meetlink_queue_jobs',
  /** Gauge {queue}: how long the oldest waiting job has waited for a worker (0: none waits). */
  queueOldestWaitingAge: 'meetlink_queue_oldest_waiting_age_seconds',
  /** Gauge {queue}: how far past its time the most overdue delayed job is (0: none is overdue). */
  queueOldestOverdueDelayed: 'meetlink_queue_oldest_overdue_delayed_seconds',
  /** Counter {queue, outcome}: every try of a job, by how it ended. */
  jobs: 'meetlink_jobs_total',
  /** Histogram {queue}: how long a try ran (tries that waited out a rate limit or a lease are left out). */
  jobDuration: 'meetlink_job_duration_seconds',
  /** Histogram {step}: from the event's acceptance at the intake to the step settled for good. */
  bookingLatency: 'meetlink_booking_latency_seconds',
  /** Counter {provider, operation, status}: every call to a vendor, by its answer. */
  providerRequests: 'meetlink_provider_requests_total',
  /** Histogram {provider, operation}: a vendor call until its answer's headers (or its failure). */
  providerRequestDuration: 'meetlink_provider_request_duration_seconds',
  /** Counter {provider, scope}: jobs that waited out a vendor's rate limit without spending an attempt. */
  rateLimitWaits: 'meetlink_rate_limit_waits_total',
  /** Counter {provider, outcome}: every call to a vendor's OAuth token endpoint (a new access token). */
  tokenRefreshes: 'meetlink_token_refreshes_total',
  /** Counter {outcome}: booking events at POST /v1/events, by what became of them. */
  intakeEvents: 'meetlink_intake_events_total',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** The names above, for dashboards' and alert rules' tests. */
export const METRIC_NAMES: readonly MetricName[] = Object.values(MetricName);

export const QUEUE_JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];

export type JobOutcome =
  /** The processor returned. */
  | 'completed'
  /** Ended for good: a permanent error, a spent retry horizon, a payload that can never parse. */
  | 'failed'
  /** Failed, and another try is scheduled after the policy's backoff. */
  | 'retried'
  /** Put back to wait without spending an attempt: a rate limit, a busy lease, a reminder not due yet. */
  | 'deferred';

export type TokenRefreshOutcome =
  | 'success'
  /** The endpoint refused the grant (4xx): a dead refresh token, a revoked app. */
  | 'rejected'
  | 'rate_limited'
  /** No usable answer: a network failure, a timeout, a 5xx. */
  | 'error';

/**
 * `accepted`, `duplicate` (a replayed webhook-id), `stale` (an older version than the stored one),
 * or `rejected_<code>` with the error code the answer carried (`rejected_invalid_signature`…).
 */
export type IntakeEventOutcome = 'accepted' | 'duplicate' | 'stale' | `rejected_${string}`;

/** One queue's job counts, as a queue-jobs source reports them. */
export interface QueueJobCounts {
  queue: string;
  counts: Readonly<Record<QueueJobState, number>>;
  /** Seconds the oldest waiting job has waited; 0 when none waits. */
  oldestWaitingAgeSeconds?: number;
  /** Seconds the most overdue delayed job is past its time; 0 when none is overdue. */
  oldestOverdueDelayedSeconds?: number;
}

/** Read when /metrics is scraped; a source that fails leaves its queues out of that scrape. */
export type QueueJobsSource = () => Promise<readonly QueueJobCounts[]>;

export interface Metrics {
  readonly registry: Registry;
  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly queueOldestWaitingAge: Gauge<'queue'>;
  readonly queueOldestOverdueDelayed: Gauge<'queue'>;
  readonly jobs: Counter<'queue' | 'outcome'>;
  readonly jobDuration: Histogram<'queue'>;
  readonly bookingLatency: Histogram<'step'>;
  readonly providerRequests: Counter<'provider' | 'operation' | 'status'>;
  readonly providerRequestDuration: Histogram<'provider' | 'operation'>;
  readonly rateLimitWaits: Counter<'provider' | 'scope'>;
  readonly tokenRefreshes: Counter<'provider' | 'outcome'>;
  readonly intakeEvents: Counter<'outcome'>;
  /** Registers where the queue gauges read at scrape time (the process's BullMQ queues). */
  addQueueJobsSource(source: QueueJobsSource): void;
}

export interface CreateMetricsOptions {
  /** prom-client's default process metrics (CPU, memory, event loop lag, GC). Default true. */
  collectDefault?: boolean;
}

// Seconds. A vendor call takes tens to hundreds of milliseconds, seconds when it is slow or times out.
const PROVIDER_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// A job's try runs a few vendor calls and Redis round trips; a stuck one runs into its timeouts.
const JOB_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
// Seconds in a healthy pipeline; minutes to a day (the retry horizon) through a vendor's outage.
const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600, 86_400];

/**
 * A registry with every metric of ours on it (and prom-client's default process metrics unless
 * `collectDefault` is false). Each process builds one in its composition root and hands it on
 * explicitly (worker runtime, intake app, instrumented fetches); nothing reads a global registry.
 */
export const createMetrics = ({ collectDefault = true }: CreateMetricsOptions = {}): Metrics => {
  const registry = new Registry();
  const registers = [registry];
  const sources: QueueJobsSource[] = [];

  // prom-client collects every metric of a scrape at once: the three queue gauges share one reading.
  let reading: Promise<QueueJobCounts[]> | undefined;
  const readQueues = (): Promise<QueueJobCounts[]> =>
    (reading ??= Promise.allSettled(sources.map((source) => source()))
      .then((reports) => reports.flatMap((r) => (r.status === 'fulfilled' ? [...r.value] : [])))
      .finally(() => {
        reading = undefined;
      }));
  /** Values from this scrape only: a queue whose source failed is absent, not stale. */
  const collectInto =
    <L extends string>(gauge: () => Gauge<L>, set: (gauge: Gauge<L>, report: QueueJobCounts) => void) =>
    async (): Promise<void> => {
      const reports = await readQueues();
      const target = gauge();
      target.reset();
      for (const report of reports) set(target, report);
    };

  const queueJobs: Gauge<'queue' | 'state'> = new Gauge({
    name: MetricName.queueJobs,
    help: 'Jobs in each queue by state (waiting, active, delayed, failed), read from Redis at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers,
    collect: collectInto(
      () => queueJobs,
      (gauge, { queue, counts }) => {
        for (const state of QUEUE_JOB_STATES) gauge.set({ queue, state }, counts[state]);
      },
    ),
  });
  const queueOldestWaitingAge: Gauge<'queue'> = new Gauge({
    name: MetricName.queueOldestWaitingAge,
    help: 'Seconds the oldest waiting job of each queue has waited for a worker (0: none waits).',
    labelNames: ['queue'] as const,
    registers,
    collect: collectInto(
      () => queueOldestWaitingAge,
      (gauge, { queue, oldestWaitingAgeSeconds }) => {
        if (oldestWaitingAgeSeconds !== undefined) gauge.set({ queue }, oldestWaitingAgeSeconds);
      },
    ),
  });
  const queueOldestOverdueDelayed: Gauge<'queue'> = new Gauge({
    name: MetricName.queueOldestOverdueDelayed,
    help: 'Seconds the most overdue delayed job of each queue is past its time (0: none is overdue).',
    labelNames: ['queue'] as const,
    registers,
    collect: collectInto(
      () => queueOldestOverdueDelayed,
      (gauge, { queue, oldestOverdueDelayedSeconds }) => {
        if (oldestOverdueDelayedSeconds !== undefined) gauge.set({ queue }, oldestOverdueDelayedSeconds);
      },
    ),
  });

  const metrics: Metrics = {
    registry,
    queueJobs,
    queueOldestWaitingAge,
    queueOldestOverdueDelayed,
    jobs: new Counter({
      name: MetricName.jobs,
      help: 'Tries of jobs by queue and outcome (completed, failed, retried, deferred).',
      labelNames: ['queue', 'outcome'] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: MetricName.jobDuration,
      help: 'How long a try of a job ran, in seconds (deferred tries left out).',
      labelNames: ['queue'] as const,
      buckets: JOB_BUCKETS,
      registers,
    }),
    bookingLatency: new Histogram({
      name: MetricName.bookingLatency,
      help: "Seconds from a booking event's acceptance at the intake to a step settled for good (done, skipped, failed).",
      labelNames: ['step'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    providerRequests: new Counter({
      name: MetricName.providerRequests,
      help: 'Calls to vendors (Zoom, Google, Microsoft, SMTP) by operation and answer status.',
      labelNames: ['provider', 'operation', 'status'] as const,
      registers,
    }),
    providerRequestDuration: new Histogram({
      name: MetricName.providerRequestDuration,
      help: "Seconds a vendor call took until its answer's headers, or until it failed.",
      labelNames: ['provider', 'operation'] as const,
      buckets: PROVIDER_BUCKETS,
      registers,
    }),
    rateLimitWaits: new Counter({
      name: MetricName.rateLimitWaits,
      help: "Jobs put back to wait out a vendor's rate limit (scope: provider pauses the queue, subject one job).",
      labelNames: ['provider', 'scope'] as const,
      registers,
    }),
    tokenRefreshes: new Counter({
      name: MetricName.tokenRefreshes,
      help: "Calls to a vendor's OAuth token endpoint by outcome (success, rejected, rate_limited, error).",
      labelNames: ['provider', 'outcome'] as const,
      registers,
    }),
    intakeEvents: new Counter({
      name: MetricName.intakeEvents,
      help: 'Booking events at POST /v1/events: accepted, duplicate, stale, or rejected_<error code>.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    addQueueJobsSource: (source) => {
      sources.push(source);
    },
  };
  if (collectDefault) collectDefaultMetrics({ register: registry });
  return metrics;
};

/** Seconds since `startedAt` (a `performance.now()` reading), for the histograms. */
export const secondsSince = (startedAt: number): number => (performance.now() - startedAt) / 1000;
