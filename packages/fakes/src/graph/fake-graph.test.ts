// The fake Microsoft Graph over plain HTTP: it must answer as Graph and the identity platform do,
// including their refusals.
import { startFakeGraph } from './start-fake-graph';
import type { FakeGraph } from './types';
import { closeAfterEach } from '../../test/close-after-each';

const APP = { tenantId: 'contoso', clientId: 'app-1', clientSecret: 'secret-1' };
const USER = { id: 'u-1', userPrincipalName: 'ada@contoso.example', tenantId: 'contoso' };

describe('fake Microsoft Graph', () => {
  let graph: FakeGraph;

  const form = (params: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const tokenUrl = (tenant: string) => `${graph.authorityHost}/${tenant}/oauth2/v2.0/token`;
  /** APP's client-credentials request to a tenant's token endpoint, with what to change in it. */
  const clientCredentials = (tenant: string, overrides: Record<string, string> = {}) =>
    fetch(
      tokenUrl(tenant),
      form({
        grant_type: 'client_credentials',
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
        ...overrides,
      }),
    );
  const appToken = async (): Promise<string> => {
    const response = await clientCredentials(APP.tenantId);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const call = async (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const bearer = init.token === undefined ? await appToken() : init.token;
    return fetch(`${graph.baseUrl}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  };
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error;

  beforeAll(async () => {
    graph = await startFakeGraph();
  });

  beforeEach(() => {
    graph.reset();
    graph.addApp(APP);
    graph.addUser(USER);
  });

  afterAll(async () => {
    await graph.close();
  });

  describe('token endpoint', () => {
    it('issues an app token for client credentials with a /.default scope', async () => {
      const response = await clientCredentials('contoso');
      expect(await response.json()).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3599,
        access_token: expect.any(String) as unknown,
      });
    });

    it('refuses a wrong secret with AADSTS7000215 in the identity platform error shape', async () => {
      const response = await clientCredentials('contoso', { client_secret: 'nope' });
      expect(response.status).toBe(401);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        error: 'invalid_client',
        error_codes: [7000215],
        trace_id: expect.any(String) as unknown,
        correlation_id: expect.any(String) as unknown,
        timestamp: expect.any(String) as unknown,
      });
      expect(body['error_description']).toMatch(
        /^AADSTS7000215: Invalid client secret provided\..*\r\nTrace ID: /s,
      );
    });

    it('refuses a scope without /.default, and an app the tenant does not know', async () => {
      const badScope = await clientCredentials('contoso', { scope: 'Calendars.ReadWrite' });
      expect(((await badScope.json()) as { error: string }).error).toBe('invalid_scope');
      const otherTenant = await clientCredentials('fabrikam');
      expect(await otherTenant.json()).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    });

    it('rotates refresh tokens, keeps the old one usable, and refuses a revoked grant', async () => {
      const issued = graph.issueUserTokens({ ...APP, userId: USER.id });
      const refresh = (token: string) =>
        fetch(
          tokenUrl('common'),
          form({
            grant_type: 'refresh_token',
            refresh_token: token,
            client_id: APP.clientId,
            client_secret: APP.clientSecret,
          }),
        );
      const first = (await (await refresh(issued.refreshToken)).json()) as {
        refresh_token: string;
        access_token: string;
      };
      expect(first.refresh_token).not.toBe(issued.refreshToken);
      expect((await refresh(issued.refreshToken)).status).toBe(200);
      graph.revokeUserTokens(USER.id);
      const revoked = await refresh(first.refresh_token);
      expect(revoked.status).toBe(400);
      expect(await revoked.json()).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
      expect((await call(`/me/events/x`, { token: first.access_token })).status).toBe(401);
    });
  });

  describe('GET event', () => {
    it("answers 401 InvalidAuthenticationToken in Graph's error shape, with request ids", async () => {
      const response = await call('/users/u-1/events/x', { token: null });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({
        code: 'InvalidAuthenticationToken',
        message: 'Access token is empty.',
        innerError: {
          date: expect.any(String) as unknown,
          'request-id': expect.any(String) as unknown,
          'client-request-id': expect.any(String) as unknown,
        },
      });
      expect(response.headers.get('request-id')).toBe(
        (body.error['innerError'] as Record<string, string>)['request-id'],
      );
    });

    it('answers 401 for an expired token', async () => {
      const bearer = await appToken();
      graph.expireAccessTokens();
      const response = await call('/users/u-1/events/x', { token: bearer });
      expect(await errorOf(response)).toMatchObject({
        code: 'InvalidAuthenticationToken',
        message: 'Lifetime validation failed, the token is expired.',
      });
    });

    it('reads an event by user id or principal name, with @odata.etag, and only the $select fields', async () => {
      const event = graph.seedEvent('u-1', { subject: 'Intro' });
      const full = (await (await call(`/users/u-1/events/${encodeURIComponent(event.id)}`)).json()) as Record<
        string,
        unknown
      >;
      expect(full).toMatchObject({
        id: event.id,
        subject: 'Intro',
        '@odata.etag': event['@odata.etag'],
        changeKey: event.changeKey,
      });
      const picked = (await (
        await call(
          `/users/${encodeURIComponent(USER.userPrincipalName)}/events/${encodeURIComponent(event.id)}?$select=subject,location`,
        )
      ).json()) as Record<string, unknown>;
      expect(Object.keys(picked).sort()).toEqual([
        '@odata.context',
        '@odata.etag',
        'id',
        'location',
        'subject',
      ]);
      const unknown = await call(`/users/u-1/events/${encodeURIComponent(event.id)}?$select=nonsense`);
      expect(unknown.status).toBe(400);
    });

    it('converts the body to the format the Prefer header asks for', async () => {
      const event = graph.seedEvent('u-1', {
        body: { contentType: 'text', content: 'Line 1\n<b>not bold</b>' },
      });
      const response = await call(`/users/u-1/events/${encodeURIComponent(event.id)}`, {
        headers: { prefer: 'outlook.body-content-type="html"' },
      });
      expect(response.headers.get('preference-applied')).toBe('outlook.body-content-type="html"');
      const { body } = (await response.json()) as { body: { contentType: string; content: string } };
      expect(body.contentType).toBe('html');
      expect(body.content).toContain('Line 1<br>');
      expect(body.content).toContain('&lt;b&gt;not bold&lt;/b&gt;');
    });

    it('answers 404 ErrorItemNotFound for a missing event and ErrorInvalidUser for an unknown mailbox', async () => {
      expect(await errorOf(await call('/users/u-1/events/nope'))).toEqual({
        code: 'ErrorItemNotFound',
        message: 'The specified object was not found in the store.',
        innerError: expect.any(Object) as unknown,
      });
      const unknown = await call('/users/ghost@contoso.example/events/nope');
      expect(unknown.status).toBe(404);
      expect((await errorOf(unknown)).code).toBe('ErrorInvalidUser');
    });
  });

  describe('PATCH event', () => {
    const patch = async (eventId: string, body: unknown, headers: Record<string, string> = {}) =>
      call(`/users/u-1/events/${encodeURIComponent(eventId)}`, {
        method: 'PATCH',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    it('stores an HTML body as a full document and keeps location and locations in step', async () => {
      const event = graph.seedEvent('u-1');
      const response = await patch(event.id, {
        body: { contentType: 'html', content: '<p>Hi</p>' },
        location: { displayName: 'https://zoom.us/j/1', locationUri: 'https://zoom.us/j/1' },
      });
      expect(response.status).toBe(200);
      const stored = graph.getEvent('u-1', event.id);
      expect(stored?.body.content).toMatch(/^<html><head>[\s\S]*<\/head><body><p>Hi<\/p><\/body><\/html>$/);
      expect(stored?.bodyPreview).toBe('Hi');
      expect(stored?.locations).toEqual([
        { displayName: 'https://zoom.us/j/1', locationUri: 'https://zoom.us/j/1' },
      ]);
      expect(stored?.changeKey).not.toBe(event.changeKey);
    });

    it('refuses a property the event type does not have', async () => {
      const event = graph.seedEvent('u-1');
      const response = await patch(event.id, { subject: 'x', joinUrl: 'https://zoom.us/j/1' });
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({
        code: 'RequestBodyRead',
        message:
          "The property 'joinUrl' does not exist on type 'Microsoft.OutlookServices.Event'. Make sure to only use property names that are defined by the type or mark the type as open type.",
      });
      expect(graph.getEvent('u-1', event.id)?.subject).toBe(event.subject);
    });

    it('refuses writes to the read-only onlineMeeting and onlineMeetingUrl', async () => {
      const event = graph.seedEvent('u-1');
      for (const body of [
        { onlineMeeting: { joinUrl: 'https://zoom.us/j/1' } },
        { onlineMeetingUrl: 'https://zoom.us/j/1' },
      ]) {
        const response = await patch(event.id, body);
        expect(response.status).toBe(400);
        expect((await errorOf(response)).code).toBe('ErrorInvalidPropertySet');
      }
      expect(graph.getEvent('u-1', event.id)?.onlineMeeting).toBeNull();
    });

    it('creates a Teams meeting when isOnlineMeeting is written, as Exchange does', async () => {
      const event = graph.seedEvent('u-1');
      await patch(event.id, { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
      expect(graph.teamsMeetingsCreated()).toHaveLength(1);
      expect(graph.getEvent('u-1', event.id)?.onlineMeeting?.joinUrl).toMatch(
        /^https:\/\/teams\.microsoft\.com\//,
      );
    });

    it('checks types: a string where an object belongs, an unknown location field, a bad enum', async () => {
      const event = graph.seedEvent('u-1');
      expect((await errorOf(await patch(event.id, { location: 'Room 1' }))).code).toBe('RequestBodyRead');
      expect(
        (await errorOf(await patch(event.id, { location: { displayName: 'x', url: 'y' } }))).message,
      ).toContain("type 'Microsoft.OutlookServices.Location'");
      expect(
        (await errorOf(await patch(event.id, { body: { contentType: 'markdown', content: 'x' } }))).code,
      ).toBe('RequestBodyRead');
      expect((await errorOf(await patch(event.id, '{"subject": '))).code).toBe('BadRequest');
    });

    it('answers 412 ErrorIrresolvableConflict to a stale If-Match', async () => {
      const event = graph.seedEvent('u-1');
      graph.editEvent('u-1', event.id, { subject: 'moved in Outlook' });
      const stale = await patch(event.id, { subject: 'x' }, { 'if-match': event['@odata.etag'] });
      expect(stale.status).toBe(412);
      expect((await errorOf(stale)).code).toBe('ErrorIrresolvableConflict');
      const current = graph.getEvent('u-1', event.id)?.['@odata.etag'] ?? '';
      expect((await patch(event.id, { subject: 'x' }, { 'if-match': current })).status).toBe(200);
    });

    it("lets a delegated token write only its own user's events", async () => {
      graph.addUser({ id: 'u-2', userPrincipalName: 'bob@contoso.example', tenantId: 'contoso' });
      const bobs = graph.seedEvent('u-2');
      const ada = graph.issueUserTokens({ ...APP, userId: 'u-1' });
      const response = await call(`/users/u-2/events/${encodeURIComponent(bobs.id)}`, {
        token: ada.accessToken,
      });
      expect(response.status).toBe(403);
      const own = graph.seedEvent('u-1');
      expect(
        (await call(`/me/events/${encodeURIComponent(own.id)}`, { token: ada.accessToken })).status,
      ).toBe(200);
    });
  });

  describe('throttling', () => {
    it('answers 429 TooManyRequests with Retry-After, and notes a request that came too soon', async () => {
      graph.inject({ kind: 'throttle', times: 1, retryAfterSeconds: 5 });
      const bearer = await appToken();
      const response = await call('/users/u-1/events/x', { token: bearer });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('5');
      expect((await errorOf(response)).code).toBe('TooManyRequests');
      await call('/users/u-1/events/x', { token: bearer });
      expect(graph.requests().at(-1)?.beforeRetryAfter).toBe(true);
    });

    it("answers Outlook's MailboxConcurrency throttle, with or without Retry-After", async () => {
      graph.inject({ kind: 'throttle', times: 1, code: 'ApplicationThrottled', omitRetryAfter: true });
      const response = await call('/users/u-1/events/x');
      expect(response.headers.get('retry-after')).toBeNull();
      expect(await errorOf(response)).toMatchObject({
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxConcurrency limit.',
      });
    });
  });
});

describe('fake Microsoft Graph with autoProvisionUsers and autoCreateEvents (sandbox mode)', () => {
  const closing = closeAfterEach<FakeGraph>();

  /** A fake with APP registered, and an app token of APP's tenant (or of another app's). */
  const start = async (options: Parameters<typeof startFakeGraph>[0] = {}) => {
    const fake = closing(await startFakeGraph(options));
    fake.addApp(APP);
    const appToken = async (app = APP): Promise<string> => {
      const response = await fetch(`${fake.authorityHost}/${app.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: app.clientId,
          client_secret: app.clientSecret,
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
      });
      return ((await response.json()) as { access_token: string }).access_token;
    };
    const call = async (path: string, init: RequestInit = {}, token?: string) =>
      fetch(`${fake.baseUrl}${path}`, {
        ...init,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token ?? (await appToken())}`,
          ...(init.headers as Record<string, string> | undefined),
        },
      });
    return { fake, appToken, call };
  };
  const codeOf = async (response: Response): Promise<string> =>
    ((await response.json()) as { error: { code: string } }).error.code;

  it("makes any email a mailbox of the tenant, and the booking's event in it on first GET", async () => {
    const { fake, call } = await start({
      autoProvisionUsers: { tenantId: APP.tenantId },
      autoCreateEvents: true,
    });
    const response = await call('/users/linus%40example.net/events/evt-linus-1');
    expect(response.status).toBe(200);
    const event = (await response.json()) as Record<string, unknown>;
    expect(event).toMatchObject({
      '@odata.context': expect.stringContaining("users('linus%40example.net')/events/$entity") as unknown,
      id: 'evt-linus-1',
      subject: expect.any(String) as unknown,
      body: { contentType: 'html', content: expect.any(String) as unknown },
      start: { dateTime: expect.any(String) as unknown, timeZone: 'UTC' },
      end: { dateTime: expect.any(String) as unknown, timeZone: 'UTC' },
      isCancelled: false,
      organizer: { emailAddress: { address: 'linus@example.net' } },
    });

    const patched = await call('/users/Linus@example.net/events/evt-linus-1', {
      method: 'PATCH',
      headers: { 'if-match': String(event['@odata.etag']) },
      body: JSON.stringify({ location: { displayName: 'Zoom', locationUri: 'https://zoom.us/j/1' } }),
    });
    expect(patched.status).toBe(200);
    expect(fake.getEvent('linus@example.net', 'evt-linus-1')?.location.locationUri).toBe(
      'https://zoom.us/j/1',
    );
  });

  it('makes one on a first PATCH too, but brings no deleted event back', async () => {
    const { fake, call } = await start({
      autoProvisionUsers: { tenantId: APP.tenantId },
      autoCreateEvents: true,
    });
    const patched = await call('/users/linus@example.net/events/evt-linus-2', {
      method: 'PATCH',
      body: JSON.stringify({ subject: 'Intro call' }),
    });
    expect(patched.status).toBe(200);
    fake.deleteEvent('linus@example.net', 'evt-linus-2');
    expect(await codeOf(await call('/users/linus@example.net/events/evt-linus-2'))).toBe('ErrorItemNotFound');
  });

  it("keeps other tenants' tokens and what is not an email out", async () => {
    const { fake, appToken, call } = await start({
      autoProvisionUsers: { tenantId: APP.tenantId },
      autoCreateEvents: true,
    });
    const other = { tenantId: 'fabrikam', clientId: 'app-2', clientSecret: 'secret-2' };
    fake.addApp(other);
    const otherTenant = await call('/users/linus@example.net/events/e1', {}, await appToken(other));
    expect(otherTenant.status).toBe(404);
    expect(await codeOf(otherTenant)).toBe('ErrorInvalidUser');
    expect(await codeOf(await call('/users/not-an-object-id/events/e1'))).toBe('ErrorInvalidUser');
  });

  it('answers as before without the options: ErrorInvalidUser, then ErrorItemNotFound', async () => {
    const { fake, call } = await start();
    expect(await codeOf(await call('/users/linus@example.net/events/evt-linus-1'))).toBe('ErrorInvalidUser');
    fake.addUser({ id: 'u-linus', userPrincipalName: 'linus@example.net', tenantId: APP.tenantId });
    const missing = await call('/users/linus@example.net/events/evt-linus-1');
    expect(missing.status).toBe(404);
    expect(await codeOf(missing)).toBe('ErrorItemNotFound');
  });
});
