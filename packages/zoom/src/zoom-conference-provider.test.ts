import { PermanentError } from '@meetlink/errors';
import { ZoomMeeting } from './zoom-client';
import { composeAgenda, hasMarker, toMeetingDetails, toZoomMeetingFields } from './zoom-conference-provider';
import type { MeetingSpec } from './zoom-conference-provider';

const spec: MeetingSpec = {
  topic: 'Intro call',
  startTime: '2025-06-01T09:30:00+02:00',
  timezone: 'Europe/Berlin',
  durationMinutes: 30,
  agenda: 'Talk about the plan.',
  marker: 'meetlink-booking:bk_123',
};

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof PermanentError) return error.code;
    throw error;
  }
  return 'none';
};

describe('composeAgenda / hasMarker', () => {
  it('puts the marker on the first line, where a listed (250-character) agenda still shows it', () => {
    const agenda = composeAgenda(spec.marker, 'x'.repeat(5000));
    expect(agenda.startsWith('meetlink-booking:bk_123\n\n')).toBe(true);
    expect(agenda).toHaveLength(2000);
    expect(hasMarker(agenda.slice(0, 250), spec.marker)).toBe(true);
    expect(composeAgenda(spec.marker, '  ')).toBe(spec.marker);
  });

  it('matches the whole marker, never a prefix of another booking’s', () => {
    expect(hasMarker('meetlink-booking:bk_1234\n\nx', 'meetlink-booking:bk_123')).toBe(false);
    expect(hasMarker('meetlink-booking:bk_123\r\n\r\nx', 'meetlink-booking:bk_123')).toBe(true);
    expect(hasMarker(undefined, 'meetlink-booking:bk_123')).toBe(false);
  });

  it('cuts a long agenda without splitting a character', () => {
    const agenda = composeAgenda(spec.marker, '😀'.repeat(2000));
    expect(agenda.length).toBeLessThanOrEqual(2000);
    expect(agenda.endsWith('😀')).toBe(true);
  });
});

describe('toZoomMeetingFields', () => {
  it('sends start_time in UTC next to the IANA time zone, and the marked agenda', () => {
    expect(toZoomMeetingFields(spec)).toEqual({
      topic: 'Intro call',
      start_time: '2025-06-01T07:30:00Z',
      timezone: 'Europe/Berlin',
      duration: 30,
      agenda: 'meetlink-booking:bk_123\n\nTalk about the plan.',
    });
  });

  it('cuts the topic to Zoom’s 200 characters', () => {
    expect(toZoomMeetingFields({ ...spec, topic: 't'.repeat(300) }).topic).toHaveLength(200);
  });

  it.each([
    [{ startTime: 'next tuesday' }],
    [{ timezone: 'Mars/Olympus' }],
    [{ durationMinutes: 0 }],
    [{ durationMinutes: 2.5 }],
    [{ marker: '' }],
    [{ marker: 'a\nb' }],
    [{ marker: 'm'.repeat(201) }],
  ])('refuses %j as invalid_meeting_spec', (change) => {
    expect(codeOf(() => toZoomMeetingFields({ ...spec, ...change }))).toBe('invalid_meeting_spec');
  });
});

describe('toMeetingDetails', () => {
  const zoom = ZoomMeeting.parse({
    id: 85746065432,
    uuid: 'aDYlohsHRtCd4ii1uC2+hA==',
    host_id: 'zu_ada',
    topic: 'Intro call',
    start_time: '2025-06-01T07:30:00Z',
    duration: 30,
    timezone: 'Europe/Berlin',
    join_url: 'https://zoom.us/j/85746065432?pwd=abc',
    password: 'Zx81kQ2mPw',
    h323_password: '123456',
    pstn_password: '654321',
    settings: {
      global_dial_in_numbers: [
        { country: 'US', country_name: 'US', city: 'New York', number: '+1 646 558 8656', type: 'toll' },
        { country: 'DE', number: '+49 69 5050 0951', type: 'premium' },
        { country: 'FR' },
      ],
    },
  });

  it('maps Zoom’s answer, passcodes and dial-in numbers included', () => {
    expect(toMeetingDetails({ memberId: 'm1', email: 'ada@example.com' }, 'ada@example.com', zoom)).toEqual({
      provider: 'zoom',
      id: '85746065432',
      uuid: 'aDYlohsHRtCd4ii1uC2+hA==',
      hostMemberId: 'm1',
      hostUserId: 'ada@example.com',
      topic: 'Intro call',
      startTime: '2025-06-01T07:30:00Z',
      durationMinutes: 30,
      timezone: 'Europe/Berlin',
      joinUrl: 'https://zoom.us/j/85746065432?pwd=abc',
      passcode: 'Zx81kQ2mPw',
      h323Passcode: '123456',
      pstnPasscode: '654321',
      dialIn: [
        { country: 'US', countryName: 'US', city: 'New York', number: '+1 646 558 8656', type: 'toll' },
        { country: 'DE', number: '+49 69 5050 0951' },
      ],
    });
  });

  it('names the Zoom user id when the token only knew "me", and a missing passcode as null', () => {
    const details = toMeetingDetails({ memberId: 'm1', email: 'a@b.c' }, 'me', { ...zoom, password: '' });
    expect(details.hostUserId).toBe('zu_ada');
    expect(details.passcode).toBeNull();
  });

  it('refuses an answer that does not fit the contract', () => {
    expect(
      codeOf(() => toMeetingDetails({ memberId: 'm1', email: 'a@b.c' }, 'me', { ...zoom, join_url: 'nope' })),
    ).toBe('zoom_unexpected_response');
  });
});
