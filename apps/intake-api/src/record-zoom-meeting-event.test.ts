import type { MeetingDetails } from '@meetlink/events';
import { diffMeeting } from './record-zoom-meeting-event';

const ours: MeetingDetails = {
  provider: 'zoom',
  id: '12345678901',
  hostMemberId: 'mem_ada',
  hostUserId: 'zu_ada',
  topic: 'Intro call with Grace',
  startTime: '2030-01-15T09:00:00Z',
  durationMinutes: 30,
  timezone: 'Europe/Berlin',
  joinUrl: 'https://zoom.us/j/12345678901?pwd=abc',
  passcode: 'Secret123',
  dialIn: [],
};

describe('diffMeeting', () => {
  it('finds nothing when the fields Zoom sent are what we recorded (our own update coming back)', () => {
    expect(
      diffMeeting(ours, {
        start_time: '2030-01-15T09:00:00.000Z',
        duration: 30,
        topic: 'Intro call with Grace',
        timezone: 'Europe/Berlin',
        password: 'Secret123',
        settings: { waiting_room: true },
      }),
    ).toEqual([]);
  });

  it('names each changed field with both values, except passcodes, which are never copied', () => {
    expect(
      diffMeeting(ours, {
        start_time: '2030-01-15T10:00:00Z',
        duration: 45,
        topic: 'Renamed',
        join_url: 'https://zoom.us/j/12345678901?pwd=new',
        password: 'Other999',
      }),
    ).toEqual([
      { field: 'start_time', from: '2030-01-15T09:00:00Z', to: '2030-01-15T10:00:00Z' },
      { field: 'duration', from: 30, to: 45 },
      { field: 'topic', from: 'Intro call with Grace', to: 'Renamed' },
      { field: 'join_url', from: ours.joinUrl, to: 'https://zoom.us/j/12345678901?pwd=new' },
      { field: 'passcode', from: null, to: null },
    ]);
  });

  it('treats a removed passcode as a change', () => {
    expect(diffMeeting(ours, { password: '' })).toEqual([{ field: 'passcode', from: null, to: null }]);
    expect(diffMeeting({ ...ours, passcode: null }, { password: '' })).toEqual([]);
  });
});
