// How long the drills' faults last and how long the workers take to retry: the real figures for
// `npm run drills`, scaled down for the short variants that run in `npm test`.

export interface DrillDurations {
  /** 'full' or 'short', printed with the results. */
  label: 'full' | 'short';
  /** How long Zoom answers 503 / SMTP answers 451 (drills zoom-outage, smtp-outage). */
  outageMs: number;
  /** How late every Zoom call is answered in the latency drill. */
  zoomLatencyMs: number;
  /**
   * The workers' retry timing (RETRY_MAX_BACKOFF_MS, RETRY_HORIZON_MS, MEETING_WAIT_MS). Null: the
   * workers' own defaults (5 min, 24 h, 2 min), i.e. nothing is set.
   */
  retry: { maxBackoffMs: number; horizonMs: number; meetingWaitMs: number } | null;
  /** The workers' real longest backoff, whatever `retry` says: what convergence may take after a fault. */
  maxBackoffMs: number;
  /** How many bookings a drill makes (reschedules and cancels are a share of them). */
  bookings: number;
}

/** The real thing: 10-minute outages against the workers' real retry policy (backoff capped at 5 min). */
export const FULL: DrillDurations = {
  label: 'full',
  outageMs: 10 * 60_000,
  zoomLatencyMs: 9_000,
  retry: null,
  maxBackoffMs: 5 * 60_000,
  bookings: 12,
};

/** The same drills, 60 times faster where time is the fault: what `npm test` runs. */
export const SHORT: DrillDurations = {
  label: 'short',
  outageMs: 10_000,
  zoomLatencyMs: 9_000,
  retry: { maxBackoffMs: 5_000, horizonMs: 24 * 60_000, meetingWaitMs: 2_000 },
  maxBackoffMs: 5_000,
  bookings: 6,
};

/** The variables that carry `retry` to the workers. */
export const retryEnv = (durations: DrillDurations): Record<string, string> =>
  durations.retry
    ? {
        RETRY_MAX_BACKOFF_MS: String(durations.retry.maxBackoffMs),
        RETRY_HORIZON_MS: String(durations.retry.horizonMs),
        MEETING_WAIT_MS: String(durations.retry.meetingWaitMs),
      }
    : {};
