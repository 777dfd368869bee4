// Exponential backoff with jitter, honouring a provider's Retry-After.
import { RetryableError } from '@meetlink/errors';
import type { RetryPolicy } from '@meetlink/events';

export const BACKOFF_TYPE = 'jittered-exponential';

/**
 * Delay before the next try after `attemptsMade` failures: base·2^(n-1), capped, with up to 50% random
 * jitter subtracted so that many jobs failing together do not retry together. A RetryableError's
 * `retryAfterMs` is a floor: we never come back sooner than the provider asked.
 */
export const computeBackoffMs = (
  policy: RetryPolicy,
  attemptsMade: number,
  error?: unknown,
  random: () => number = Math.random,
): number => {
  const exponential = Math.min(policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1), policy.maxBackoffMs);
  const jittered = Math.round(exponential * (1 - 0.5 * random()));
  const retryAfter = error instanceof RetryableError ? (error.details.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
};
