import { parseRetryAfter, retryAfterFrom } from './retry-after';

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
  });

  it('answers undefined for a missing or unreadable header', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('finds the header in a Headers object or a plain record, whatever its case', () => {
    expect(retryAfterFrom(new Headers({ 'Retry-After': '2' }))).toBe(2000);
    expect(retryAfterFrom({ 'retry-after': '4' })).toBe(4000);
    expect(retryAfterFrom(undefined)).toBeUndefined();
  });
});
