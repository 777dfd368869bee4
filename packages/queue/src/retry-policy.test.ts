import { RetryableError } from '@meetlink/errors';
import { computeBackoffMs } from './retry-policy';

const policy = { attempts: 10, backoffMs: 1_000, maxBackoffMs: 60_000 };

describe('computeBackoffMs', () => {
  it('doubles with every attempt, up to the cap', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 7, 20].map((n) => computeBackoffMs(policy, n, undefined, noJitter))).toEqual([
      1_000, 2_000, 4_000, 8_000, 60_000, 60_000,
    ]);
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
    expect(computeBackoffMs(policy, 1, rateLimited, () => 0)).toBe(30_000);
    const shortWait = new RetryableError('zoom_rate_limited', 'slow down', { retryAfterMs: 10 });
    expect(computeBackoffMs(policy, 4, shortWait, () => 0)).toBe(8_000);
  });
});
