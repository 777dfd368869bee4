// What Zoom does and then tells an app's event endpoint: a user removes the app (tokens die,
// `app_deauthorized`), a host deletes or edits a meeting in Zoom (`meeting.deleted`,
// `meeting.updated`), and the endpoint check (`endpoint.url_validation`). Bodies follow the shapes in
// @zoom/rivet's MeetingDeletedEvent, MeetingUpdatedEvent and AppDeauthorizedEvent; `signZoomWebhook`
// adds the headers Zoom signs them with: x-zm-request-timestamp (seconds) and
// x-zm-signature = v0= + hex HMAC-SHA256(secret token, `v0:{timestamp}:{body}`).
import { createHmac, randomBytes } from 'node:crypto';
import type { FakeZoomState } from './fake-zoom-state';
import { validateMeetingBody } from './meeting-body';
import { updateMeetingRecord } from './meeting-record';
import type { FakeZoomMeeting, HostMeetingChanges, ZoomWebhookEvent } from './types';

export type { HostMeetingChanges, ZoomWebhookEvent } from './types';

export interface SignedZoomWebhook {
  /** The exact bytes to POST. */
  body: string;
  headers: { 'content-type': string; 'x-zm-request-timestamp': string; 'x-zm-signature': string };
}

export const signZoomWebhook = (
  secretToken: string,
  event: unknown,
  timestampSeconds = Math.floor(Date.now() / 1000),
): SignedZoomWebhook => {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signature = createHmac('sha256', secretToken).update(`v0:${timestampSeconds}:${body}`).digest('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-zm-request-timestamp': String(timestampSeconds),
      'x-zm-signature': `v0=${signature}`,
    },
  };
};

export const urlValidationEvent = (now: Date, plainToken = randomBytes(16).toString('base64url')) => ({
  event: 'endpoint.url_validation',
  payload: { plainToken },
  event_ts: now.getTime(),
});

const zoomEvent = (event: string, now: Date, payload: Record<string, unknown>): ZoomWebhookEvent => ({
  event,
  event_ts: now.getTime(),
  payload,
});

/** The user removed the app: every token of theirs stops working, and Zoom says so. */
export const deauthorize = (state: FakeZoomState, userId: string, clientId: string): ZoomWebhookEvent => {
  const user = state.requireUser(userId);
  state.revokeUser(userId);
  const now = state.now();
  return zoomEvent('app_deauthorized', now, {
    account_id: user.accountId,
    user_id: user.id,
    client_id: clientId,
    deauthorization_time: now.toISOString(),
    signature: randomBytes(32).toString('hex'),
    user_data_retention: 'false',
  });
};

const meetingObject = (state: FakeZoomState, meetingId: number) => {
  const meeting = state.meetings().find((m) => m.id === meetingId);
  if (!meeting) throw new Error(`fake Zoom has no live meeting ${meetingId}`);
  return meeting;
};

/** The host deleted the meeting in Zoom's web portal or app. */
export const hostDeletesMeeting = (state: FakeZoomState, meetingId: number): ZoomWebhookEvent => {
  const meeting = meetingObject(state, meetingId);
  state.deleteMeeting(meeting);
  return zoomEvent('meeting.deleted', state.now(), {
    account_id: state.requireUser(meeting.hostUserId).accountId,
    operator: meeting.host_email,
    operator_id: meeting.host_id,
    operation: 'single',
    object: {
      uuid: meeting.uuid,
      id: meeting.id,
      host_id: meeting.host_id,
      topic: meeting.topic,
      type: meeting.type,
      start_time: meeting.start_time,
      duration: meeting.duration,
      timezone: meeting.timezone,
    },
  });
};

/** The host edited the meeting in Zoom: `object` carries the id and what changed, `old_object` what it was. */
export const hostUpdatesMeeting = (
  state: FakeZoomState,
  meetingId: number,
  changes: HostMeetingChanges,
): ZoomWebhookEvent => {
  const meeting = meetingObject(state, meetingId);
  const host = state.requireUser(meeting.hostUserId);
  const body = validateMeetingBody({ ...changes }, host.requirement, meeting.timezone);
  const updated = updateMeetingRecord(meeting, body, host);
  state.saveMeeting(updated);
  const fields = Object.keys(changes) as (keyof HostMeetingChanges)[];
  const pick = (from: FakeZoomMeeting) => Object.fromEntries(fields.map((field) => [field, from[field]]));
  const now = state.now();
  return zoomEvent('meeting.updated', now, {
    account_id: host.accountId,
    operator: meeting.host_email,
    operator_id: meeting.host_id,
    scope: 'single',
    object: { id: meeting.id, uuid: meeting.uuid, host_id: meeting.host_id, ...pick(updated) },
    old_object: { id: meeting.id, uuid: meeting.uuid, host_id: meeting.host_id, ...pick(meeting) },
    time_stamp: now.getTime(),
  });
};
