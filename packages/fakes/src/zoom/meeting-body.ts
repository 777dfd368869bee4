// Reads a create/update meeting body as Zoom does. Zoom's JSON reader (Jackson-style) coerces scalars
// ("30" → 30, "false" → false, 7 → "7"), treats null as absent and ignores unknown fields; a value it
// cannot coerce, and the documented limits (topic 200, agenda 2000, passcode rules), answer 300.
import { z } from 'zod';
import type { MeetingsCreateMeetingRequestBody } from '@zoom/rivet/meetings';
import { isObject } from '../kit/json';
import { findPasscodeViolations, passcodeRuleMessage } from './passcode-rules';
import type { MeetingPasswordRequirement } from './types';
import { invalidJsonBody, validationFailed } from './zoom-errors';
import type { ZoomFieldError } from './zoom-errors';
import { isTimeZone, parseStartTime } from './zoom-time';

const absent = (value: unknown): unknown => (value === null ? undefined : value);

const toInt = (value: unknown): unknown => {
  const v = absent(value);
  return typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
};

const int = z.preprocess(toInt, z.number().int().optional());
const intOf = <const T extends readonly [number, ...number[]]>(values: T) =>
  z.preprocess(toInt, z.literal(values).optional());
const bool = z.preprocess((value) => {
  const v = absent(value);
  return v === 'true' ? true : v === 'false' ? false : v;
}, z.boolean().optional());
const str = z.preprocess((value) => {
  const v = absent(value);
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}, z.string().optional());
const strOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(absent, z.enum(values).optional());
const object = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.preprocess(absent, z.looseObject(shape).optional());

type SettingsKey = keyof NonNullable<MeetingsCreateMeetingRequestBody['settings']>;

/** The settings the fake keeps and echoes; `satisfies` holds every name to Rivet's create-meeting type. */
const settingsShape = {
  host_video: bool,
  participant_video: bool,
  cn_meeting: bool,
  in_meeting: bool,
  join_before_host: bool,
  jbh_time: intOf([0, 5, 10, 15]),
  mute_upon_entry: bool,
  watermark: bool,
  use_pmi: bool,
  approval_type: intOf([0, 1, 2]),
  registration_type: intOf([1, 2, 3]),
  audio: strOf(['both', 'telephony', 'voip', 'thirdParty']),
  auto_recording: strOf(['local', 'cloud', 'none']),
  alternative_hosts: str,
  alternative_hosts_email_notification: bool,
  alternative_host_update_polls: bool,
  close_registration: bool,
  waiting_room: bool,
  waiting_room_options: object({ mode: strOf(['follow_setting', 'custom']) }),
  meeting_authentication: bool,
  authentication_option: str,
  authentication_domains: str,
  registrants_confirmation_email: bool,
  registrants_email_notification: bool,
  email_notification: bool,
  private_meeting: bool,
  allow_multiple_devices: bool,
  show_share_button: bool,
  encryption_type: strOf(['enhanced_encryption', 'e2ee']),
  focus_mode: bool,
  calendar_type: intOf([1, 2]),
  contact_name: str,
  contact_email: str,
  global_dial_in_countries: z.preprocess(absent, z.array(z.string()).optional()),
  push_change_to_calendar: bool,
  host_save_video_order: bool,
  internal_meeting: bool,
  participant_focused_meeting: bool,
  device_testing: bool,
  email_in_attendee_report: bool,
  auto_start_meeting_summary: bool,
  meeting_invitees: z.preprocess(absent, z.array(z.looseObject({ email: str })).optional()),
  continuous_meeting_chat: object({ enable: bool }),
  breakout_room: object({ enable: bool }),
  approved_or_denied_countries_or_regions: object({ enable: bool }),
} satisfies Partial<Record<SettingsKey, z.ZodType>>;

const bodyShape = {
  topic: str,
  type: intOf([1, 2, 3, 8, 10]),
  start_time: str,
  duration: int,
  timezone: str,
  password: str,
  default_password: bool,
  agenda: str,
  pre_schedule: bool,
  schedule_for: str,
  template_id: str,
  tracking_fields: z.preprocess(absent, z.array(z.looseObject({ field: z.string(), value: str })).optional()),
  recurrence: object({ type: intOf([1, 2, 3]) }),
  settings: z.preprocess(absent, z.object(settingsShape).optional()),
} satisfies Record<keyof MeetingsCreateMeetingRequestBody, z.ZodType>;

const MeetingBody = z.object(bodyShape);
export type MeetingBody = z.infer<typeof MeetingBody>;
export type MeetingSettingsInput = NonNullable<MeetingBody['settings']>;

/** Fields Zoom would silently ignore, as dotted paths ('settings.foo'). */
export const findIgnoredFields = (raw: unknown): string[] => {
  if (!isObject(raw)) return [];
  const ignored = Object.keys(raw).filter((key) => !(key in bodyShape));
  const settings = raw['settings'];
  if (isObject(settings)) {
    ignored.push(
      ...Object.keys(settings)
        .filter((key) => !(key in settingsShape))
        .map((key) => `settings.${key}`),
    );
  }
  return ignored;
};

/** The request body as JSON, or Zoom's 300 "Request Body should be a valid JSON object." */
export const parseJsonObject = (body: Buffer | undefined): Record<string, unknown> => {
  try {
    const json: unknown = JSON.parse(body?.toString('utf8') ?? '');
    if (isObject(json)) return json;
  } catch {
    // answered below
  }
  throw invalidJsonBody();
};

const invalidField = (field: string): ZoomFieldError => ({ field, message: 'Invalid field.' });

/**
 * Validates a create or update body against Zoom's rules and the host's passcode requirement;
 * throws 300 "Validation Failed." with every bad field.
 */
export const validateMeetingBody = (
  raw: Record<string, unknown>,
  requirement: MeetingPasswordRequirement,
  defaultTimezone: string,
): MeetingBody => {
  const parsed = MeetingBody.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
    throw validationFailed(fields.map(invalidField));
  }
  const body = parsed.data;
  const errors: ZoomFieldError[] = [];
  if (body.topic !== undefined && body.topic.length > 200) errors.push(invalidField('topic'));
  if (body.agenda !== undefined && body.agenda.length > 2000) errors.push(invalidField('agenda'));
  if (body.duration !== undefined && body.duration < 0) errors.push(invalidField('duration'));
  if (body.timezone !== undefined && body.timezone !== '' && !isTimeZone(body.timezone)) {
    errors.push(invalidField('timezone'));
  }
  const timezone = body.timezone && isTimeZone(body.timezone) ? body.timezone : defaultTimezone;
  if (body.start_time !== undefined && parseStartTime(body.start_time, timezone) === undefined) {
    errors.push(invalidField('start_time'));
  }
  if (body.password !== undefined && body.password !== '' && !body.default_password) {
    const violations = findPasscodeViolations(body.password, requirement);
    if (violations.length > 0) errors.push({ field: 'password', message: passcodeRuleMessage(violations) });
  }
  if (errors.length > 0) throw validationFailed(errors);
  return body;
};
