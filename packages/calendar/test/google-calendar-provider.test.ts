// The Google adapter over HTTP, against the fake Google Calendar.
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { CalendarRef } from '@meetlink/events';
import { startFakeGoogleCalendar } from '@meetlink/fakes';
import type { FakeGoogleCalendar } from '@meetlink/fakes';
import { createGoogleCalendarProvider, JOIN_BLOCK_START } from '../src';
import { CONFERENCE_REFUSAL_MEMORY_MS } from '../src/google-calendar-provider';
import { createGoogleTokenSource } from '@meetlink/connections';
import type { GoogleServiceAccount } from '@meetlink/connections';
import type { CalendarProvider, HostRef } from '@meetlink/ports';
import { describeCalendarProviderContract } from './calendar-provider-contract';
import { count, googleProvider, joinDetails, openConnections, rejectionOf } from './helpers';
import type { TestConnections } from './helpers';

const HOST: HostRef = { memberId: 'mem_ada', email: 'ada@example.com' };
const hasConference = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && 'conferenceData' in body;

describe('Google Calendar provider', () => {
  let google: FakeGoogleCalendar;
  let serviceAccount: GoogleServiceAccount;
  let provider: CalendarProvider;

  const ref = (eventId: string): CalendarRef => ({ provider: 'google', calendarId: 'primary', eventId });
  const seed = (description?: string, location?: string): string =>
    google.seedEvent('ada@example.com', {
      summary: 'Intro call',
      ...(description !== undefined ? { description } : {}),
      ...(location !== undefined ? { location } : {}),
    }).id;
  const stored = (eventId: string) => {
    const event = google.getEvent('ada@example.com', eventId);
    if (!event) throw new Error(`no event ${eventId}`);
    return event;
  };
  const patches = () => google.requests().filter((r) => r.method === 'PATCH');
  /** The provider on the fake Google with this test's service account, and these options. */
  const providerWith = (options: Partial<Parameters<typeof googleProvider>[0]> = {}) =>
    googleProvider({ rootUrl: google.rootUrl, tokenUrl: google.tokenUrl, serviceAccount, ...options });

  beforeAll(async () => {
    google = await startFakeGoogleCalendar();
  });

  beforeEach(() => {
    google.reset();
    google.addUser({ email: 'ada@example.com' });
    const key = google.addServiceAccount({ clientEmail: 'meetlink@fake-project.iam.gserviceaccount.com' });
    serviceAccount = { client_email: key.client_email, private_key: key.private_key ?? '' };
    provider = providerWith();
  });

  afterAll(async () => {
    await google.close();
  });

  describeCalendarProviderContract({
    host: HOST,
    // conferenceData is Google's own matter, tested below: the contract's writes are location and text.
    provider: (options = {}) => providerWith({ conferenceData: 'never', ...options }),
    providerWithoutCredentials: () => googleProvider({ rootUrl: google.rootUrl, tokenUrl: google.tokenUrl }),
    ref,
    seed,
    text: (eventId) => stored(eventId).description ?? '',
    location: (eventId) => stored(eventId).location ?? '',
    setLocation: (eventId, location) => google.editEvent('ada@example.com', eventId, { location }),
    delete: (eventId) => google.deleteEvent('ada@example.com', eventId),
    missingEventId: 'nosuchevent1',
    get fake() {
      return google;
    },
    keepsConcurrentEdit: (eventId) => (stored(eventId).description ?? '').includes('(edited elsewhere)'),
  });

  describe('applyJoinBlock', () => {
    it('writes the join URL as location and the block after the text the host wrote', async () => {
      const id = seed('Agenda: pricing questions');
      await expect(provider.applyJoinBlock(ref(id), HOST, joinDetails())).resolves.toBe('patched');
      const event = stored(id);
      expect(event.location).toBe('https://zoom.us/j/81234567890?pwd=Zm9vYmFy');
      expect(event.description?.startsWith('Agenda: pricing questions\n\n')).toBe(true);
      expect(event.description).toContain('Join Zoom meeting: https://zoom.us/j/81234567890?pwd=Zm9vYmFy');
      expect(event.description).toContain('Meeting ID: 812 3456 7890');
      expect(event.description).toContain('Passcode: k3y-9Q');
      expect(event.description).toContain('+1 646 558 8656 (New York, United States)');
      expect(event.description).toContain('Please join five minutes early.');
    });

    it('sends the ETag it read as If-Match, notifies all guests by default and sends nothing Google ignores', async () => {
      const id = seed();
      const etag = stored(id).etag;
      await provider.applyJoinBlock(ref(id), HOST, joinDetails());
      const patch = patches().at(-1);
      expect(patch?.ifMatch).toBe(etag);
      expect(patch?.query['sendUpdates']).toBe('all');
      expect(patch?.ignoredFields).toBeUndefined();
      expect(patch?.principal).toBe('ada@example.com');
    });

    it('passes the configured sendUpdates on', async () => {
      const quiet = providerWith({ sendUpdates: 'none' });
      await quiet.applyJoinBlock(ref(seed()), HOST, joinDetails());
      expect(patches().at(-1)?.query['sendUpdates']).toBe('none');
    });

    it('replaces the block on a reschedule: same link, new times, text around it kept', async () => {
      const id = seed('Agenda');
      await provider.applyJoinBlock(ref(id), HOST, joinDetails());
      google.editEvent('ada@example.com', id, {
        description: `${stored(id).description ?? ''}\n\nPS: bring the contract`,
      });
      const moved = joinDetails({ startsAt: '2030-06-05T12:00:00Z', endsAt: '2030-06-05T13:00:00Z' });
      await expect(provider.applyJoinBlock(ref(id), HOST, moved)).resolves.toBe('patched');
      const description = stored(id).description ?? '';
      expect(count(description, JOIN_BLOCK_START)).toBe(1);
      expect(description).toContain('Wednesday 5 June 2030, 14:00–15:00 (Europe/Berlin)');
      expect(description).not.toContain('Tuesday 4 June 2030');
      expect(description.startsWith('Agenda\n\n')).toBe(true);
      expect(description.endsWith('PS: bring the contract')).toBe(true);
      expect(stored(id).location).toBe(moved.joinUrl);
    });

    it('writes the block as escaped HTML into a description Google saved as HTML', async () => {
      const id = seed('<p>Agenda</p><br>Notes from the <b>host</b>');
      const hostile = joinDetails({
        topic: '<script>alert("x")</script>',
        instructions: '<img src=x onerror=alert(1)>',
      });
      await provider.applyJoinBlock(ref(id), HOST, hostile);
      const description = stored(id).description ?? '';
      expect(description.startsWith('<p>Agenda</p><br>Notes from the <b>host</b>')).toBe(true);
      expect(description).toContain('<div data-meetlink="join-details">');
      expect(description).not.toContain('<script>');
      expect(description).not.toContain('<img');
      expect(description).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    });

    it('falls back to location and description when Google refuses the third-party conferenceData', async () => {
      const id = seed();
      await expect(provider.applyJoinBlock(ref(id), HOST, joinDetails())).resolves.toBe('patched');
      const [refused, accepted] = patches();
      expect(refused?.status).toBe(400);
      expect(refused?.query['conferenceDataVersion']).toBe('1');
      expect(refused?.body).toMatchObject({
        conferenceData: { conferenceSolution: { key: { type: 'addOn' } } },
      });
      expect(accepted?.status).toBe(200);
      expect(accepted?.body).not.toHaveProperty('conferenceData');
      expect(stored(id).conferenceData).toBeUndefined();
      expect(stored(id).location).toBe(joinDetails().joinUrl);
    });

    it('stops offering conferenceData for an hour after Google refused it, then offers it again', async () => {
      let clock = Date.now();
      const refused = createGoogleCalendarProvider({
        rootUrl: google.rootUrl,
        now: () => new Date(clock),
        tokens: createGoogleTokenSource({ tokenUrl: google.tokenUrl, serviceAccount }),
      });
      const withConference = () => patches().filter((patch) => hasConference(patch.body));
      await refused.applyJoinBlock(ref(seed()), HOST, joinDetails());
      await expect(refused.applyJoinBlock(ref(seed()), HOST, joinDetails())).resolves.toBe('patched');
      expect(patches().map((patch) => patch.status)).toEqual([400, 200, 200]);
      expect(withConference()).toHaveLength(1);
      clock += CONFERENCE_REFUSAL_MEMORY_MS + 1;
      await refused.applyJoinBlock(ref(seed()), HOST, joinDetails());
      expect(withConference()).toHaveLength(2);
    });

    it('never writes conferenceData when told not to', async () => {
      const plain = providerWith({ conferenceData: 'never' });
      await plain.applyJoinBlock(ref(seed()), HOST, joinDetails());
      expect(patches()).toHaveLength(1);
      expect(patches()[0]?.body).not.toHaveProperty('conferenceData');
    });

    it('fails permanently for an event the host deleted', async () => {
      const id = seed();
      google.deleteEvent('ada@example.com', id);
      const error = await rejectionOf(provider.applyJoinBlock(ref(id), HOST, joinDetails()));
      expect(error.code).toBe('calendar_event_gone');
    });
  });

  describe('removeJoinBlock', () => {
    it('answers event_gone for a purged event as for a deleted (cancelled) one', async () => {
      const purged = seed();
      google.deleteEvent('ada@example.com', purged, { purge: true });
      await expect(provider.removeJoinBlock(ref(purged), HOST, null)).resolves.toBe('event_gone');
      expect(patches()).toHaveLength(0);
    });
  });

  describe('with a Workspace add-on that Google lets write conferenceData', () => {
    let addOnGoogle: FakeGoogleCalendar;
    let addOnProvider: CalendarProvider;

    beforeAll(async () => {
      addOnGoogle = await startFakeGoogleCalendar({ acceptAddOnConferenceData: true });
      addOnGoogle.addUser({ email: 'ada@example.com' });
      const key = addOnGoogle.addServiceAccount();
      addOnProvider = googleProvider({
        rootUrl: addOnGoogle.rootUrl,
        tokenUrl: addOnGoogle.tokenUrl,
        serviceAccount: { client_email: key.client_email, private_key: key.private_key ?? '' },
      });
    });

    afterAll(async () => {
      await addOnGoogle.close();
    });

    it('describes the Zoom meeting in conferenceData and clears it on cancel', async () => {
      const id = addOnGoogle.seedEvent('ada@example.com').id;
      await addOnProvider.applyJoinBlock(ref(id), HOST, joinDetails());
      const conference = addOnGoogle.getEvent('ada@example.com', id)?.conferenceData;
      expect(conference?.conferenceId).toBe('81234567890');
      expect(conference?.entryPoints?.[0]).toMatchObject({
        entryPointType: 'video',
        uri: joinDetails().joinUrl,
        passcode: 'k3y-9Q',
      });
      expect(conference?.entryPoints?.[1]).toMatchObject({
        entryPointType: 'phone',
        uri: 'tel:+16465588656',
        regionCode: 'US',
      });
      await expect(addOnProvider.applyJoinBlock(ref(id), HOST, joinDetails())).resolves.toBe('unchanged');
      await expect(addOnProvider.removeJoinBlock(ref(id), HOST, joinDetails().joinUrl)).resolves.toBe(
        'removed',
      );
      expect(addOnGoogle.getEvent('ada@example.com', id)?.conferenceData).toBeUndefined();
    });

    it('replaces its own conference when the booking gets a new meeting (a new host)', async () => {
      const id = addOnGoogle.seedEvent('ada@example.com').id;
      await addOnProvider.applyJoinBlock(ref(id), HOST, joinDetails());
      const next = joinDetails({
        meetingId: '89999999999',
        joinUrl: 'https://zoom.us/j/89999999999?pwd=bmV3',
      });
      await expect(addOnProvider.applyJoinBlock(ref(id), HOST, next)).resolves.toBe('patched');
      const event = addOnGoogle.getEvent('ada@example.com', id);
      expect(event?.conferenceData?.conferenceId).toBe('89999999999');
      expect(event?.location).toBe(next.joinUrl);
      expect(count(event?.description ?? '', JOIN_BLOCK_START)).toBe(1);
    });

    it("keeps offering conferenceData after Google took it once, when it refuses one event's", async () => {
      // This fake serves the whole block: only the requests from here on count.
      const earlier = addOnGoogle.requests().length;
      const patchesWithConference = () =>
        addOnGoogle
          .requests()
          .slice(earlier)
          .filter((r) => r.method === 'PATCH' && hasConference(r.body));
      await addOnProvider.applyJoinBlock(
        ref(addOnGoogle.seedEvent('ada@example.com').id),
        HOST,
        joinDetails(),
      );
      // A video entry point must be a web URL: this one is refused, the event gets the text alone.
      const appLink = joinDetails({ joinUrl: 'zoommtg://zoom.us/join?confno=81234567890' });
      const odd = addOnGoogle.seedEvent('ada@example.com').id;
      await expect(addOnProvider.applyJoinBlock(ref(odd), HOST, appLink)).resolves.toBe('patched');
      expect(addOnGoogle.getEvent('ada@example.com', odd)?.conferenceData).toBeUndefined();
      const next = addOnGoogle.seedEvent('ada@example.com').id;
      await addOnProvider.applyJoinBlock(ref(next), HOST, joinDetails());
      expect(addOnGoogle.getEvent('ada@example.com', next)?.conferenceData?.conferenceId).toBe('81234567890');
      expect(patchesWithConference().map((r) => r.status)).toEqual([200, 400, 200]);
    });

    it('leaves a conference someone else added (a Google Meet) alone', async () => {
      const meet = {
        conferenceId: 'aaa-bbbb-ccc',
        conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
        entryPoints: [{ entryPointType: 'video', uri: 'https://meet.google.com/aaa-bbbb-ccc' }],
      };
      const id = addOnGoogle.seedEvent('ada@example.com', { conferenceData: meet }).id;
      await addOnProvider.applyJoinBlock(ref(id), HOST, joinDetails());
      expect(addOnGoogle.getEvent('ada@example.com', id)?.conferenceData).toEqual(meet);
    });
  });

  describe('errors', () => {
    it('maps a 403 rateLimitExceeded with Retry-After to a provider-wide rate limit', async () => {
      google.inject({
        kind: 'rate_limit',
        status: 403,
        reason: 'rateLimitExceeded',
        times: 1,
        retryAfterSeconds: 7,
      });
      const error = await rejectionOf(provider.applyJoinBlock(ref(seed()), HOST, joinDetails()));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.code).toBe('calendar_rate_limited');
      expect(error.details).toMatchObject({ retryAfterMs: 7000, rateLimitScope: 'provider' });
    });

    it('maps 429 and userRateLimitExceeded the same way, and a usage limit to the host alone', async () => {
      google.inject({ kind: 'rate_limit', status: 429, reason: 'rateLimitExceeded', times: 1 });
      expect((await rejectionOf(provider.applyJoinBlock(ref(seed()), HOST, joinDetails()))).code).toBe(
        'calendar_rate_limited',
      );
      google.inject({ kind: 'rate_limit', status: 403, reason: 'userRateLimitExceeded', times: 1 });
      expect((await rejectionOf(provider.applyJoinBlock(ref(seed()), HOST, joinDetails()))).code).toBe(
        'calendar_rate_limited',
      );
      google.inject({ kind: 'rate_limit', status: 403, reason: 'quotaExceeded', times: 1 });
      const quota = await rejectionOf(provider.applyJoinBlock(ref(seed()), HOST, joinDetails()));
      expect(quota.details).toMatchObject({ rateLimitScope: 'subject' });
    });

    it('maps a 5xx to calendar_unavailable, and works again once Google does', async () => {
      const id = seed();
      google.inject({ kind: 'status', status: 503, times: 1, retryAfterSeconds: 2 });
      const error = await rejectionOf(provider.applyJoinBlock(ref(id), HOST, joinDetails()));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.code).toBe('calendar_unavailable');
      expect(error.details).toMatchObject({ retryAfterMs: 2000 });
      await expect(provider.applyJoinBlock(ref(id), HOST, joinDetails())).resolves.toBe('patched');
    });

    it('reuses the delegated token across calls', async () => {
      await provider.applyJoinBlock(ref(seed()), HOST, joinDetails());
      await provider.applyJoinBlock(ref(seed()), HOST, joinDetails());
      const grants = google.requests().filter((r) => r.path === '/token');
      expect(grants).toHaveLength(1);
      expect(grants[0]?.grantType).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    });
  });

  describe('credentials', () => {
    it('says when domain-wide delegation is not granted', async () => {
      const key = google.addServiceAccount({ domainWideDelegation: false });
      const undelegated = googleProvider({
        rootUrl: google.rootUrl,
        tokenUrl: google.tokenUrl,
        serviceAccount: { client_email: key.client_email, private_key: key.private_key ?? '' },
      });
      const error = await rejectionOf(undelegated.applyJoinBlock(ref(seed()), HOST, joinDetails()));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.code).toBe('google_delegation_not_authorized');
    });

    it('says when Google does not know the host', async () => {
      const error = await rejectionOf(
        provider.applyJoinBlock(
          ref(seed()),
          { memberId: 'mem_x', email: 'nobody@example.com' },
          joinDetails(),
        ),
      );
      expect(error.code).toBe('google_delegation_refused');
      expect(error.message).toContain('Invalid email or User ID');
    });

    it('is refused a token signed with another key', async () => {
      const other = google.addServiceAccount();
      const forged = googleProvider({
        rootUrl: google.rootUrl,
        tokenUrl: google.tokenUrl,
        serviceAccount: { client_email: serviceAccount.client_email, private_key: other.private_key ?? '' },
      });
      const error = await rejectionOf(forged.applyJoinBlock(ref(seed()), HOST, joinDetails()));
      expect(error.code).toBe('google_delegation_refused');
      expect(error.message).toContain('Invalid JWT Signature.');
    });

    describe("with the member's own tokens", () => {
      let connections: TestConnections;
      const oauthClient = { clientId: 'meetlink-web', clientSecret: 'web-secret' };

      beforeAll(() => {
        connections = openConnections();
      });

      afterAll(async () => {
        await connections.close();
      });

      const connect = async (ttlSeconds: number, expiresAt?: string): Promise<void> => {
        const issued = google.issueUserTokens({
          ...oauthClient,
          email: 'ada@example.com',
          accessTokenTtlSeconds: ttlSeconds,
        });
        await connections.store.connect(HOST.memberId, 'google', {
          accessToken: issued.accessToken,
          refreshToken: issued.refreshToken,
          expiresAt: expiresAt ?? new Date(Date.now() + ttlSeconds * 1000).toISOString(),
          scope: 'https://www.googleapis.com/auth/calendar.events',
          providerUserId: null,
        });
      };

      const memberProvider = () =>
        googleProvider({
          rootUrl: google.rootUrl,
          tokenUrl: google.tokenUrl,
          connections: connections.store,
          lock: connections.lock,
          ...oauthClient,
        });

      it('writes with the stored access token', async () => {
        await connect(3600);
        await expect(memberProvider().applyJoinBlock(ref(seed()), HOST, joinDetails())).resolves.toBe(
          'patched',
        );
        expect(google.requests().filter((r) => r.path === '/token')).toHaveLength(0);
      });

      it('refreshes an expired access token and saves the new one', async () => {
        await connect(3600, new Date(Date.now() - 1000).toISOString());
        const before = await connections.store.get(HOST.memberId, 'google');
        await expect(memberProvider().applyJoinBlock(ref(seed()), HOST, joinDetails())).resolves.toBe(
          'patched',
        );
        const after = await connections.store.get(HOST.memberId, 'google');
        expect(after?.tokens?.accessToken).not.toBe(before?.tokens?.accessToken);
        expect(after?.tokens?.refreshToken).toBe(before?.tokens?.refreshToken);
        expect(google.requests().find((r) => r.path === '/token')?.grantType).toBe('refresh_token');
      });

      it('marks the connection broken and fails with connection_revoked when the grant was revoked', async () => {
        await connect(3600, new Date(Date.now() - 1000).toISOString());
        google.revokeUserTokens('ada@example.com');
        const error = await rejectionOf(memberProvider().applyJoinBlock(ref(seed()), HOST, joinDetails()));
        expect(error).toBeInstanceOf(PermanentError);
        expect(error.code).toBe('connection_revoked');
        expect((await connections.store.getSummary(HOST.memberId, 'google'))?.state).toBe('broken');
      });

      it('falls back to the service account for a member without a connection', async () => {
        await connections.store.remove(HOST.memberId, 'google');
        const both = googleProvider({
          rootUrl: google.rootUrl,
          tokenUrl: google.tokenUrl,
          connections: connections.store,
          lock: connections.lock,
          ...oauthClient,
          serviceAccount,
        });
        await expect(both.applyJoinBlock(ref(seed()), HOST, joinDetails())).resolves.toBe('patched');
      });
    });
  });
});
