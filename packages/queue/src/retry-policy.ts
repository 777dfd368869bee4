// Exponential backoff with jitter, honouring a provider's Retry-After, and a retry horizon in time.
import { RetryableError } from '@meetlink/errors';
import type { RetryPolicy } from '@meetlink/events';

export const BACKOFF_TYPE = 'jittered-exponential';

/**
 * Delay before the next try after `attemptsMade` failures: base·2^(n-1), capped, with up to 50% random
 * jitter subtracted so that many jobs failing together do not retry together. A RetryableError's
 * `retryAfterMs` is a floor: we never come back sooner than the provider asked.
 */
export const computeBackoffMs = (
  policy: Pick<RetryPolicy, 'backoffMs' | 'maxBackoffMs'>,
  attemptsMade: number,
  error?: unknown,
  random: () => number = Math.random,
): number => {
  const exponential = Math.min(
    policy.backoffMs * 2 ** Math.min(Math.max(0, attemptsMade - 1), 40),
    policy.maxBackoffMs,
  );
  const jittered = Math.round(exponential * (1 - 0.5 * random()));
  const retryAfter = error instanceof RetryableError ? (error.details.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
};

/** Overrides of the catalog's timing, from RETRY_HORIZON_MS / RETRY_MAX_BACKOFF_MS (drills scale them down). */
export interface RetryTiming {
  horizonMs?: number | undefined;
  maxBackoffMs?: number | undefined;
}

export const applyRetryTiming = (policy: RetryPolicy, timing: RetryTiming = {}): RetryPolicy => {
  const maxBackoffMs = timing.maxBackoffMs ?? policy.maxBackoffMs;
  return {
    backoffMs: Math.min(policy.backoffMs, maxBackoffMs),
    maxBackoffMs,
    horizonMs: policy.horizonMs === null ? null : (timing.horizonMs ?? policy.horizonMs),
  };
};

/**
 * Whether a job queued at `queuedAt` may not try again after `nextDelayMs`: the next try would fall
 * past the policy's horizon. A job with no horizon (null) is ended by its processor, never here.
 */
export const isPastHorizon = (
  policy: RetryPolicy,
  queuedAt: number,
  nextDelayMs: number,
  now: number,
): boolean => policy.horizonMs !== null && now + nextDelayMs - queuedAt > policy.horizonMs;
