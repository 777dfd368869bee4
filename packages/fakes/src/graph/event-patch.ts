// PATCH of an event as Graph (Exchange Online) takes it: properties of the event type only
// (RequestBodyRead otherwise), read-only ones refused (ErrorInvalidPropertySet: onlineMeeting and
// onlineMeetingUrl among them), OData type checks, an HTML body stored as a full HTML document, and
// isOnlineMeeting/onlineMeetingProvider creating a Teams meeting.
import { randomBytes } from 'node:crypto';
import { isObject } from '../kit/json';
import { readOnlyProperty, requestBodyRead, unknownProperty } from './graph-errors';
import type { FakeGraphEvent, FakeGraphItemBody, FakeGraphLocation } from './types';

const READ_ONLY = new Set([
  'id',
  'changeKey',
  'createdDateTime',
  'lastModifiedDateTime',
  'iCalUId',
  'webLink',
  'bodyPreview',
  'isOrganizer',
  'isCancelled',
  'type',
  'seriesMasterId',
  'originalStart',
  'hasAttachments',
  'onlineMeeting',
  'onlineMeetingUrl',
  'responseStatus',
]);
const STRINGS = new Set(['subject', 'originalStartTimeZone', 'originalEndTimeZone', 'transactionId']);
const BOOLEANS = new Set([
  'isAllDay',
  'isReminderOn',
  'responseRequested',
  'hideAttendees',
  'allowNewTimeProposals',
  'isOnlineMeeting',
]);
const ENUMS: Record<string, Set<string>> = {
  importance: new Set(['low', 'normal', 'high']),
  sensitivity: new Set(['normal', 'personal', 'private', 'confidential']),
  showAs: new Set(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown']),
  onlineMeetingProvider: new Set(['unknown', 'teamsForBusiness', 'skypeForBusiness', 'skypeForConsumer']),
};
const OTHER_WRITABLE = new Set([
  'body',
  'start',
  'end',
  'location',
  'locations',
  'attendees',
  'categories',
  'reminderMinutesBeforeStart',
  'recurrence',
  'organizer',
]);
/**
 * What $select may name: every property of the event type a PATCH knows, but originalStart and
 * transactionId, which the fake's $select has never offered (Graph's does).
 */
export const EVENT_PROPERTIES = new Set(
  [...READ_ONLY, ...STRINGS, ...BOOLEANS, ...Object.keys(ENUMS), ...OTHER_WRITABLE].filter(
    (property) => property !== 'originalStart' && property !== 'transactionId',
  ),
);
const LOCATION_STRINGS = new Set(['displayName', 'locationUri', 'locationEmailAddress', 'uniqueId']);
const LOCATION_ENUMS: Record<string, Set<string>> = {
  locationType: new Set([
    'default',
    'conferenceRoom',
    'homeAddress',
    'businessAddress',
    'geoCoordinates',
    'streetAddress',
    'hotel',
    'restaurant',
    'localBusiness',
    'postalAddress',
  ]),
  uniqueIdType: new Set(['unknown', 'locationStore', 'directory', 'private', 'bing']),
};

const notAString = (): Error =>
  requestBodyRead(
    "Cannot convert a primitive value to the expected type 'Edm.String'. See the inner exception for more details.",
  );
const notAnObject = (): Error =>
  requestBodyRead(
    "An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartObject' node was expected.",
  );
const notAnArray = (): Error =>
  requestBodyRead(
    "An unexpected 'StartObject' node was found when reading from the JSON reader. A 'StartArray' node was expected.",
  );
const badEnum = (value: unknown): Error =>
  requestBodyRead(`Requested value '${String(value)}' was not found.`);

const checkLocation = (value: unknown): FakeGraphLocation => {
  if (!isObject(value)) throw notAnObject();
  for (const [key, field] of Object.entries(value)) {
    if (key.startsWith('@odata.')) continue;
    if (LOCATION_STRINGS.has(key)) {
      if (field !== null && typeof field !== 'string') throw notAString();
    } else if (LOCATION_ENUMS[key]) {
      if (!LOCATION_ENUMS[key].has(String(field))) throw badEnum(field);
    } else if (key === 'address' || key === 'coordinates') {
      if (field !== null && !isObject(field)) throw notAnObject();
    } else {
      throw unknownProperty(key, 'Location');
    }
  }
  const location: FakeGraphLocation = structuredClone(value);
  return location;
};

const checkBody = (value: unknown): FakeGraphItemBody => {
  if (!isObject(value)) throw notAnObject();
  for (const key of Object.keys(value)) {
    if (key !== 'contentType' && key !== 'content' && !key.startsWith('@odata.'))
      throw unknownProperty(key, 'ItemBody');
  }
  const rawType = value['contentType'] ?? 'text';
  const contentType = typeof rawType === 'string' ? rawType.toLowerCase() : '';
  if (contentType !== 'text' && contentType !== 'html') throw badEnum(value['contentType']);
  const content = value['content'] ?? '';
  if (typeof content !== 'string') throw notAString();
  return { contentType, content };
};

const checkDateTimeTimeZone = (value: unknown): { dateTime: string; timeZone: string } => {
  if (!isObject(value)) throw notAnObject();
  const { dateTime, timeZone } = value;
  if (typeof dateTime !== 'string' || typeof timeZone !== 'string') throw notAString();
  if (Number.isNaN(Date.parse(dateTime.replace(/(\.\d{3})\d+/, '$1')))) {
    throw requestBodyRead(`Cannot convert the literal '${dateTime}' to the expected type 'Edm.DateTime'.`);
  }
  return { dateTime, timeZone };
};

/** Exchange keeps an HTML body as a whole document. */
export const asStoredHtml = (content: string): string =>
  /<html[\s>]/i.test(content)
    ? content
    : `<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head><body>${content}</body></html>`;

export const previewOf = (body: FakeGraphItemBody): string => {
  const text =
    body.contentType === 'html'
      ? body.content
          .replace(/<head[\s\S]*?<\/head>/i, '')
          .replace(/<[^>]*>/g, ' ')
          .replace(/&nbsp;/g, ' ')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&')
      : body.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
};

export interface PatchResult {
  /** A Teams meeting this write created (isOnlineMeeting / onlineMeetingProvider). */
  teamsJoinUrl?: string;
}

/** Checks the whole body first (a bad property changes nothing), then applies it. */
export const applyPatch = (event: FakeGraphEvent, body: unknown): PatchResult => {
  if (!isObject(body)) throw notAnObject();
  const changes: Array<() => void> = [];
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@odata.')) continue;
    const target = event as unknown as Record<string, unknown>;
    if (READ_ONLY.has(key)) throw readOnlyProperty();
    if (STRINGS.has(key)) {
      if (value !== null && typeof value !== 'string') throw notAString();
      changes.push(() => {
        target[key] = value ?? '';
      });
    } else if (BOOLEANS.has(key)) {
      if (typeof value !== 'boolean')
        throw requestBodyRead("Cannot convert a primitive value to the expected type 'Edm.Boolean'.");
      changes.push(() => {
        target[key] = value;
      });
    } else if (ENUMS[key]) {
      if (!ENUMS[key].has(String(value))) throw badEnum(value);
      changes.push(() => {
        target[key] = value;
      });
    } else if (!OTHER_WRITABLE.has(key)) {
      throw unknownProperty(key);
    } else if (key === 'body') {
      const itemBody = checkBody(value);
      changes.push(() => {
        event.body =
          itemBody.contentType === 'html'
            ? { contentType: 'html', content: asStoredHtml(itemBody.content) }
            : itemBody;
        event.bodyPreview = previewOf(event.body);
      });
    } else if (key === 'location') {
      const location = checkLocation(value);
      changes.push(() => {
        event.location = location;
        // "location and locations always correspond": writing one replaces the other.
        event.locations = location.displayName ? [structuredClone(location)] : [];
      });
    } else if (key === 'locations') {
      if (!Array.isArray(value)) throw notAnArray();
      const locations = value.map(checkLocation);
      changes.push(() => {
        event.locations = locations;
        event.location = structuredClone(locations[0] ?? { displayName: '' });
      });
    } else if (key === 'start' || key === 'end') {
      const when = checkDateTimeTimeZone(value);
      changes.push(() => {
        event[key] = when;
      });
    } else if (key === 'attendees' || key === 'categories') {
      if (!Array.isArray(value)) throw notAnArray();
      changes.push(() => {
        target[key] = structuredClone(value);
      });
    } else if (key === 'reminderMinutesBeforeStart') {
      if (!Number.isInteger(value))
        throw requestBodyRead("Cannot convert a primitive value to the expected type 'Edm.Int32'.");
      changes.push(() => {
        event.reminderMinutesBeforeStart = value as number;
      });
    } else {
      changes.push(() => {
        target[key] = structuredClone(value);
      });
    }
  }
  for (const change of changes) change();

  const wantsTeams =
    (body['isOnlineMeeting'] === true || body['onlineMeetingProvider'] === 'teamsForBusiness') &&
    !event.onlineMeeting;
  if (!wantsTeams) return {};
  // What Exchange does: a Teams meeting is created and its blob appended to the body.
  const joinUrl = `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomBytes(24).toString('base64url')}%40thread.v2/0`;
  event.isOnlineMeeting = true;
  event.onlineMeetingProvider = 'teamsForBusiness';
  event.onlineMeeting = { joinUrl };
  const blob = `<div>Microsoft Teams meeting<br>Join on your computer, mobile app or room device<br><a href="${joinUrl}">Click here to join the meeting</a></div>`;
  const html = event.body.contentType === 'html' ? event.body.content : asStoredHtml(event.body.content);
  event.body = { contentType: 'html', content: html.replace(/<\/body>/i, `${blob}</body>`) };
  event.bodyPreview = previewOf(event.body);
  return { teamsJoinUrl: joinUrl };
};
