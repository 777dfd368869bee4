// Zoom REST calls by name, for the provider metrics and spans: a bounded label from the method and
// the path's shape (ids and emails left out), the same names the client's errors use.

/** `POST …/users/{id}/meetings` → `meetings.create`; a call it does not know → `other`. */
export const zoomOperationOf = (method: string, url: URL): string => {
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/oauth\/token$/.test(path)) return 'oauth.token';
  if (/\/users\/[^/]+\/meetings$/.test(path)) {
    return method === 'POST' ? 'meetings.create' : method === 'GET' ? 'meetings.list' : 'other';
  }
  if (/\/users\/[^/]+\/settings$/.test(path)) return method === 'GET' ? 'users.settings' : 'other';
  if (/\/meetings\/\d+$/.test(path)) {
    const operation = { GET: 'meetings.get', PATCH: 'meetings.update', DELETE: 'meetings.delete' }[method];
    return operation ?? 'other';
  }
  return 'other';
};
