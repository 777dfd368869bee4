import { parseRetryAfter, retryAfterFrom } from './retry-after';

describe('parseRetryAfter', () => {
  const now = new Date('2030-01-01T00:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
  });

  it('reads 0 as "retry now": 0, not undefined', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date already past as 0', () => {
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(0);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(0);
  });

  it('reads fractional seconds, rounded up to the millisecond', () => {
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('0.0004', now)).toBe(1);
  });

  it('reads a future HTTP date in each of its three forms, as GMT', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Tuesday, 01-Jan-30 00:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Tue Jan  1 00:01:30 2030', now)).toBe(90_000);
  });

  it('answers undefined for a missing or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    // Date.parse alone would take these for dates in 2001.
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('1.5.3', now)).toBeUndefined();
  });

  it('finds the header in a Headers object or a plain record, whatever its case', () => {
    expect(retryAfterFrom(new Headers({ 'Retry-After': '2' }), now)).toBe(2000);
    expect(retryAfterFrom({ 'retry-after': '4' }, now)).toBe(4000);
    expect(retryAfterFrom({ 'Retry-After': '0' }, now)).toBe(0);
    expect(retryAfterFrom(undefined, now)).toBeUndefined();
  });
});
