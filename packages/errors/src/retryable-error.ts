/** A failure that may succeed if tried again later (network, 5xx, 429). */
export class RetryableError extends Error {
  readonly retryable = true as const;
  constructor(
    /** snake_case, read by ops on the dashboard: `zoom_rate_limited`. */
    readonly code: string,
    message: string,
    readonly details: {
      /** The provider asked us to wait this long (Retry-After). */
      retryAfterMs?: number;
      /**
       * What a rate limit applies to: `provider` slows the whole queue (Zoom's per-second limits);
       * `subject` only this job's host (Zoom's daily per-user create/update limit).
       */
      rateLimitScope?: 'provider' | 'subject';
      /** The provider's answer, minus secrets. */
      providerResponse?: unknown;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'RetryableError';
  }
}
