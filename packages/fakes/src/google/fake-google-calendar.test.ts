// The fake Google Calendar over plain HTTP: it must answer as Google does, including its refusals.
import { createSign } from 'node:crypto';
import { startFakeGoogleCalendar } from './start-fake-google-calendar';
import type { FakeGoogleCalendar } from './types';
import { closeAfterEach } from '../../test/close-after-each';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const SCOPE = 'https://www.googleapis.com/auth/calendar.events';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Google's error body: one error item, its status code, and its message again at the top. */
/** The same for a request header it refused (Authorization, If-Match). */
const headerError = (code: number, reason: string, message: string, location: string) =>
  googleError(code, { domain: 'global', reason, message, locationType: 'header', location });

const googleError = (
  code: number,
  item: { domain: string; reason: string; message: string; locationType?: string; location?: string },
) => ({
  error: { errors: [item], code, message: item.message },
});

const signJwt = (privateKey: string, claims: Record<string, unknown>): string => {
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
};

/** The JWT bearer grant a service account with domain-wide delegation makes to act as `sub`. */
const grantAs = async (
  fake: FakeGoogleCalendar,
  account: { client_email: string; private_key?: string },
  sub: string,
): Promise<Response> => {
  const iat = Math.floor(Date.now() / 1000);
  const assertion = signJwt(account.private_key ?? '', {
    iss: account.client_email,
    scope: SCOPE,
    aud: fake.tokenUrl,
    iat,
    exp: iat + 3600,
    sub,
  });
  return fetch(fake.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
  });
};

describe('fake Google Calendar', () => {
  let google: FakeGoogleCalendar;
  let account: { client_email: string; private_key?: string };

  const form = (params: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });

  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
    const iat = Math.floor(Date.now() / 1000);
    return {
      iss: account.client_email,
      scope: SCOPE,
      aud: google.tokenUrl,
      iat,
      exp: iat + 3600,
      sub: 'ada@example.com',
      ...overrides,
    };
  };

  const grant = async (overrides: Record<string, unknown> = {}, key = account.private_key ?? '') =>
    fetch(google.tokenUrl, form({ grant_type: JWT_BEARER, assertion: signJwt(key, claims(overrides)) }));

  const token = async (): Promise<string> =>
    ((await (await grant()).json()) as { access_token: string }).access_token;

  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${google.rootUrl}calendar/v3${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });

  beforeAll(async () => {
    google = await startFakeGoogleCalendar();
  });

  beforeEach(() => {
    google.reset();
    google.addUser({ email: 'ada@example.com' });
    account = google.addServiceAccount();
  });

  afterAll(async () => {
    await google.close();
  });

  describe('token endpoint', () => {
    it('grants a delegated token for a JWT signed with the registered key', async () => {
      const response = await grant();
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3599,
        access_token: expect.stringMatching(/^ya29\./) as unknown,
      });
    });

    it('refuses a JWT signed with another key', async () => {
      const other = google.addServiceAccount();
      const response = await grant({}, other.private_key ?? '');
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid_grant',
        error_description: 'Invalid JWT Signature.',
      });
    });

    it('refuses an unknown issuer, a wrong audience and a long-lived or expired JWT', async () => {
      expect(await (await grant({ iss: 'stranger@x.iam.gserviceaccount.com' })).json()).toMatchObject({
        error: 'invalid_grant',
        error_description: 'Invalid JWT: No valid verifier found for issuer.',
      });
      expect(await (await grant({ aud: 'https://example.com/token' })).json()).toMatchObject({
        error_description: 'Invalid JWT: Failed audience check.',
      });
      const iat = Math.floor(Date.now() / 1000);
      expect((await (await grant({ iat, exp: iat + 7200 })).json()) as object).toMatchObject({
        error_description: expect.stringContaining('short-lived token') as unknown,
      });
      expect((await grant({ iat: iat - 7200, exp: iat - 3600 })).status).toBe(400);
    });

    it('refuses to impersonate a user it does not know, or without domain-wide delegation', async () => {
      expect(await (await grant({ sub: 'nobody@example.com' })).json()).toEqual({
        error: 'invalid_grant',
        error_description: 'Invalid email or User ID',
      });
      account = google.addServiceAccount({ domainWideDelegation: false });
      const response = await grant();
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('unauthorized_client');
    });

    it('refreshes a user token with the client secret, and refuses a revoked grant', async () => {
      const issued = google.issueUserTokens({
        clientId: 'web',
        clientSecret: 's3cret',
        email: 'ada@example.com',
      });
      const refresh = (clientSecret: string) =>
        fetch(
          google.tokenUrl,
          form({
            grant_type: 'refresh_token',
            refresh_token: issued.refreshToken,
            client_id: 'web',
            client_secret: clientSecret,
          }),
        );
      const ok = await refresh('s3cret');
      expect(await ok.json()).toMatchObject({
        access_token: expect.any(String) as unknown,
        scope: SCOPE,
        token_type: 'Bearer',
      });
      const wrongSecret = await refresh('nope');
      expect(wrongSecret.status).toBe(401);
      google.revokeUserTokens('ada@example.com');
      const revoked = await refresh('s3cret');
      expect(await revoked.json()).toEqual({
        error: 'invalid_grant',
        error_description: 'Token has been expired or revoked.',
      });
      expect((await api(`/calendars/primary/events/x`, { token: issued.accessToken })).status).toBe(401);
    });

    it('refuses a grant type it does not support', async () => {
      const response = await fetch(google.tokenUrl, form({ grant_type: 'password' }));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('unsupported_grant_type');
    });
  });

  describe('events.get', () => {
    it("answers 401 authError in Google's error shape without a valid token", async () => {
      const response = await api('/calendars/primary/events/abc');
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(
        headerError(401, 'authError', 'Invalid Credentials', 'Authorization'),
      );
    });

    it('answers 403 for a token without a calendar scope', async () => {
      const issued = google.issueUserTokens({
        clientId: 'web',
        clientSecret: 's',
        email: 'ada@example.com',
        scope: 'openid email',
      });
      const response = await api('/calendars/primary/events/abc', { token: issued.accessToken });
      expect(response.status).toBe(403);
      expect(
        ((await response.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]?.reason,
      ).toBe('insufficientPermissions');
    });

    it('reads an event through primary or the calendar id, with its ETag', async () => {
      const event = google.seedEvent('ada@example.com', { summary: 'Intro' });
      const bearer = await token();
      const viaPrimary = await api(`/calendars/primary/events/${event.id}`, { token: bearer });
      expect(viaPrimary.headers.get('etag')).toBe(event.etag);
      expect(await viaPrimary.json()).toMatchObject({
        kind: 'calendar#event',
        id: event.id,
        summary: 'Intro',
        etag: event.etag,
      });
      const viaId = await api(`/calendars/${encodeURIComponent('ada@example.com')}/events/${event.id}`, {
        token: bearer,
      });
      expect(viaId.status).toBe(200);
    });

    it('answers 404 for an event that never existed or a calendar the user cannot see', async () => {
      const bearer = await token();
      const missing = await api('/calendars/primary/events/nope', { token: bearer });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual(
        googleError(404, { domain: 'global', reason: 'notFound', message: 'Not Found' }),
      );
      const event = google.seedEvent('bob@example.com');
      expect(
        (
          await api(`/calendars/${encodeURIComponent('bob@example.com')}/events/${event.id}`, {
            token: bearer,
          })
        ).status,
      ).toBe(404);
    });

    it('still returns a deleted event, as cancelled, and 404 once purged', async () => {
      const event = google.seedEvent('ada@example.com');
      google.deleteEvent('ada@example.com', event.id);
      const bearer = await token();
      expect(
        await (await api(`/calendars/primary/events/${event.id}`, { token: bearer })).json(),
      ).toMatchObject({
        status: 'cancelled',
      });
      google.deleteEvent('ada@example.com', event.id, { purge: true });
      expect((await api(`/calendars/primary/events/${event.id}`, { token: bearer })).status).toBe(404);
    });
  });

  describe('events.patch', () => {
    const patch = async (eventId: string, body: unknown, query = '', headers: Record<string, string> = {}) =>
      api(`/calendars/primary/events/${eventId}${query}`, {
        method: 'PATCH',
        token: await token(),
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    it('applies the fields given, keeps the rest and changes the ETag', async () => {
      const event = google.seedEvent('ada@example.com', { summary: 'Intro', description: 'old' });
      const response = await patch(event.id, { description: 'new', location: 'https://zoom.us/j/1' });
      expect(response.status).toBe(200);
      const stored = google.getEvent('ada@example.com', event.id);
      expect(stored).toMatchObject({ summary: 'Intro', description: 'new', location: 'https://zoom.us/j/1' });
      expect(stored?.etag).not.toBe(event.etag);
    });

    it('answers 412 conditionNotMet to a stale If-Match and accepts the current one', async () => {
      const event = google.seedEvent('ada@example.com');
      google.editEvent('ada@example.com', event.id, { summary: 'changed in the UI' });
      const stale = await patch(event.id, { description: 'x' }, '', { 'if-match': event.etag });
      expect(stale.status).toBe(412);
      expect(await stale.json()).toEqual(
        headerError(412, 'conditionNotMet', 'Precondition Failed', 'If-Match'),
      );
      const current = google.getEvent('ada@example.com', event.id)?.etag ?? '';
      expect((await patch(event.id, { description: 'x' }, '', { 'if-match': current })).status).toBe(200);
    });

    it('checks sendUpdates and conferenceDataVersion', async () => {
      const event = google.seedEvent('ada@example.com');
      const bad = await patch(event.id, { description: 'x' }, '?sendUpdates=everyone');
      expect(bad.status).toBe(400);
      expect(
        ((await bad.json()) as { error: { errors: Array<{ reason: string; location: string }> } }).error
          .errors[0],
      ).toMatchObject({
        reason: 'invalidParameter',
        location: 'sendUpdates',
      });
      expect((await patch(event.id, { description: 'x' }, '?conferenceDataVersion=2')).status).toBe(400);
      expect(
        (await patch(event.id, { description: 'x' }, '?sendUpdates=externalOnly&conferenceDataVersion=1'))
          .status,
      ).toBe(200);
    });

    it('answers 400 parseError to a body that is not JSON, and invalid to a wrong type', async () => {
      const event = google.seedEvent('ada@example.com');
      const garbled = await patch(event.id, '{"description": ');
      expect(garbled.status).toBe(400);
      expect(
        ((await garbled.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]?.reason,
      ).toBe('parseError');
      const wrongType = await patch(event.id, { location: 42 });
      expect(wrongType.status).toBe(400);
      expect(
        ((await wrongType.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]
          ?.reason,
      ).toBe('invalid');
    });

    it('ignores unknown and read-only fields, and logs them', async () => {
      const event = google.seedEvent('ada@example.com');
      expect((await patch(event.id, { description: 'x', etag: '"1"', fancyField: true })).status).toBe(200);
      expect(google.requests().at(-1)?.ignoredFields).toEqual(['etag', 'fancyField']);
      expect(google.getEvent('ada@example.com', event.id)).not.toHaveProperty('fancyField');
    });

    it('clears a field given as null', async () => {
      const event = google.seedEvent('ada@example.com', { location: 'Room 1' });
      await patch(event.id, { location: null });
      expect(google.getEvent('ada@example.com', event.id)).not.toHaveProperty('location');
    });

    it('refuses an end before the start with timeRangeEmpty', async () => {
      const event = google.seedEvent('ada@example.com');
      const response = await patch(event.id, {
        start: { dateTime: '2030-01-01T10:00:00Z' },
        end: { dateTime: '2030-01-01T09:00:00Z' },
      });
      expect(response.status).toBe(400);
      expect(
        ((await response.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]?.reason,
      ).toBe('timeRangeEmpty');
    });

    describe('conferenceData', () => {
      const zoom = {
        conferenceId: '81234567890',
        conferenceSolution: { key: { type: 'addOn' }, name: 'Zoom Meeting' },
        entryPoints: [{ entryPointType: 'video', uri: 'https://zoom.us/j/81234567890' }],
      };

      it('refuses a third-party addOn conference with 400 "Invalid conference data."', async () => {
        const event = google.seedEvent('ada@example.com');
        const response = await patch(event.id, { conferenceData: zoom }, '?conferenceDataVersion=1');
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual(
          googleError(400, { domain: 'global', reason: 'invalid', message: 'Invalid conference data.' }),
        );
        expect(google.getEvent('ada@example.com', event.id)?.conferenceData).toBeUndefined();
      });

      it('silently drops a conference without a key type', async () => {
        const event = google.seedEvent('ada@example.com');
        const { conferenceSolution: _solution, ...untyped } = zoom;
        const response = await patch(
          event.id,
          { conferenceData: { ...untyped, conferenceSolution: { name: 'Zoom' } } },
          '?conferenceDataVersion=1',
        );
        expect(response.status).toBe(200);
        expect(google.getEvent('ada@example.com', event.id)?.conferenceData).toBeUndefined();
      });

      it('ignores conferenceData without conferenceDataVersion=1', async () => {
        const event = google.seedEvent('ada@example.com');
        expect((await patch(event.id, { conferenceData: zoom })).status).toBe(200);
        expect(google.requests().at(-1)?.ignoredFields).toEqual(['conferenceData']);
      });

      it('stores an addOn conference when Google lets an add-on write it', async () => {
        const addOn = await startFakeGoogleCalendar({ acceptAddOnConferenceData: true });
        try {
          addOn.addUser({ email: 'ada@example.com' });
          const key = addOn.addServiceAccount();
          const { access_token } = (await (await grantAs(addOn, key, 'ada@example.com')).json()) as {
            access_token: string;
          };
          const event = addOn.seedEvent('ada@example.com');
          const patchConference = (conferenceData: unknown) =>
            fetch(
              `${addOn.rootUrl}calendar/v3/calendars/primary/events/${event.id}?conferenceDataVersion=1`,
              {
                method: 'PATCH',
                headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
                body: JSON.stringify({ conferenceData }),
              },
            );
          const response = await patchConference(zoom);
          expect(response.status).toBe(200);
          expect(addOn.getEvent('ada@example.com', event.id)?.conferenceData).toMatchObject({
            ...zoom,
            signature: expect.any(String) as unknown,
          });
          const bad = { ...zoom, entryPoints: [{ entryPointType: 'video', uri: 'ftp://zoom.us/j/1' }] };
          const refused = await patchConference(bad);
          expect(refused.status).toBe(400);
        } finally {
          await addOn.close();
        }
      });
    });
  });

  describe('faults', () => {
    it('answers an injected rate limit as Google does, with Retry-After, on API calls only', async () => {
      google.inject({
        kind: 'rate_limit',
        status: 403,
        reason: 'userRateLimitExceeded',
        times: 1,
        retryAfterSeconds: 3,
      });
      const bearer = await token();
      const response = await api('/calendars/primary/events/x', { token: bearer });
      expect(response.status).toBe(403);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(await response.json()).toEqual(
        googleError(403, {
          domain: 'usageLimits',
          reason: 'userRateLimitExceeded',
          message: 'User Rate Limit Exceeded',
        }),
      );
      await api('/calendars/primary/events/x', { token: bearer });
      expect(google.requests().at(-1)?.beforeRetryAfter).toBe(true);
    });

    it('answers an injected 5xx with backendError', async () => {
      google.inject({ kind: 'status', status: 500, times: 1 });
      const response = await api('/calendars/primary/events/x', { token: await token() });
      expect(response.status).toBe(500);
      expect(
        ((await response.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]?.reason,
      ).toBe('backendError');
    });
  });
});

describe('fake Google Calendar with autoProvisionUsers and autoCreateEvents (sandbox mode)', () => {
  const closing = closeAfterEach<FakeGoogleCalendar>();

  const start = async (options: Parameters<typeof startFakeGoogleCalendar>[0] = {}) => {
    const fake = closing(await startFakeGoogleCalendar(options));
    return { fake, account: fake.addServiceAccount() };
  };

  const eventUrl = (fake: FakeGoogleCalendar, calendarId: string, eventId: string): string =>
    `${fake.rootUrl}calendar/v3/calendars/${encodeURIComponent(calendarId)}/events/${eventId}`;

  it('lets the service account impersonate any email, and still checks the JWT', async () => {
    const { fake, account } = await start({ autoProvisionUsers: {} });
    const response = await grantAs(fake, account, 'grace@example.org');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer' });

    const stranger = await start();
    expect(await (await grantAs(fake, stranger.account, 'grace@example.org')).json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid JWT: No valid verifier found for issuer.',
    });
    expect(await (await grantAs(fake, account, 'not-an-email')).json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid email or User ID',
    });
  });

  it('keeps to the domains it is given', async () => {
    const { fake, account } = await start({ autoProvisionUsers: { domains: ['example.org'] } });
    expect((await grantAs(fake, account, 'grace@EXAMPLE.org')).status).toBe(200);
    expect(await (await grantAs(fake, account, 'linus@example.net')).json()).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('makes an event the booking names on first GET, and then patches it as any other', async () => {
    const { fake, account } = await start({ autoProvisionUsers: {}, autoCreateEvents: true });
    const { access_token: bearer } = (await (await grantAs(fake, account, 'grace@example.org')).json()) as {
      access_token: string;
    };
    const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };

    const read = await fetch(eventUrl(fake, 'grace@example.org', 'evt_grace_1'), { headers });
    expect(read.status).toBe(200);
    const event = (await read.json()) as { id: string; etag: string; organizer: { email: string } };
    expect(event).toMatchObject({
      kind: 'calendar#event',
      id: 'evt_grace_1',
      status: 'confirmed',
      summary: expect.any(String) as unknown,
      description: expect.any(String) as unknown,
      organizer: { email: 'grace@example.org', self: true },
      start: { dateTime: expect.any(String) as unknown },
      end: { dateTime: expect.any(String) as unknown },
    });
    const patched = await fetch(eventUrl(fake, 'grace@example.org', 'evt_grace_1'), {
      method: 'PATCH',
      headers: { ...headers, 'if-match': event.etag },
      body: JSON.stringify({ location: 'https://zoom.us/j/1' }),
    });
    expect(patched.status).toBe(200);
    expect(fake.getEvent('grace@example.org', 'evt_grace_1')?.location).toBe('https://zoom.us/j/1');
  });

  it('makes one on a first PATCH too, but brings no purged event back nor reaches another calendar', async () => {
    const { fake, account } = await start({ autoProvisionUsers: {}, autoCreateEvents: true });
    const { access_token: bearer } = (await (await grantAs(fake, account, 'grace@example.org')).json()) as {
      access_token: string;
    };
    const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
    const patched = await fetch(eventUrl(fake, 'primary', 'evtgrace2'), {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ description: 'join here' }),
    });
    expect(patched.status).toBe(200);
    expect(fake.getEvent('grace@example.org', 'evtgrace2')?.description).toBe('join here');

    fake.deleteEvent('grace@example.org', 'evtgrace2', { purge: true });
    expect((await fetch(eventUrl(fake, 'primary', 'evtgrace2'), { headers })).status).toBe(404);
    expect((await fetch(eventUrl(fake, 'bob@example.com', 'evt_bob'), { headers })).status).toBe(404);
  });

  it('answers as before without the options: invalid_grant for an unknown user, 404 for an unknown event', async () => {
    const { fake, account } = await start();
    expect(await (await grantAs(fake, account, 'grace@example.org')).json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid email or User ID',
    });
    fake.addUser({ email: 'grace@example.org' });
    const { access_token: bearer } = (await (await grantAs(fake, account, 'grace@example.org')).json()) as {
      access_token: string;
    };
    const read = await fetch(eventUrl(fake, 'grace@example.org', 'evt_grace_1'), {
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(read.status).toBe(404);
  });
});
