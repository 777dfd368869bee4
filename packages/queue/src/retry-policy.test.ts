import { RetryableError } from '@meetlink/errors';
import { STEP_RETRY } from '@meetlink/events';
import { applyRetryTiming, computeBackoffMs, isPastHorizon } from './retry-policy';

const policy = { backoffMs: 1_000, maxBackoffMs: 60_000, horizonMs: 3_600_000 };
const noJitter = () => 0;

describe('computeBackoffMs', () => {
  it('doubles with every attempt, up to the cap', () => {
    expect([1, 2, 3, 4, 7, 20].map((n) => computeBackoffMs(policy, n, undefined, noJitter))).toEqual([
      1_000, 2_000, 4_000, 8_000, 60_000, 60_000,
    ]);
  });

  it('stays at the cap after thousands of tries (no overflow to Infinity or NaN)', () => {
    expect(computeBackoffMs(policy, 5_000, undefined, noJitter)).toBe(60_000);
  });

  it('subtracts up to half as jitter', () => {
    expect(computeBackoffMs(policy, 3, undefined, () => 0.999_999)).toBe(2_000);
    for (let i = 0; i < 1_000; i += 1) {
      const delay = computeBackoffMs(policy, 3, undefined);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
  });

  it("never comes back sooner than the provider's Retry-After", () => {
    const rateLimited = new RetryableError('zoom_rate_limited', 'slow down', { retryAfterMs: 30_000 });
    expect(computeBackoffMs(policy, 1, rateLimited, noJitter)).toBe(30_000);
    const shortWait = new RetryableError('zoom_rate_limited', 'slow down', { retryAfterMs: 10 });
    expect(computeBackoffMs(policy, 4, shortWait, noJitter)).toBe(8_000);
  });
});

describe('the step retry schedule', () => {
  // Simulates a vendor that fails every try: the schedule the worker would follow, without waiting a day.
  const schedule = (random: () => number) => {
    const tries: number[] = [];
    let now = 0;
    for (let attemptsMade = 1; ; attemptsMade += 1) {
      tries.push(now);
      const delay = computeBackoffMs(STEP_RETRY, attemptsMade, undefined, random);
      if (isPastHorizon(STEP_RETRY, 0, delay, now)) return tries;
      now += delay;
    }
  };

  it('keeps trying for at least 24 hours, never more than 5 minutes apart, and then stops', () => {
    for (const random of [noJitter, () => 0.999_999, Math.random]) {
      const tries = schedule(random);
      const gaps = tries.slice(1).map((at, i) => at - tries[i]!);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(5 * 60_000);
      expect(tries.at(-1)!).toBeGreaterThan(24 * 3_600_000 - 5 * 60_000);
      expect(tries.at(-1)!).toBeLessThanOrEqual(24 * 3_600_000);
    }
  });

  it('reaches the 5-minute cap within the first quarter hour, so a returning vendor is tried within 5 minutes', () => {
    const tries = schedule(noJitter);
    const firstCapped = tries.findIndex((at, i) => i > 0 && at - tries[i - 1]! === 5 * 60_000);
    expect(tries[firstCapped]!).toBeLessThan(15 * 60_000);
  });

  it('scales down by config for drills and leaves a processor-ended policy without a horizon', () => {
    expect(applyRetryTiming(STEP_RETRY, { horizonMs: 60_000, maxBackoffMs: 500 })).toEqual({
      backoffMs: 500,
      maxBackoffMs: 500,
      horizonMs: 60_000,
    });
    const reminders = { backoffMs: 2_000, maxBackoffMs: 300_000, horizonMs: null };
    expect(applyRetryTiming(reminders, { horizonMs: 60_000 }).horizonMs).toBeNull();
    expect(isPastHorizon({ ...reminders }, 0, 1e12, 1e12)).toBe(false);
  });
});
