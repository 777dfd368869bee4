import { formatZoomTime, nextUtcMidnight, parseStartTime } from './zoom-time';

describe('zoom time', () => {
  it('writes UTC as Zoom does, without milliseconds', () => {
    expect(formatZoomTime(new Date('2030-01-20T15:00:00.123Z'))).toBe('2030-01-20T15:00:00Z');
  });

  it('reads an instant with Z, milliseconds or an offset', () => {
    expect(parseStartTime('2030-01-20T15:00:00Z', 'Asia/Tokyo')?.toISOString()).toBe(
      '2030-01-20T15:00:00.000Z',
    );
    expect(parseStartTime('2030-01-20T15:00:00.000Z', 'UTC')?.toISOString()).toBe('2030-01-20T15:00:00.000Z');
    expect(parseStartTime('2030-01-20T15:00:00+02:00', 'UTC')?.toISOString()).toBe(
      '2030-01-20T13:00:00.000Z',
    );
  });

  it('reads wall time in the zone, on both sides of a DST change', () => {
    expect(parseStartTime('2030-03-30T12:00:00', 'Europe/Berlin')?.toISOString()).toBe(
      '2030-03-30T11:00:00.000Z',
    );
    expect(parseStartTime('2030-03-31T12:00:00', 'Europe/Berlin')?.toISOString()).toBe(
      '2030-03-31T10:00:00.000Z',
    );
    expect(parseStartTime('2030-11-04T08:00:00', 'America/Los_Angeles')?.toISOString()).toBe(
      '2030-11-04T16:00:00.000Z',
    );
  });

  it('refuses what is not a date-time', () => {
    for (const bad of ['2030-02-30T10:00:00Z', '2030-01-20 15:00', 'tomorrow', '2030-01-20']) {
      expect(parseStartTime(bad, 'UTC')).toBeUndefined();
    }
  });

  it('finds the next 00:00 UTC', () => {
    expect(nextUtcMidnight(new Date('2030-12-31T23:59:59Z')).toISOString()).toBe('2031-01-01T00:00:00.000Z');
  });
});
