/** A failure that will never succeed by retrying (revoked token, bad data): the job stops at once. */
export class PermanentError extends Error {
  readonly retryable = false as const;
  constructor(
    /** snake_case, read by ops on the dashboard: `member_not_connected`. */
    readonly code: string,
    message: string,
    readonly details: { providerResponse?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'PermanentError';
  }
}
