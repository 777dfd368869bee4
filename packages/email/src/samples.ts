// A Zoom meeting as the conference step stores it, for tests, the benchmark, screenshots and the
// renderer's start-up self-check. Numbers and passcodes are made up.
import type { Booking, MeetingDetails } from '@meetlink/events';

export interface SampleMeetingOptions {
  id?: string;
  startTime?: string;
  durationMinutes?: number;
  /** Default: three numbers in two countries. */
  dialIn?: MeetingDetails['dialIn'];
  passcode?: string | null;
  pstnPasscode?: string;
}

export const sampleMeeting = ({
  id = '81234567890',
  startTime = '2030-03-06T15:00:00Z',
  durationMinutes = 30,
  dialIn = [
    { country: 'US', countryName: 'US', city: 'New York', number: '+1 646 558 8656', type: 'toll' },
    { country: 'US', countryName: 'US', city: 'San Jose', number: '+1 669 900 6833', type: 'toll' },
    { country: 'DE', countryName: 'Germany', number: '+49 69 3807 9883', type: 'toll' },
  ],
  passcode = 'x7Kp2mQ',
  pstnPasscode = '482915',
}: SampleMeetingOptions = {}): MeetingDetails => ({
  provider: 'zoom',
  id,
  hostMemberId: 'mem_ada',
  hostUserId: 'zu_ada',
  topic: 'Intro call',
  startTime,
  durationMinutes,
  timezone: 'UTC',
  joinUrl: `https://us02web.zoom.us/j/${id}?pwd=bWVldGxpbmstc2FtcGxl.1`,
  passcode,
  pstnPasscode,
  dialIn,
});

/** The booking the renderer's start-up self-check renders every template with. */
export const selfCheckBooking = (): Booking => ({
  bookingId: 'self_check',
  version: 1,
  service: {
    id: 'svc_self_check',
    name: 'Intro call',
    durationMinutes: 30,
    location: { kind: 'video_conference', provider: 'zoom', instructions: 'Join from a quiet place.' },
  },
  host: { memberId: 'mem_self_check', name: 'Ada Host', email: 'ada@example.com', timezone: 'Europe/Berlin' },
  customer: {
    name: 'Grace Customer',
    email: 'grace@example.org',
    timezone: 'America/New_York',
    locale: 'en-US',
  },
  startsAt: '2030-03-06T15:00:00.000Z',
  endsAt: '2030-03-06T15:30:00.000Z',
  reminderOffsetsMinutes: [24 * 60, 60],
});
