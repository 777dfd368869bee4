// Builds and updates meeting objects the way Zoom fills them in: ids, passcode variants, join/start
// URLs, settings defaults, dial-in numbers, and the "at least one security option" rule.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type {
  MeetingsCreateMeetingResponse,
  MeetingsGetMeetingResponse,
  MeetingsListMeetingsResponse,
} from '@zoom/rivet/meetings';
import type { MeetingBody, MeetingSettingsInput } from './meeting-body';
import { generatePasscode } from './passcode-rules';
import type { FakeZoomMeeting, FakeZoomMeetingSettings, MeetingPasswordRequirement } from './types';
import { formatZoomTime, parseStartTime } from './zoom-time';

export interface MeetingHost {
  id: string;
  email: string;
  timezone: string;
  requirement: MeetingPasswordRequirement;
  requirePasscode: boolean;
}

type DialInNumber = FakeZoomMeetingSettings['global_dial_in_numbers'][number];

/** Numbers in the 555-01xx range and its like: shaped as Zoom's, reachable by nobody. */
const DIAL_IN_NUMBERS: Record<string, DialInNumber[]> = {
  US: [
    { country: 'US', country_name: 'US', city: 'New York', number: '+1 5550100101', type: 'toll' },
    { country: 'US', country_name: 'US', city: 'San Jose', number: '+1 5550100102', type: 'toll' },
    { country: 'US', country_name: 'US', city: '', number: '+1 8005550199', type: 'tollfree' },
  ],
  GB: [
    { country: 'GB', country_name: 'United Kingdom', city: 'London', number: '+44 2079460101', type: 'toll' },
  ],
  DE: [{ country: 'DE', country_name: 'Germany', city: 'Frankfurt', number: '+49 6950000101', type: 'toll' }],
};

const DEFAULT_SETTINGS: FakeZoomMeetingSettings = {
  host_video: false,
  participant_video: false,
  cn_meeting: false,
  in_meeting: false,
  join_before_host: false,
  jbh_time: 0,
  mute_upon_entry: false,
  watermark: false,
  use_pmi: false,
  approval_type: 2,
  audio: 'both',
  auto_recording: 'none',
  enforce_login: false,
  enforce_login_domains: '',
  alternative_hosts: '',
  alternative_hosts_email_notification: true,
  alternative_host_update_polls: false,
  close_registration: false,
  show_share_button: false,
  allow_multiple_devices: false,
  registrants_confirmation_email: true,
  registrants_email_notification: true,
  waiting_room: false,
  meeting_authentication: false,
  encryption_type: 'enhanced_encryption',
  approved_or_denied_countries_or_regions: { enable: false },
  breakout_room: { enable: false },
  continuous_meeting_chat: { enable: false },
  device_testing: false,
  focus_mode: false,
  private_meeting: false,
  email_notification: true,
  host_save_video_order: false,
  email_in_attendee_report: false,
  participant_focused_meeting: false,
  push_change_to_calendar: false,
  internal_meeting: false,
  auto_start_meeting_summary: false,
  global_dial_in_countries: ['US'],
  global_dial_in_numbers: [],
};

/** Zoom meeting ids of new meetings are 11 digits. */
export const newMeetingId = (taken: (id: number) => boolean): number => {
  for (;;) {
    const id = randomInt(10_000_000_000, 99_999_999_999);
    if (!taken(id)) return id;
  }
};

const digest = (...parts: string[]): Buffer => createHash('sha256').update(parts.join('\u0000')).digest();

/** The numeric passcode phone and room systems dial; the passcode itself when it is all digits. */
const numericPasscode = (meetingId: number, password: string): string => {
  if (/^\d+$/.test(password)) return password;
  const bytes = digest('pstn', String(meetingId), password);
  const length = Math.max(6, Math.min(password.length, 10));
  return Array.from({ length }, (_, i) => String((bytes[i] ?? 0) % 10)).join('');
};

const mergeSettings = (
  base: FakeZoomMeetingSettings,
  input: MeetingSettingsInput | undefined,
): FakeZoomMeetingSettings => {
  const merged: FakeZoomMeetingSettings = { ...base };
  const target = merged as Record<string, unknown>;
  for (const [key, value] of Object.entries(input ?? {})) {
    if (value === undefined) continue;
    const current = target[key];
    target[key] =
      typeof value === 'object' && !Array.isArray(value) && typeof current === 'object' && current !== null
        ? { ...current, ...value }
        : value;
  }
  return merged;
};

/** The derived fields that follow from id, passcode and settings. */
const withDerivedFields = (meeting: FakeZoomMeeting): FakeZoomMeeting => {
  const { id, password, settings } = meeting;
  const encrypted =
    password === '' ? '' : digest('pwd', String(id), password).toString('base64url').slice(0, 32);
  const numeric = password === '' ? '' : numericPasscode(id, password);
  const countries = settings.global_dial_in_countries ?? [];
  const dialIn =
    settings.audio === 'voip' ? [] : countries.flatMap((country) => DIAL_IN_NUMBERS[country] ?? []);
  return {
    ...meeting,
    encrypted_password: encrypted,
    pstn_password: numeric,
    h323_password: numeric,
    join_url: `https://zoom.us/j/${id}` + (encrypted === '' ? '' : `?pwd=${encrypted}`),
    settings: { ...settings, global_dial_in_numbers: dialIn },
  };
};

/**
 * Zoom requires one of passcode, waiting room, authentication: a request that turns all three off
 * gets the waiting room back on (developers.zoom.us, "Meeting API Security Enhancements").
 */
const withSecurityOption = (meeting: FakeZoomMeeting): FakeZoomMeeting =>
  meeting.password === '' && !meeting.settings.waiting_room && !meeting.settings.meeting_authentication
    ? { ...meeting, settings: { ...meeting.settings, waiting_room: true } }
    : meeting;

const passcodeFor = (body: MeetingBody, host: MeetingHost, current: string | undefined): string => {
  if (body.default_password) return generatePasscode(host.requirement);
  if (body.password !== undefined) return body.password;
  if (current !== undefined) return current;
  return host.requirePasscode ? generatePasscode(host.requirement) : '';
};

export const createMeetingRecord = (
  body: MeetingBody,
  host: MeetingHost,
  now: Date,
  takenId: (id: number) => boolean,
): FakeZoomMeeting => {
  const id = newMeetingId(takenId);
  const timezone = body.timezone || host.timezone;
  const type = body.type ?? 2;
  const start =
    body.start_time !== undefined && type !== 1 ? parseStartTime(body.start_time, timezone) : undefined;
  const meeting: FakeZoomMeeting = {
    uuid: randomBytes(16).toString('base64'),
    id,
    host_id: host.id,
    host_email: host.email,
    topic: body.topic ?? 'Zoom Meeting',
    type,
    status: 'waiting',
    start_time: formatZoomTime(start ?? now),
    duration: body.duration ?? 60,
    timezone,
    agenda: body.agenda ?? '',
    created_at: formatZoomTime(now),
    start_url: `https://zoom.us/s/${id}?zak=${randomBytes(24).toString('base64url')}`,
    join_url: '',
    password: passcodeFor(body, host, undefined),
    h323_password: '',
    pstn_password: '',
    encrypted_password: '',
    settings: mergeSettings(DEFAULT_SETTINGS, body.settings),
    pre_schedule: body.pre_schedule ?? false,
    creation_source: 'open_api',
    hostUserId: host.id,
  };
  return withDerivedFields(withSecurityOption(meeting));
};

export const updateMeetingRecord = (
  meeting: FakeZoomMeeting,
  body: MeetingBody,
  host: MeetingHost,
): FakeZoomMeeting => {
  const timezone = body.timezone || meeting.timezone;
  const start = body.start_time !== undefined ? parseStartTime(body.start_time, timezone) : undefined;
  const updated: FakeZoomMeeting = {
    ...meeting,
    topic: body.topic ?? meeting.topic,
    type: body.type ?? meeting.type,
    start_time: start ? formatZoomTime(start) : meeting.start_time,
    duration: body.duration ?? meeting.duration,
    timezone,
    agenda: body.agenda ?? meeting.agenda,
    password: passcodeFor(body, host, meeting.password),
    settings: mergeSettings(meeting.settings, body.settings),
    pre_schedule: body.pre_schedule ?? meeting.pre_schedule,
  };
  return withDerivedFields(withSecurityOption(updated));
};

/** The meeting as GET /meetings/{id} answers: no passcode fields when it has no passcode. */
export const toMeetingResponse = (
  meeting: FakeZoomMeeting,
): MeetingsGetMeetingResponse & MeetingsCreateMeetingResponse => {
  const { hostUserId: _host, password, h323_password, pstn_password, encrypted_password, ...rest } = meeting;
  const { settings, pre_schedule, creation_source, ...head } = rest;
  const passcode = password === '' ? {} : { password, h323_password, pstn_password, encrypted_password };
  return { ...head, ...passcode, settings, pre_schedule, creation_source };
};

type ListItem = NonNullable<MeetingsListMeetingsResponse['meetings']>[number];

/** One entry of GET /users/{userId}/meetings. */
export const toListItem = (meeting: FakeZoomMeeting): ListItem & { uuid: string; host_id: string } => ({
  uuid: meeting.uuid,
  id: meeting.id,
  host_id: meeting.host_id,
  topic: meeting.topic,
  type: meeting.type === 10 ? 2 : meeting.type,
  start_time: meeting.start_time,
  duration: meeting.duration,
  timezone: meeting.timezone,
  agenda: meeting.agenda,
  created_at: meeting.created_at,
  join_url: meeting.join_url,
});
