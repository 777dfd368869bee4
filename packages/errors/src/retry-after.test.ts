import { parseRetryAfter, retryAfterFrom } from './retry-after';

describe('parseRetryAfter', () => {
  const now = new Date('2030-01-01T00:00:00Z');

  // Each test: a header (or none) and the milliseconds to wait it reads as (undefined: unreadable).
  it.each<[string, [string | null | undefined, number | undefined][]]>([
    [
      'reads delta-seconds and HTTP dates',
      [
        ['3', 3000],
        ['Tue, 01 Jan 2030 00:00:10 GMT', 10_000],
        ['Tue, 31 Dec 2029 23:59:00 GMT', 0],
      ],
    ],
    [
      'reads 0 as "retry now": 0, not undefined',
      [
        ['0', 0],
        [' 0 ', 0],
      ],
    ],
    [
      'reads a date already past, HTTP or ISO, as 0',
      [
        ['Mon, 31 Dec 2029 23:00:00 GMT', 0],
        ['Sunday, 06-Nov-94 08:49:37 GMT', 0],
        ['Sun Nov  6 08:49:37 1994', 0],
        ['2029-12-31T00:00:00Z', 0],
      ],
    ],
    [
      'reads fractional seconds, rounded up to the millisecond',
      [
        ['1.5', 1500],
        ['0.0004', 1],
      ],
    ],
    [
      'reads a future date in each HTTP-date form, as GMT, and ISO (as Zoom sends for its daily limit) with its offset',
      [
        ['Tue, 01 Jan 2030 00:01:30 GMT', 90_000],
        ['Tuesday, 01-Jan-30 00:01:30 GMT', 90_000],
        ['Tue Jan  1 00:01:30 2030', 90_000],
        ['2030-01-01T01:44:30Z', 6_270_000],
        ['2030-01-01T01:01:30+01:00', 90_000],
      ],
    ],
    [
      'answers undefined for a missing or unreadable header',
      [
        [undefined, undefined],
        [null, undefined],
        ['soon', undefined],
        // Date.parse alone would take these for dates in 2001.
        ['-1', undefined],
        ['1.5.3', undefined],
        // No zone: a local time, which means nothing on a server.
        ['2030-01-01T02:00:00', undefined],
      ],
    ],
  ])('%s', (_name, cases) => {
    for (const [header, ms] of cases) expect(parseRetryAfter(header, now)).toBe(ms);
  });

  it('finds the header in a Headers object or a plain record, whatever its case', () => {
    expect(retryAfterFrom(new Headers({ 'Retry-After': '2' }), now)).toBe(2000);
    expect(retryAfterFrom({ 'retry-after': '4' }, now)).toBe(4000);
    expect(retryAfterFrom({ 'Retry-After': '0' }, now)).toBe(0);
    expect(retryAfterFrom(undefined, now)).toBeUndefined();
  });
});
