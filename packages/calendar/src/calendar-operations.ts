// Google Calendar and Microsoft Graph calls by name, for the provider metrics and spans: a bounded
// label from the method and the path's shape (calendar, mailbox and event ids left out).

const byMethod = (method: string, names: Record<string, string>): string => names[method] ?? 'other';

/** `GET …/calendar/v3/calendars/{id}/events/{id}` → `events.get`; a call it does not know → `other`. */
export const googleCalendarOperationOf = (method: string, url: URL): string => {
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/calendars\/[^/]+\/events\/[^/]+$/.test(path)) {
    return byMethod(method, {
      GET: 'events.get',
      PATCH: 'events.patch',
      PUT: 'events.update',
      DELETE: 'events.delete',
    });
  }
  if (/\/calendars\/[^/]+\/events$/.test(path)) {
    return byMethod(method, { GET: 'events.list', POST: 'events.insert' });
  }
  if (/\/token$/.test(path)) return 'oauth.token';
  return 'other';
};

/** `PATCH …/users/{id}/events/{id}` → `events.patch`; a call it does not know → `other`. */
export const graphOperationOf = (method: string, url: URL): string => {
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/users\/[^/]+\/(calendar\/)?events\/[^/]+$/.test(path)) {
    return byMethod(method, { GET: 'events.get', PATCH: 'events.patch', DELETE: 'events.delete' });
  }
  if (/\/users\/[^/]+\/(calendar\/)?events$/.test(path)) {
    return byMethod(method, { GET: 'events.list', POST: 'events.create' });
  }
  if (/\/oauth2\/v2\.0\/token$/.test(path)) return 'oauth.token';
  return 'other';
};
