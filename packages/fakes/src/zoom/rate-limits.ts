// Zoom's rate limits as the fake plays them: per-second (QPS) limits by category, which the fake only
// answers when a fault asks it to, and the real per-user daily limit on meeting creates and updates
// (100 per host per UTC day, reset at 00:00 UTC; developers.zoom.us/docs/api/rate-limits).
import type { FakeZoomRetryAfter } from './types';
import { ZoomApiError } from './zoom-errors';
import { formatZoomTime, nextUtcMidnight, utcDay } from './zoom-time';

export type RateLimitCategory = 'Light' | 'Medium' | 'Heavy';

/** Pro-plan figures from Zoom's rate-limit table. */
const PER_SECOND: Record<RateLimitCategory, number> = { Light: 30, Medium: 20, Heavy: 10 };
const PER_DAY: Record<RateLimitCategory, number> = { Light: 6000, Medium: 2000, Heavy: 1000 };

export const QPS_MESSAGE =
  'You have reached the maximum per-second rate limit for this API. Try again later.';
export const DAILY_MESSAGE =
  'You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.';
/** What Zoom answers when a host's meeting create/update budget for the UTC day is spent (devforum.zoom.us). */
export const userDailyMessage = (limit: number): string =>
  `You have exceeded the daily rate limit (${limit}) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.`;

/** The "Rate Limit Label" of each endpoint the fake serves. */
export const rateLimitCategory = (path: string): RateLimitCategory =>
  /^\/v2\/users\/[^/]+\/(meetings|settings)\/?$/.test(path) ? 'Medium' : 'Light';

export interface RateLimitAnswer {
  error: ZoomApiError;
  retryAfter?: Omit<FakeZoomRetryAfter, 'path' | 'userId'>;
}

export const qpsLimited = (
  category: RateLimitCategory,
  now: Date,
  options: { retryAfterSeconds?: number; omitRetryAfter?: boolean; omitRateLimitType?: boolean },
): RateLimitAnswer => {
  const seconds = options.retryAfterSeconds ?? 1;
  const headers: Record<string, string> = {
    'X-RateLimit-Category': category,
    'X-RateLimit-Limit': String(PER_SECOND[category]),
    'X-RateLimit-Remaining': '0',
  };
  if (!options.omitRateLimitType) headers['X-RateLimit-Type'] = 'QPS';
  if (!options.omitRetryAfter) headers['Retry-After'] = String(seconds);
  const error = new ZoomApiError(429, { code: 429, message: QPS_MESSAGE }, headers);
  if (options.omitRetryAfter) return { error };
  const givenAt = now.getTime();
  return {
    error,
    retryAfter: { type: 'QPS', givenAt, until: givenAt + seconds * 1000, header: String(seconds) },
  };
};

/** A daily limit: Retry-After is the next 00:00 UTC, written as Zoom's docs show it ('2020-05-31T00:00:00Z'). */
export const dailyLimited = (
  category: RateLimitCategory,
  now: Date,
  options: { limit?: number; message?: string; omitRetryAfter?: boolean; omitRateLimitType?: boolean },
): RateLimitAnswer => {
  const resetAt = nextUtcMidnight(now);
  const header = formatZoomTime(resetAt);
  const headers: Record<string, string> = {
    'X-RateLimit-Category': category,
    'X-RateLimit-Limit': String(options.limit ?? PER_DAY[category]),
    'X-RateLimit-Remaining': '0',
  };
  if (!options.omitRateLimitType) headers['X-RateLimit-Type'] = 'Daily-limit';
  if (!options.omitRetryAfter) headers['Retry-After'] = header;
  const error = new ZoomApiError(429, { code: 429, message: options.message ?? DAILY_MESSAGE }, headers);
  if (options.omitRetryAfter) return { error };
  return {
    error,
    retryAfter: { type: 'Daily-limit', givenAt: now.getTime(), until: resetAt.getTime(), header },
  };
};

/** Counts each host's meeting creates and updates per UTC day. */
export class DailyCreateUpdateLimit {
  private readonly used = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Counts one call if the budget allows; answers how many remain, or undefined when it is spent. */
  consume(userId: string, now: Date): number | undefined {
    const key = `${userId}|${utcDay(now)}`;
    const used = this.used.get(key) ?? 0;
    if (used >= this.limit) return undefined;
    this.used.set(key, used + 1);
    return this.limit - used - 1;
  }

  clear(): void {
    this.used.clear();
  }
}
