// What only Graph answers: a 404 for the mailbox rather than the event, 409 for a concurrent edit,
// and its error codes in our messages. The mapping both vendors share is tested in
// transient-errors.test.ts.
import { PermanentError, RetryableError } from '@meetlink/errors';
import { isEventNotFound, mapGraphError, readGraphFailure } from './graph-errors';
import { graphError } from '../test/vendor-errors';

describe('mapGraphError', () => {
  it('tells a missing mailbox from a missing event', () => {
    expect(
      mapGraphError('x', graphError(404, 'ErrorInvalidUser', "The requested user 'x' is invalid.")).code,
    ).toBe('calendar_user_not_found');
    expect(
      mapGraphError(
        'x',
        graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
      ).code,
    ).toBe('calendar_event_not_found');
    expect(isEventNotFound(readGraphFailure(graphError(404, 'ErrorInvalidUser', 'x')))).toBe(false);
    expect(isEventNotFound(readGraphFailure(graphError(404, 'ErrorItemNotFound', 'x')))).toBe(true);
  });

  it('maps 409 (a concurrent change) to a retryable calendar_edit_conflict', () => {
    const error = mapGraphError('PATCH event', graphError(409, 'ErrorIrresolvableConflict', 'conflict'));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('calendar_edit_conflict');
  });

  it('keeps other 4xx permanent, with the code Graph gave', () => {
    const error = mapGraphError(
      'PATCH event',
      graphError(400, 'ErrorInvalidPropertySet', 'Set action is invalid for property.'),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('calendar_request_invalid');
    expect(error.message).toContain('ErrorInvalidPropertySet');
  });
});
