// What only Google answers: rate limits and the usage limit as 403 reasons, its conference refusal.
// The mapping both vendors share is tested in transient-errors.test.ts.
import { PermanentError, RetryableError } from '@meetlink/errors';
import { isConferenceDataRefusal, mapGoogleError, readGoogleFailure } from './google-errors';
import { googleError } from '../test/vendor-errors';

describe('mapGoogleError', () => {
  it('maps a 403 rateLimitExceeded to a provider-wide retryable error with Retry-After', () => {
    const error = mapGoogleError(
      'events.patch',
      googleError(403, 'rateLimitExceeded', 'Rate Limit Exceeded', { 'retry-after': '4' }),
    );
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('calendar_rate_limited');
    expect(error.details).toMatchObject({ retryAfterMs: 4000, rateLimitScope: 'provider' });
  });

  it('keeps Retry-After 0 or a past date on a 403 limit as a wait, the usage limit for the host alone', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const wait = (reason: string, retryAfter: string) =>
      mapGoogleError('x', googleError(403, reason, 'limit', { 'retry-after': retryAfter }), now).details;
    expect(wait('userRateLimitExceeded', 'Mon, 31 Dec 2029 23:00:00 GMT')).toMatchObject({
      retryAfterMs: 0,
      rateLimitScope: 'provider',
    });
    expect(wait('quotaExceeded', '0')).toMatchObject({ retryAfterMs: 0, rateLimitScope: 'subject' });
  });

  it('keeps a 403 that is not a limit permanent, naming its reason', () => {
    const error = mapGoogleError(
      'x',
      googleError(
        403,
        'forbiddenForNonOrganizer',
        'Shared properties can only be changed by the organizer of the event.',
      ),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('calendar_access_denied');
    expect(error.message).toContain('forbiddenForNonOrganizer');
  });
});

describe('isConferenceDataRefusal', () => {
  it('recognises the 400 Google gives a third-party conference', () => {
    expect(
      isConferenceDataRefusal(readGoogleFailure(googleError(400, 'invalid', 'Invalid conference data.'))),
    ).toBe(true);
    expect(
      isConferenceDataRefusal(readGoogleFailure(googleError(400, 'invalid', 'Invalid value for: location'))),
    ).toBe(false);
  });
});
