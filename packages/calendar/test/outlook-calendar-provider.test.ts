// The Outlook adapter over HTTP, against the fake Microsoft Graph.
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { CalendarRef } from '@meetlink/events';
import { startFakeGraph } from '@meetlink/fakes';
import type { FakeGraph } from '@meetlink/fakes';
import type { CalendarProvider, HostRef } from '@meetlink/ports';
import { JOIN_BLOCK_START } from '../src';
import { describeCalendarProviderContract } from './calendar-provider-contract';
import { count, joinDetails, openConnections, outlookProvider, rejectionOf } from './helpers';
import type { TestConnections } from './helpers';

const HOST: HostRef = { memberId: 'mem_ada', email: 'ada@contoso.example' };
const USER_ID = '5f2c6a7e-1b1d-4c55-9d0f-3a2b1c0d9e8f';
const APP = { tenantId: 'contoso-tenant', clientId: 'meetlink-app', clientSecret: 'app-secret' };

describe('Outlook calendar provider', () => {
  let graph: FakeGraph;
  let provider: CalendarProvider;

  const ref = (eventId: string, userId = HOST.email): CalendarRef => ({
    provider: 'outlook',
    userId,
    eventId,
  });
  const make = (options: Parameters<typeof outlookProvider>[0] = {}): CalendarProvider =>
    outlookProvider({
      graphBaseUrl: graph.baseUrl,
      authorityHost: graph.authorityHost,
      ...APP,
      maxRetryDelayMs: 2_000,
      ...options,
    });
  const seed = (content = '', location?: string): string =>
    graph.seedEvent(USER_ID, {
      subject: 'Intro call',
      body: { contentType: 'html', content },
      ...(location ? { location: { displayName: location } } : {}),
    }).id;
  const stored = (eventId: string) => {
    const event = graph.getEvent(USER_ID, eventId);
    if (!event) throw new Error(`no event ${eventId}`);
    return event;
  };
  const patches = () => graph.requests().filter((r) => r.method === 'PATCH');

  beforeAll(async () => {
    graph = await startFakeGraph();
  });

  beforeEach(() => {
    graph.reset();
    graph.addApp(APP);
    graph.addUser({ id: USER_ID, userPrincipalName: HOST.email, tenantId: APP.tenantId });
    provider = make();
  });

  afterAll(async () => {
    await graph.close();
  });

  describeCalendarProviderContract({
    host: HOST,
    provider: (options = {}) => make(options),
    providerWithoutCredentials: () =>
      outlookProvider({ graphBaseUrl: graph.baseUrl, authorityHost: graph.authorityHost }),
    ref: (eventId) => ref(eventId),
    seed: (text, location) => seed(text === undefined ? '' : `<p>${text}</p>`, location),
    // Exchange stores the body as a whole HTML document it rewrote: the contract's "applied twice"
    // holds only if the block is judged by its text.
    text: (eventId) => stored(eventId).body.content,
    location: (eventId) => stored(eventId).location.displayName ?? '',
    setLocation: (eventId, location) =>
      graph.editEvent(USER_ID, eventId, { location: { displayName: location } }),
    delete: (eventId) => graph.deleteEvent(USER_ID, eventId),
    missingEventId: 'AAMkADnope=',
    get fake() {
      return graph;
    },
    keepsConcurrentEdit: (eventId) => stored(eventId).subject === 'Intro call (edited)',
  });

  describe('applyJoinBlock', () => {
    it('writes location (displayName, locationUri) and the HTML block, keeping the body the organizer wrote', async () => {
      const id = seed('<p>Agenda: pricing</p>');
      await expect(provider.applyJoinBlock(ref(id), HOST, joinDetails())).resolves.toBe('patched');
      const event = stored(id);
      expect(event.location).toEqual({
        displayName: joinDetails().joinUrl,
        locationUri: joinDetails().joinUrl,
      });
      expect(event.body.contentType).toBe('html');
      expect(event.body.content).toContain('<p>Agenda: pricing</p><div data-meetlink="join-details">');
      expect(event.body.content).toContain(`<a href="${joinDetails().joinUrl}">`);
      expect(event.bodyPreview).toContain('Meeting ID: 812 3456 7890');
    });

    it('reads the body as HTML, sends the change key as If-Match and never asks for a Teams meeting', async () => {
      const id = seed();
      const etag = stored(id)['@odata.etag'];
      await provider.applyJoinBlock(ref(id), HOST, joinDetails());
      const get = graph.requests().find((r) => r.method === 'GET');
      expect(get?.prefer).toBe('outlook.body-content-type="html"');
      const patch = patches()[0];
      expect(patch?.ifMatch).toBe(etag);
      expect(Object.keys(patch?.body as object).sort()).toEqual(['body', 'location']);
      expect(graph.teamsMeetingsCreated()).toEqual([]);
      expect(stored(id).isOnlineMeeting).toBe(false);
    });

    it('names the mailbox by object id as well as by user principal name', async () => {
      const id = seed();
      await expect(provider.applyJoinBlock(ref(id, USER_ID), HOST, joinDetails())).resolves.toBe('patched');
    });

    it('converts a plain-text body and keeps its text', async () => {
      const id = graph.seedEvent(USER_ID, {
        body: { contentType: 'text', content: 'Agenda:\n1. <pricing> & terms' },
      }).id;
      await provider.applyJoinBlock(ref(id), HOST, joinDetails());
      const content = stored(id).body.content;
      expect(content).toContain('Agenda:<br>');
      expect(content).toContain('1. &lt;pricing&gt; &amp; terms');
      expect(count(content, JOIN_BLOCK_START)).toBe(1);
    });

    it('replaces the block on a reschedule and keeps what the organizer added meanwhile', async () => {
      const id = seed('<p>Agenda</p>');
      await provider.applyJoinBlock(ref(id), HOST, joinDetails());
      const edited = stored(id).body.content.replace('</body>', '<p>PS: bring the contract</p></body>');
      graph.editEvent(USER_ID, id, { body: { contentType: 'html', content: edited } });
      const moved = joinDetails({ startsAt: '2030-06-05T12:00:00Z', endsAt: '2030-06-05T13:00:00Z' });
      await expect(provider.applyJoinBlock(ref(id), HOST, moved)).resolves.toBe('patched');
      const content = stored(id).body.content;
      expect(count(content, JOIN_BLOCK_START)).toBe(1);
      expect(content).toContain('Wednesday 5 June 2030, 14:00–15:00 (Europe/Berlin)');
      expect(content).not.toContain('Tuesday 4 June 2030');
      expect(content).toContain('<p>Agenda</p>');
      expect(content).toContain('<p>PS: bring the contract</p>');
    });

    it('escapes every value, so a customer named <script> cannot break out of the body', async () => {
      const id = seed();
      await provider.applyJoinBlock(
        ref(id),
        HOST,
        joinDetails({
          topic: 'Ada <script>steal()</script>',
          instructions: '"><img src=x onerror=alert(1)>',
        }),
      );
      const content = stored(id).body.content;
      expect(content).not.toContain('<script>');
      expect(content).not.toContain('<img');
      expect(content).toContain('Ada &lt;script&gt;steal()&lt;/script&gt;');
    });

    it('fails permanently, naming the mailbox, for a user Graph does not know', async () => {
      const nobody = await rejectionOf(
        provider.applyJoinBlock(ref('AAMkADnope=', 'nobody@contoso.example'), HOST, joinDetails()),
      );
      expect(nobody.code).toBe('calendar_user_not_found');
    });
  });

  describe('removeJoinBlock', () => {
    it('answers event_gone for a cancelled event as for a deleted one', async () => {
      const cancelled = graph.seedEvent(USER_ID, { isCancelled: true }).id;
      await expect(provider.removeJoinBlock(ref(cancelled), HOST, null)).resolves.toBe('event_gone');
      expect(patches()).toHaveLength(0);
    });
  });

  describe('throttling and errors', () => {
    it('waits out a short Retry-After in place and succeeds', async () => {
      const id = seed();
      graph.inject({ kind: 'throttle', times: 1, retryAfterSeconds: 1, method: 'PATCH' });
      await expect(provider.applyJoinBlock(ref(id), HOST, joinDetails())).resolves.toBe('patched');
      const [throttledPatch, retried] = patches();
      expect(throttledPatch?.status).toBe(429);
      expect(retried?.status).toBe(200);
      expect((retried?.at ?? 0) - (throttledPatch?.at ?? 0)).toBeGreaterThanOrEqual(1000);
      expect(graph.requests().some((r) => r.beforeRetryAfter)).toBe(false);
    });

    it('hands a long Retry-After back to the queue as a provider-wide rate limit', async () => {
      graph.inject({ kind: 'throttle', times: 1, retryAfterSeconds: 30 });
      const started = Date.now();
      const error = await rejectionOf(provider.applyJoinBlock(ref(seed()), HOST, joinDetails()));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.code).toBe('calendar_rate_limited');
      expect(error.details).toMatchObject({ retryAfterMs: 30_000, rateLimitScope: 'provider' });
    });

    it("treats Outlook's MailboxConcurrency answer the same way", async () => {
      graph.inject({ kind: 'throttle', times: 1, retryAfterSeconds: 60, code: 'ApplicationThrottled' });
      const error = await rejectionOf(provider.applyJoinBlock(ref(seed()), HOST, joinDetails()));
      expect(error.code).toBe('calendar_rate_limited');
      expect(error.message).toContain('MailboxConcurrency');
    });

    it('honours Retry-After on a 503 and maps a lasting 5xx to calendar_unavailable', async () => {
      const id = seed();
      graph.inject({ kind: 'status', status: 503, times: 1, retryAfterSeconds: 1 });
      await expect(provider.applyJoinBlock(ref(id), HOST, joinDetails())).resolves.toBe('patched');
      graph.inject({ kind: 'status', status: 500, times: 1 });
      const error = await rejectionOf(provider.removeJoinBlock(ref(id), HOST, null));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.code).toBe('calendar_unavailable');
    });
  });

  describe('credentials', () => {
    it('says when Microsoft refuses the app secret', async () => {
      const error = await rejectionOf(
        make({ clientSecret: 'wrong' }).applyJoinBlock(ref(seed()), HOST, joinDetails()),
      );
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.code).toBe('microsoft_app_rejected');
      expect(error.message).toContain('AADSTS7000215');
    });

    it('says when the app lacks the Calendars.ReadWrite application permission', async () => {
      graph.addApp({ ...APP, applicationPermissions: ['User.Read.All'] });
      const error = await rejectionOf(provider.applyJoinBlock(ref(seed()), HOST, joinDetails()));
      expect(error.code).toBe('calendar_access_denied');
    });

    describe("with the member's own tokens", () => {
      let connections: TestConnections;

      beforeAll(() => {
        connections = openConnections();
      });

      afterAll(async () => {
        await connections.close();
      });

      const connect = async (expiresAt: string): Promise<void> => {
        const issued = graph.issueUserTokens({ ...APP, userId: USER_ID });
        await connections.store.connect(HOST.memberId, 'microsoft', {
          accessToken: issued.accessToken,
          refreshToken: issued.refreshToken,
          expiresAt,
          scope: 'offline_access https://graph.microsoft.com/Calendars.ReadWrite',
          providerUserId: USER_ID,
        });
      };

      const memberProvider = () =>
        outlookProvider({
          graphBaseUrl: graph.baseUrl,
          authorityHost: graph.authorityHost,
          clientId: APP.clientId,
          clientSecret: APP.clientSecret,
          connections: connections.store,
          lock: connections.lock,
        });

      it('writes with the stored delegated token', async () => {
        await connect(new Date(Date.now() + 3_600_000).toISOString());
        await expect(memberProvider().applyJoinBlock(ref(seed()), HOST, joinDetails())).resolves.toBe(
          'patched',
        );
        expect(patches()[0]?.principal).toBe(USER_ID);
      });

      it('refreshes an expired token at the common endpoint and keeps the rotated refresh token', async () => {
        await connect(new Date(Date.now() - 1000).toISOString());
        const before = await connections.store.get(HOST.memberId, 'microsoft');
        await expect(memberProvider().applyJoinBlock(ref(seed()), HOST, joinDetails())).resolves.toBe(
          'patched',
        );
        const after = await connections.store.get(HOST.memberId, 'microsoft');
        expect(after?.tokens?.refreshToken).not.toBe(before?.tokens?.refreshToken);
        expect(graph.requests().find((r) => r.grantType === 'refresh_token')?.path).toBe(
          '/common/oauth2/v2.0/token',
        );
      });

      it('marks the connection broken when the grant was revoked', async () => {
        await connect(new Date(Date.now() - 1000).toISOString());
        graph.revokeUserTokens(USER_ID);
        const error = await rejectionOf(memberProvider().applyJoinBlock(ref(seed()), HOST, joinDetails()));
        expect(error).toBeInstanceOf(PermanentError);
        expect(error.code).toBe('connection_revoked');
        expect((await connections.store.getSummary(HOST.memberId, 'microsoft'))?.state).toBe('broken');
      });

      it("cannot reach another user's mailbox with a member's delegated token", async () => {
        await connect(new Date(Date.now() + 3_600_000).toISOString());
        graph.addUser({ id: 'other-user', userPrincipalName: 'bob@contoso.example' });
        const id = graph.seedEvent('other-user').id;
        const error = await rejectionOf(
          memberProvider().applyJoinBlock(ref(id, 'bob@contoso.example'), HOST, joinDetails()),
        );
        expect(error.code).toBe('calendar_access_denied');
      });
    });
  });
});
