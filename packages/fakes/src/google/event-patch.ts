// events.patch as Google applies it: fields given replace the stored ones, null clears, read-only
// and unknown fields are ignored (and logged, so tests can see them), wrong types are a 400
// `invalid`. conferenceData counts only with conferenceDataVersion=1: a third-party (`addOn`)
// solution from anything but a Workspace add-on is refused with 400 "Invalid conference data.",
// and one without a key type is silently dropped.
import { randomBytes } from 'node:crypto';
import { isObject } from '../kit/json';
import { GoogleApiError, invalidValue } from './google-errors';
import type { FakeGoogleConferenceData, FakeGoogleEvent } from './types';

const STRING_FIELDS = new Set([
  'summary',
  'description',
  'location',
  'colorId',
  'transparency',
  'visibility',
  'status',
]);
/** The string fields whose values are fixed. */
const ENUMS: Record<string, Set<string>> = {
  status: new Set(['confirmed', 'tentative', 'cancelled']),
  transparency: new Set(['opaque', 'transparent']),
  visibility: new Set(['default', 'public', 'private', 'confidential']),
};
const BOOLEAN_FIELDS = new Set([
  'anyoneCanAddSelf',
  'attendeesOmitted',
  'endTimeUnspecified',
  'guestsCanInviteOthers',
  'guestsCanModify',
  'guestsCanSeeOtherGuests',
]);
const OBJECT_FIELDS = new Set(['reminders', 'extendedProperties', 'source', 'gadget']);
const ARRAY_FIELDS = new Set(['attendees', 'recurrence', 'attachments']);
/** Google takes these in a body and ignores them: they are the server's to set. */
const READ_ONLY_FIELDS = new Set([
  'kind',
  'etag',
  'id',
  'htmlLink',
  'created',
  'updated',
  'creator',
  'organizer',
  'hangoutLink',
  'iCalUID',
  'recurringEventId',
  'originalStartTime',
  'privateCopy',
  'locked',
  'eventType',
]);
const ENTRY_POINT_TYPES = new Set(['video', 'phone', 'sip', 'more']);

const invalidConferenceData = () => invalidValue('Invalid conference data.');

const checkDateTime = (field: string, value: unknown): void => {
  if (!isObject(value)) throw invalidValue(`Invalid value for: ${field}`);
  const { dateTime, date, timeZone } = value;
  if (dateTime !== undefined && (typeof dateTime !== 'string' || Number.isNaN(Date.parse(dateTime)))) {
    throw invalidValue(`Invalid value for: ${field}.dateTime`);
  }
  if (date !== undefined && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))) {
    throw invalidValue(`Invalid value for: ${field}.date`);
  }
  if (timeZone !== undefined && typeof timeZone !== 'string')
    throw invalidValue(`Invalid value for: ${field}.timeZone`);
};

const schemeFor: Record<string, RegExp> = {
  video: /^https?:\/\//i,
  more: /^https?:\/\//i,
  phone: /^tel:/i,
  sip: /^sip:/i,
};

/** A third-party conference the fake has been told to accept (a Workspace add-on writing it). */
const checkAddOnConference = (data: Record<string, unknown>): FakeGoogleConferenceData => {
  const entryPoints = data['entryPoints'];
  if (!Array.isArray(entryPoints) || entryPoints.length === 0) throw invalidConferenceData();
  let videos = 0;
  for (const entry of entryPoints) {
    if (!isObject(entry)) throw invalidConferenceData();
    const type = entry['entryPointType'];
    const uri = entry['uri'];
    if (typeof type !== 'string' || !ENTRY_POINT_TYPES.has(type)) throw invalidConferenceData();
    if (typeof uri !== 'string' || uri.length > 1300 || !(schemeFor[type] ?? /^/).test(uri))
      throw invalidConferenceData();
    if (type === 'video') videos += 1;
    for (const code of ['pin', 'accessCode', 'meetingCode', 'passcode', 'password']) {
      const value = entry[code];
      if (value !== undefined && (typeof value !== 'string' || value.length > 128))
        throw invalidConferenceData();
    }
    if (entry['label'] !== undefined && (typeof entry['label'] !== 'string' || entry['label'].length > 512)) {
      throw invalidConferenceData();
    }
  }
  if (videos > 1 || entryPoints.every((e) => isObject(e) && e['entryPointType'] === 'more'))
    throw invalidConferenceData();
  if (data['notes'] !== undefined && (typeof data['notes'] !== 'string' || data['notes'].length > 2048)) {
    throw invalidConferenceData();
  }
  return {
    ...(structuredClone(data) as FakeGoogleConferenceData),
    signature: randomBytes(24).toString('base64url'),
  };
};

export interface PatchContext {
  conferenceDataVersion: number;
  acceptAddOnConferenceData: boolean;
}

export interface PatchPlan {
  apply(event: FakeGoogleEvent): void;
  ignoredFields: string[];
}

/** Checks a patch body against the Event resource; answers what to apply, or throws Google's 400. */
export const planPatch = (body: unknown, context: PatchContext): PatchPlan => {
  if (!isObject(body)) throw invalidValue('Invalid value for: resource');
  const ignoredFields: string[] = [];
  const changes: Array<(event: FakeGoogleEvent) => void> = [];
  const fields = body;

  for (const [field, value] of Object.entries(fields)) {
    if (READ_ONLY_FIELDS.has(field)) {
      ignoredFields.push(field);
    } else if (STRING_FIELDS.has(field)) {
      if (value === null) {
        changes.push((event) => {
          delete (event as unknown as Record<string, unknown>)[field];
        });
        continue;
      }
      if (typeof value !== 'string') throw invalidValue(`Invalid value for: ${field}`);
      const allowed = ENUMS[field];
      if (allowed && !allowed.has(value)) throw invalidValue(`Invalid value for: ${field}`);
      changes.push((event) => {
        (event as unknown as Record<string, unknown>)[field] = value;
      });
    } else if (BOOLEAN_FIELDS.has(field)) {
      if (value !== null && typeof value !== 'boolean') throw invalidValue(`Invalid value for: ${field}`);
      changes.push((event) => {
        (event as unknown as Record<string, unknown>)[field] = value;
      });
    } else if (OBJECT_FIELDS.has(field) || ARRAY_FIELDS.has(field)) {
      const ok = value === null || (ARRAY_FIELDS.has(field) ? Array.isArray(value) : isObject(value));
      if (!ok) throw invalidValue(`Invalid value for: ${field}`);
      changes.push((event) => {
        (event as unknown as Record<string, unknown>)[field] = structuredClone(value);
      });
    } else if (field === 'start' || field === 'end') {
      checkDateTime(field, value);
      changes.push((event) => {
        event[field] = structuredClone(value) as FakeGoogleEvent['start'];
        event.sequence += 1;
      });
    } else if (field === 'sequence') {
      if (!Number.isInteger(value)) throw invalidValue('Invalid value for: sequence');
      changes.push((event) => {
        event.sequence = value as number;
      });
    } else if (field === 'conferenceData') {
      if (context.conferenceDataVersion !== 1) {
        // Version 0 "assumes no conference data support and ignores conference data in the body".
        ignoredFields.push(field);
        continue;
      }
      if (value === null) {
        changes.push((event) => {
          delete event.conferenceData;
        });
        continue;
      }
      if (!isObject(value)) throw invalidValue('Invalid value for: conferenceData');
      if (value['createRequest'] !== undefined) throw invalidValue('Invalid conference type value.');
      const solution = value['conferenceSolution'];
      const key = isObject(solution) ? solution['key'] : undefined;
      const type = isObject(key) ? key['type'] : undefined;
      if (type === undefined || type === null || type === '') {
        // No key type: Google drops the conference data without a word.
        ignoredFields.push(field);
        continue;
      }
      if (type !== 'addOn') throw invalidValue('Invalid conference data.');
      if (!context.acceptAddOnConferenceData) throw invalidConferenceData();
      const stored = checkAddOnConference(value);
      changes.push((event) => {
        event.conferenceData = stored;
      });
    } else {
      ignoredFields.push(field);
    }
  }

  const start = fields['start'];
  const end = fields['end'];
  if (
    isObject(start) &&
    isObject(end) &&
    typeof start['dateTime'] === 'string' &&
    typeof end['dateTime'] === 'string'
  ) {
    if (Date.parse(end['dateTime']) < Date.parse(start['dateTime'])) {
      throw new GoogleApiError(400, {
        domain: 'calendar',
        reason: 'timeRangeEmpty',
        message: 'The specified time range is empty.',
      });
    }
  }

  return {
    ignoredFields,
    apply: (event) => {
      for (const change of changes) change(event);
    },
  };
};
