// events.list, GET /calendar/v3/calendars/{calendarId}/events: the cheap authenticated read an app
// makes to check that a member's connection still works (maxResults, default 250, at most 2500).
// Only the first page; no time bounds, sync tokens or recurrence expansion.
import express from 'express';
import type { Router } from 'express';
import type { FakeGoogleState } from './fake-google-state';
import { invalidParameter } from './google-errors';
import { requireBearer, tokenOf } from './events-router';

export const eventsListRouter = (state: FakeGoogleState): Router => {
  const router = express.Router();
  router.get('/calendars/:calendarId/events', requireBearer(state), (req, res) => {
    const raw = typeof req.query['maxResults'] === 'string' ? req.query['maxResults'] : '250';
    const maxResults = Number(raw);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 2500) {
      throw invalidParameter(
        'maxResults',
        `Invalid value '${raw}'. Values must be within the range: [1, 2500]`,
      );
    }
    const principal = tokenOf(res).principal;
    const calendarId = state.resolveCalendar(principal, String(req.params['calendarId']));
    const events = state.listEvents(calendarId).filter((e) => e.status !== 'cancelled');
    res.json({
      kind: 'calendar#events',
      etag: state.nextEtag(),
      summary: calendarId,
      updated: state.now().toISOString(),
      timeZone: 'UTC',
      accessRole: 'owner',
      defaultReminders: [],
      items: events.slice(0, maxResults),
    });
  });
  return router;
};
