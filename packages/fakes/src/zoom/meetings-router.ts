// The meeting endpoints: create (201), list, get, update (204, no body), delete (204).
// Creates and updates count against the host's daily budget before anything else is looked at.
import express, { Router } from 'express';
import type { Request, Response } from 'express';
import type { FakeZoomState, UserRecord } from './fake-zoom-state';
import { findIgnoredFields, parseJsonObject, validateMeetingBody } from './meeting-body';
import { createMeetingRecord, toListItem, toMeetingResponse, updateMeetingRecord } from './meeting-record';
import { dailyLimited, rateLimitCategory, userDailyMessage } from './rate-limits';
import { principalOf, zoomLocals } from './request-log';
import type { FakeZoomMeeting } from './types';
import { validationFailed, ZoomApiError } from './zoom-errors';

const LIST_TYPES = ['scheduled', 'live', 'upcoming', 'upcoming_meetings', 'previous_meetings'] as const;
type ListType = (typeof LIST_TYPES)[number];

const endsAt = (meeting: FakeZoomMeeting): number =>
  Date.parse(meeting.start_time) + meeting.duration * 60_000;

/** Zoom: "a scheduled, non-recurring meeting ID will expire 30 days after the scheduled date". */
const ONE_TIME_MEETING_LIFETIME_MS = 30 * 24 * 3_600_000;

/** A one-time meeting past its 30 days (the fake never starts meetings, which would extend them). */
const isExpired = (meeting: FakeZoomMeeting, now: number): boolean =>
  (meeting.type === 2 || meeting.type === 10) &&
  Date.parse(meeting.start_time) + ONE_TIME_MEETING_LIFETIME_MS < now;

const isListed = (meeting: FakeZoomMeeting, type: ListType, now: number): boolean => {
  switch (type) {
    case 'scheduled':
      // "All valid previous (unexpired) meetings, live meetings, and upcoming scheduled meetings":
      // a meeting whose start time has passed is still listed, until it expires.
      return !isExpired(meeting, now);
    case 'live':
      return meeting.status === 'started';
    case 'upcoming':
    case 'upcoming_meetings':
      return meeting.type === 3 || endsAt(meeting) >= now;
    case 'previous_meetings':
      return meeting.type !== 3 && endsAt(meeting) < now;
  }
};

const queryString = (req: Request, name: string): string | undefined => {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export const meetingsRouter = (state: FakeZoomState): Router => {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: '1mb' });

  /** One create/update against the host's daily budget; 429 when it is spent. */
  const countCreateOrUpdate = (res: Response, host: UserRecord): void => {
    const locals = zoomLocals(res);
    locals.countsTowardDailyLimit = true;
    const now = state.now();
    const category = rateLimitCategory(locals.record.path);
    const remaining = state.daily.consume(host.id, now);
    if (remaining === undefined) {
      const limit = state.daily.limit;
      const answer = dailyLimited(category, now, { limit, message: userDailyMessage(limit) });
      if (answer.retryAfter) state.recordRetryAfter(locals.record, answer.retryAfter, host.id);
      throw answer.error;
    }
    res.set({
      'X-RateLimit-Category': category,
      'X-RateLimit-Limit': String(state.daily.limit),
      'X-RateLimit-Remaining': String(remaining),
    });
  };

  router.post('/users/:userId/meetings', rawBody, (req, res) => {
    const locals = zoomLocals(res);
    const principal = principalOf(res);
    let host = state.resolveUser(principal, req.params.userId);
    locals.userId = host.id;
    const raw = parseJsonObject(req.body as Buffer | undefined);
    locals.ignoredFields = findIgnoredFields(raw);
    if (typeof raw['schedule_for'] === 'string' && raw['schedule_for'] !== '') {
      host = state.resolveUser(principal, raw['schedule_for']);
      locals.userId = host.id;
    }
    countCreateOrUpdate(res, host);
    const body = validateMeetingBody(raw, host.requirement, host.timezone);
    const meeting = createMeetingRecord(body, host, state.now(), (id) => state.hasMeetingId(id));
    state.saveMeeting(meeting);
    if (state.faults.take('drop_after_create', req)) {
      req.socket.destroy();
      return;
    }
    res.status(201).json(toMeetingResponse(meeting));
  });

  router.get('/users/:userId/meetings', (req, res) => {
    const user = state.resolveUser(principalOf(res), req.params.userId);
    zoomLocals(res).userId = user.id;
    const type = queryString(req, 'type') ?? 'scheduled';
    if (!LIST_TYPES.includes(type as ListType))
      throw validationFailed([{ field: 'type', message: 'Invalid field.' }]);
    const pageSize = Math.min(
      Math.max(Number.parseInt(queryString(req, 'page_size') ?? '', 10) || 30, 1),
      300,
    );
    const token = queryString(req, 'next_page_token');
    let offset = 0;
    if (token) {
      const cursor = state.findCursor(token);
      if (!cursor || cursor.userId !== user.id || cursor.type !== type) {
        throw new ZoomApiError(400, { code: 300, message: 'The next page token is invalid or expired.' });
      }
      offset = cursor.offset;
    }
    const now = state.now().getTime();
    const listed = state
      .meetings()
      .filter((m) => m.hostUserId === user.id && isListed(m, type as ListType, now))
      .sort((a, b) => a.start_time.localeCompare(b.start_time) || a.id - b.id);
    const page = listed.slice(offset, offset + pageSize);
    const nextOffset = offset + pageSize;
    res.json({
      page_size: pageSize,
      total_records: listed.length,
      next_page_token:
        nextOffset < listed.length ? state.saveCursor({ userId: user.id, type, offset: nextOffset }) : '',
      meetings: page.map(toListItem),
    });
  });

  router.get('/meetings/:meetingId', (req, res) => {
    const meeting = state.resolveMeeting(principalOf(res), req.params.meetingId);
    zoomLocals(res).userId = meeting.hostUserId;
    res.json(toMeetingResponse(meeting));
  });

  router.patch('/meetings/:meetingId', rawBody, (req, res) => {
    const locals = zoomLocals(res);
    const meeting = state.resolveMeeting(principalOf(res), req.params.meetingId);
    const host = state.requireUser(meeting.hostUserId);
    locals.userId = host.id;
    const raw = parseJsonObject(req.body as Buffer | undefined);
    locals.ignoredFields = findIgnoredFields(raw);
    countCreateOrUpdate(res, host);
    const body = validateMeetingBody(raw, host.requirement, meeting.timezone);
    state.saveMeeting(updateMeetingRecord(meeting, body, host));
    res.status(204).end();
  });

  router.delete('/meetings/:meetingId', (req, res) => {
    const meeting = state.resolveMeeting(principalOf(res), req.params.meetingId);
    zoomLocals(res).userId = meeting.hostUserId;
    state.deleteMeeting(meeting);
    res.status(204).end();
  });

  return router;
};
