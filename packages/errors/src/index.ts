import { PermanentError } from './permanent-error';
import { RetryableError } from './retryable-error';

export { PermanentError } from './permanent-error';
export { RetryableError } from './retryable-error';

export interface ErrorSummary {
  code: string;
  message: string;
  retryable: boolean;
}

/** How an error reads in a booking's status. Anything unexpected is retryable: it may be transient. */
export const summarizeError = (error: unknown): ErrorSummary => {
  if (error instanceof PermanentError || error instanceof RetryableError) {
    return { code: error.code, message: error.message, retryable: error.retryable };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal_error', message, retryable: true };
};
export { parseRetryAfter, retryAfterFrom } from './retry-after';
export type { HeaderSource } from './retry-after';
