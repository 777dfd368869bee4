import { PermanentError } from '@meetlink/errors';
import { codeThrownBy } from '@meetlink/fakes';
import { ZoomMeeting } from './zoom-client';
import {
  agendaBodyFor,
  composeAgenda,
  hasMarker,
  toMeetingDetails,
  toZoomMeetingFields,
} from './zoom-conference-provider';
import type { MeetingSpec } from '@meetlink/ports';

const spec: MeetingSpec = {
  topic: 'Intro call',
  startTime: '2025-06-01T09:30:00+02:00',
  timezone: 'Europe/Berlin',
  durationMinutes: 30,
  agenda: 'Talk about the plan.',
  marker: 'meetlink-booking:bk_123',
};

const codeOf = (fn: () => unknown): string => codeThrownBy(fn, PermanentError, 'none');

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
      agenda: '',
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

describe('agendaBodyFor / MeetingDetails.agenda', () => {
  const host = { memberId: 'm1', email: 'ada@example.com' };
  /** The meeting Zoom holds after a create or update from `from`, read back as MeetingDetails. */
  const readBack = (from: MeetingSpec, agenda = toZoomMeetingFields(from).agenda) =>
    toMeetingDetails(host, 'ada@example.com', {
      id: '85746065432',
      join_url: 'https://zoom.us/j/85746065432',
      topic: from.topic,
      agenda,
    });

  it.each([
    ['instructions', 'Talk about the plan.'],
    ['instructions on several lines', 'Bring the contract.\n\nAsk for Ada at the desk.'],
    ['instructions with spaces around them', '  \n Talk about the plan.\n  '],
    ['instructions long enough to be cut', 'x'.repeat(5000)],
    ['long instructions cut between characters', '😀'.repeat(2000)],
    ['long instructions cut right after a space', `${'y'.repeat(1974)} z`],
    ['no instructions', ''],
    ['blank instructions', ' \n\t '],
  ])('reads back %s as agendaBodyFor(spec)', (_, agenda) => {
    const from = { ...spec, agenda };
    expect(readBack(from).agenda).toBe(agendaBodyFor(from));
  });

  it('is the instructions without the marker, cut as composeAgenda cuts them', () => {
    expect(agendaBodyFor(spec)).toBe('Talk about the plan.');
    expect(agendaBodyFor({ ...spec, agenda: '' })).toBe('');
    const long = agendaBodyFor({ ...spec, agenda: 'x'.repeat(5000) });
    expect(long).toBe('x'.repeat(2000 - spec.marker.length - 2));
    // A longer marker leaves less room for the instructions.
    expect(agendaBodyFor({ ...spec, marker: 'm'.repeat(200), agenda: 'x'.repeat(5000) })).toHaveLength(1798);
  });

  it('reads the same whether Zoom keeps line breaks as \\n or \\r\\n', () => {
    const from = { ...spec, agenda: 'Bring the contract.\r\nAsk for Ada.' };
    const stored = toZoomMeetingFields(from).agenda;
    expect(readBack(from, stored.replace(/\r?\n/g, '\r\n')).agenda).toBe(agendaBodyFor(from));
    expect(readBack(from, stored.replace(/\r\n/g, '\n')).agenda).toBe(agendaBodyFor(from));
    expect(agendaBodyFor(from)).toBe('Bring the contract.\nAsk for Ada.');
  });

  it('differs once the instructions change, or the host rewrites them in Zoom', () => {
    const before = readBack(spec);
    expect(before.agenda).not.toBe(agendaBodyFor({ ...spec, agenda: 'Talk about the new plan.' }));
    expect(readBack(spec, `${spec.marker}\n\nRewritten by the host`).agenda).not.toBe(agendaBodyFor(spec));
  });
});
