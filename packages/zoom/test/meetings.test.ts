// The conference provider over real HTTP against the fake Zoom, scheduling through Server-to-Server
// OAuth: the meeting lifecycle, passcode rules, and how Zoom's failures come out.
import { startFakeZoom } from '@meetlink/fakes';
import type { FakeZoom, MeetingPasswordRequirement as FakeRequirement } from '@meetlink/fakes';
import { createZoomTokenSource } from '@meetlink/connections';
import {
  agendaBodyFor,
  createZoomClient,
  createZoomConferenceProvider,
  credentialsFor,
  validatePasscode,
} from '@meetlink/zoom';
import type { ZoomClientOptions } from '@meetlink/zoom';
import {
  ADA,
  EVERY_PASSCODE_RULE,
  S2S,
  apiRequests,
  readAfterZoomRejectsToken,
  rejectionOf,
  specFor,
  tokenRequests,
} from './harness';

/** One host per passcode policy, each a member of the same account. */
const POLICIES: Record<string, Partial<FakeRequirement>> = {
  min_length_8: { length: 8 },
  have_letter: { have_letter: true },
  have_number: { have_number: true },
  have_special_character: { have_special_character: true },
  only_allow_numeric: { only_allow_numeric: true, length: 6 },
  have_upper_and_lower_characters: { have_upper_and_lower_characters: true },
  consecutive_characters_length_4: { consecutive_characters_length: 4 },
  weak_enhance_detection: { weak_enhance_detection: true },
  numeric_and_strict: {
    only_allow_numeric: true,
    length: 10,
    consecutive_characters_length: 4,
    weak_enhance_detection: true,
  },
  everything: EVERY_PASSCODE_RULE,
};
const hostFor = (policy: string) => ({ memberId: `mem_${policy}`, email: `${policy}@example.com` });

let fake: FakeZoom;

beforeAll(async () => {
  fake = await startFakeZoom();
  fake.addAccount(S2S);
  fake.addUser({ id: 'zu_ada', email: ADA.email, accountId: S2S.accountId });
  for (const [policy, requirement] of Object.entries(POLICIES)) {
    fake.addUser({
      id: `zu_${policy}`,
      email: hostFor(policy).email,
      accountId: S2S.accountId,
      passwordRequirement: requirement,
    });
  }
  fake.addUser({
    id: 'zu_impossible',
    email: 'impossible@example.com',
    accountId: S2S.accountId,
    passwordRequirement: { only_allow_numeric: true, have_letter: true },
  });
});

beforeEach(() => fake.reset());

afterAll(() => fake.close());

const build = (clientOptions: ZoomClientOptions = {}) => {
  const client = createZoomClient({ apiBaseUrl: fake.apiBaseUrl, ...clientOptions });
  const tokens = createZoomTokenSource({ oauthBaseUrl: fake.oauthBaseUrl, ...S2S }, {});
  return { client, tokens, provider: createZoomConferenceProvider({ client, tokens }) };
};

describe('meeting lifecycle', () => {
  it('creates a scheduled meeting as Zoom answers it, with a passcode Zoom kept', async () => {
    const { provider } = build();
    const spec = specFor({ startTime: '2031-05-04T10:30:00+02:00' });
    const details = await provider.createMeeting(ADA, spec);

    const [stored] = fake.meetings();
    expect(stored).toBeDefined();
    expect(details).toEqual({
      provider: 'zoom',
      id: String(stored!.id),
      uuid: stored!.uuid,
      hostMemberId: 'mem_ada',
      hostUserId: 'ada@example.com',
      topic: spec.topic,
      startTime: '2031-05-04T08:30:00Z',
      durationMinutes: 45,
      timezone: 'Europe/Berlin',
      joinUrl: stored!.join_url,
      passcode: stored!.password,
      h323Passcode: stored!.h323_password,
      pstnPasscode: stored!.pstn_password,
      dialIn: stored!.settings.global_dial_in_numbers.map((n) => ({
        country: n.country,
        countryName: n.country_name,
        // Zoom sends '' for a number without a city: that is no city.
        ...(n.city ? { city: n.city } : {}),
        number: n.number,
        type: n.type,
      })),
      agenda: 'Discuss the proposal.',
    });
    expect(stored!.type).toBe(2);
    expect(stored!.hostUserId).toBe('zu_ada');
    expect(stored!.agenda).toBe(`${spec.marker}\n\nDiscuss the proposal.`);
    expect(details.passcode).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(fake.requests().every((r) => !r.ignoredFields || r.ignoredFields.length === 0)).toBe(true);
  });

  it('updates in place: same id, link and passcode, new time, read back with GET', async () => {
    const { provider } = build();
    const created = await provider.createMeeting(ADA, specFor());
    const spec = specFor({ topic: 'Moved', startTime: '2031-06-01T15:00:00Z', durationMinutes: 60 });
    const updated = await provider.updateMeeting(ADA, created.id, spec);

    expect(updated).toMatchObject({
      id: created.id,
      joinUrl: created.joinUrl,
      passcode: created.passcode,
      topic: 'Moved',
      startTime: '2031-06-01T15:00:00Z',
      durationMinutes: 60,
    });
    const calls = apiRequests(fake).map((r) => `${r.method} ${r.status}`);
    expect(calls.slice(-2)).toEqual(['PATCH 204', 'GET 200']);
  });

  it('gets a meeting, and null once it is deleted; deleting it again is fine', async () => {
    const { provider } = build();
    const created = await provider.createMeeting(ADA, specFor());
    expect(await provider.getMeeting(ADA, created.id)).toEqual(created);

    await provider.deleteMeeting(ADA, created.id);
    expect(fake.deletedMeetings().map((m) => String(m.id))).toEqual([created.id]);
    expect(await provider.getMeeting(ADA, created.id)).toBeNull();
    await expect(provider.deleteMeeting(ADA, created.id)).resolves.toBeUndefined();
  });

  it('refuses to update a meeting that is gone', async () => {
    const { provider } = build();
    const created = await provider.createMeeting(ADA, specFor());
    await provider.deleteMeeting(ADA, created.id);
    expect((await rejectionOf(provider.updateMeeting(ADA, created.id, specFor()))).code).toBe(
      'zoom_meeting_not_found',
    );
  });

  it('finds a meeting by its marker, never by another booking’s marker that shares a prefix', async () => {
    const { provider } = build();
    const mine = await provider.createMeeting(ADA, specFor({ marker: 'meetlink-booking:bk_1' }));
    await provider.createMeeting(ADA, specFor({ marker: 'meetlink-booking:bk_12' }));

    expect(await provider.findMeetingByMarker(ADA, 'meetlink-booking:bk_1')).toEqual(mine);
    expect(await provider.findMeetingByMarker(ADA, 'meetlink-booking:bk_9')).toBeNull();
  });

  it('pages through every scheduled meeting to find the marker', async () => {
    const { provider } = build({ listPageSize: 2 });
    const specs = [specFor(), specFor(), specFor(), specFor(), specFor()];
    for (const spec of specs) await provider.createMeeting(ADA, spec);
    const last = specs[specs.length - 1]!;
    const found = await provider.findMeetingByMarker(ADA, last.marker);
    expect(found?.topic).toBe(last.topic);
    expect(apiRequests(fake).filter((r) => r.method === 'GET' && r.path.endsWith('/meetings'))).toHaveLength(
      3,
    );
  });

  it('finds the meeting a create made before its answer was lost', async () => {
    const { provider } = build();
    const spec = specFor();
    fake.inject({ kind: 'drop_after_create', times: 1 });
    const error = await rejectionOf(provider.createMeeting(ADA, spec));
    expect(error).toMatchObject({ code: 'zoom_unavailable', retryable: true });

    const found = await provider.findMeetingByMarker(ADA, spec.marker);
    expect(found?.id).toBe(String(fake.meetings()[0]?.id));
    expect(fake.meetings()).toHaveLength(1);
  });
});

describe('passcode policies', () => {
  it.each(Object.keys(POLICIES))('makes a passcode Zoom accepts under %s', async (policy) => {
    const { provider } = build();
    const details = await provider.createMeeting(hostFor(policy), specFor());
    expect(details.passcode).not.toBeNull();
    expect(validatePasscode(details.passcode!, POLICIES[policy]!)).toEqual([]);
    expect(fake.meetings()[0]?.password).toBe(details.passcode);
  });

  it('stops with passcode_policy_unsatisfiable before asking Zoom to create anything', async () => {
    const { provider } = build();
    const error = await rejectionOf(
      provider.createMeeting({ memberId: 'mem_impossible', email: 'impossible@example.com' }, specFor()),
    );
    expect(error).toMatchObject({ code: 'passcode_policy_unsatisfiable', retryable: false });
    expect(error.message).toContain('only_allow_numeric with have_letter');
    expect(apiRequests(fake).filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('reads a host’s rules once and reuses them for a while', async () => {
    const { provider } = build();
    await provider.createMeeting(ADA, specFor());
    await provider.createMeeting(ADA, specFor());
    expect(apiRequests(fake).filter((r) => r.path.endsWith('/settings'))).toHaveLength(1);
  });

  describe('shared by the hosts of one account', () => {
    const TEAM = ['ann', 'bob', 'cem', 'dua', 'eli'].map((name) => ({
      memberId: `mem_${name}`,
      email: `${name}@example.com`,
    }));
    const STRICT = hostFor('have_special_character');
    const calls = () =>
      apiRequests(fake).map((r) => `${r.method} ${r.path.replace(/^.*\//, '')} ${r.status}`);

    beforeEach(() => {
      for (const [i, host] of TEAM.entries()) {
        fake.addUser({ id: `zu_team${i}`, email: host.email, accountId: S2S.accountId });
      }
    });

    it('are read once for every host, even when the first creates run at once', async () => {
      const { provider } = build();
      await Promise.all(TEAM.map((host) => provider.createMeeting(host, specFor())));
      await provider.createMeeting(ADA, specFor());

      expect(calls().filter((call) => call.startsWith('GET'))).toEqual(['GET settings 200']);
      expect(calls().filter((call) => call.startsWith('POST'))).toEqual(
        Array.from({ length: TEAM.length + 1 }, () => 'POST meetings 201'),
      );
    });

    it('give way to a host’s own stricter rules after one refusal, and those stay the host’s', async () => {
      let clock = Date.parse('2031-01-01T09:00:00Z');
      const { provider } = build({ settingsCacheMs: 60_000, now: () => new Date(clock) });
      await provider.createMeeting(ADA, specFor());
      const first = await provider.createMeeting(STRICT, specFor());
      const again = await provider.createMeeting(STRICT, specFor());
      expect(calls()).toEqual([
        'GET settings 200',
        'POST meetings 201',
        'POST meetings 400',
        'GET settings 200',
        'POST meetings 201',
        'POST meetings 201',
      ]);
      for (const { passcode } of [first, again]) {
        expect(validatePasscode(passcode!, POLICIES['have_special_character']!)).toEqual([]);
      }

      // Past the cache's lifetime the host's own rules are read again, not the account's guessed.
      clock += 61_000;
      const before = calls().length;
      await provider.createMeeting(STRICT, specFor());
      expect(calls().slice(before)).toEqual(['GET settings 200', 'POST meetings 201']);
    });

    it('are never rules no passcode meets: such a host fails alone, the others still create', async () => {
      const { provider } = build();
      const impossible = { memberId: 'mem_impossible', email: 'impossible@example.com' };
      expect((await rejectionOf(provider.createMeeting(impossible, specFor()))).code).toBe(
        'passcode_policy_unsatisfiable',
      );
      await provider.createMeeting(ADA, specFor());
      expect((await rejectionOf(provider.createMeeting(impossible, specFor()))).code).toBe(
        'passcode_policy_unsatisfiable',
      );
      expect(calls()).toEqual(['GET settings 200', 'GET settings 200', 'POST meetings 201']);
    });

    it('are not handed to a host waiting on the read of another host’s rules that no passcode meets', async () => {
      const { provider } = build();
      const impossible = { memberId: 'mem_impossible', email: 'impossible@example.com' };
      const [failed, created] = await Promise.allSettled([
        provider.createMeeting(impossible, specFor()),
        provider.createMeeting(ADA, specFor()),
      ]);
      expect(failed).toMatchObject({
        status: 'rejected',
        reason: { code: 'passcode_policy_unsatisfiable' },
      });
      expect(created).toMatchObject({ status: 'fulfilled' });
      expect(calls()).toEqual(['GET settings 200', 'GET settings 200', 'POST meetings 201']);
    });
  });

  describe('when the account’s rules change while they are cached', () => {
    const CHANGING = { memberId: 'mem_changing', email: 'changing@example.com' };
    const addChanging = (passwordRequirement: Partial<FakeRequirement>) =>
      fake.addUser({
        id: 'zu_changing',
        email: CHANGING.email,
        accountId: S2S.accountId,
        passwordRequirement,
      });

    beforeEach(() => addChanging({ length: 6 }));

    it('drops the cached rules when Zoom refuses the passcode, and creates with fresh ones', async () => {
      const { client, tokens, provider } = build();
      const first = await tokens.getAccessToken(CHANGING);
      await client.getPasswordRequirement(credentialsFor(tokens, CHANGING, first), CHANGING.email);
      // An admin tightens the rules: a passcode made for the cached ones has no special character.
      addChanging({ length: 8, have_special_character: true });

      const details = await provider.createMeeting(CHANGING, specFor());

      expect(fake.meetings()).toHaveLength(1);
      expect(fake.meetings()[0]?.password).toBe(details.passcode);
      expect(validatePasscode(details.passcode!, { length: 8, have_special_character: true })).toEqual([]);
      expect(apiRequests(fake).map((r) => `${r.method} ${r.path.replace(/^.*\//, '')} ${r.status}`)).toEqual([
        'GET settings 200',
        'POST meetings 400',
        'GET settings 200',
        'POST meetings 201',
      ]);
    });

    it('stops with passcode_policy_unsatisfiable when Zoom refuses the fresh passcode too', async () => {
      // Zoom refusing what our rules allow: every passcode sent is replaced with one Zoom never takes.
      const refusingFetch: typeof fetch = (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const isCreate = init?.method === 'POST' && url.endsWith('/meetings');
        if (!isCreate || typeof init.body !== 'string') return fetch(input, init);
        const body = { ...(JSON.parse(init.body) as Record<string, unknown>), password: 'far-too-long!' };
        return fetch(input, { ...init, body: JSON.stringify(body) });
      };
      const { provider } = build({ fetch: refusingFetch });

      const error = await rejectionOf(provider.createMeeting(CHANGING, specFor()));

      expect(error).toMatchObject({ code: 'passcode_policy_unsatisfiable', retryable: false });
      expect(error.details).toMatchObject({
        providerResponse: { status: 400, code: 300, errors: [{ field: 'password' }] },
      });
      expect(fake.meetings()).toHaveLength(0);
      const creates = apiRequests(fake).filter((r) => r.method === 'POST');
      expect(creates.map((r) => r.status)).toEqual([400, 400]);
      expect(apiRequests(fake).filter((r) => r.path.endsWith('/settings'))).toHaveLength(2);
    });
  });
});

describe('Server-to-Server token', () => {
  it('is fetched once and shared by every call until it nears expiry', async () => {
    const { provider } = build();
    const created = await provider.createMeeting(ADA, specFor());
    await provider.getMeeting(ADA, created.id);
    await provider.findMeetingByMarker(ADA, 'meetlink-booking:none');
    expect(tokenRequests(fake)).toHaveLength(1);
  });

  it('is replaced once when Zoom rejects it, and the call retried', async () => {
    await readAfterZoomRejectsToken(fake, build().provider, ADA);
    expect(tokenRequests(fake)).toHaveLength(2);
  });

  it('stops with oauth_client_rejected on wrong client credentials, without echoing the secret', async () => {
    const client = createZoomClient({ apiBaseUrl: fake.apiBaseUrl });
    const tokens = createZoomTokenSource(
      {
        oauthBaseUrl: fake.oauthBaseUrl,
        accountId: S2S.accountId,
        clientId: S2S.clientId,
        clientSecret: 'wrong-secret',
      },
      {},
    );
    const error = await rejectionOf(
      createZoomConferenceProvider({ client, tokens }).createMeeting(ADA, specFor()),
    );
    expect(error).toMatchObject({ code: 'oauth_client_rejected', retryable: false });
    expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain('wrong-secret');
  });
});

describe('Zoom failures', () => {
  it('maps a per-second 429 with Retry-After to a provider-wide zoom_rate_limited', async () => {
    const { provider } = build();
    await provider.createMeeting(ADA, specFor());
    fake.inject({ kind: 'rate_limit', type: 'QPS', times: 1, retryAfterSeconds: 2 });
    const error = await rejectionOf(provider.findMeetingByMarker(ADA, 'meetlink-booking:x'));
    expect(error).toMatchObject({
      code: 'zoom_rate_limited',
      retryable: true,
      details: { retryAfterMs: 2_000, rateLimitScope: 'provider' },
    });
  });

  it('maps a 429 with neither Retry-After nor X-RateLimit-Type by its body', async () => {
    const { provider } = build();
    fake.inject({ kind: 'rate_limit', type: 'QPS', times: 1, omitRetryAfter: true, omitRateLimitType: true });
    const error = await rejectionOf(provider.getMeeting(ADA, '123456789'));
    expect(error).toMatchObject({
      code: 'zoom_rate_limited',
      details: { retryAfterMs: 1_000, rateLimitScope: 'provider' },
    });
  });

  it.each([500, 502, 503, 504] as const)('maps %i to zoom_unavailable', async (status) => {
    const { provider } = build();
    await provider.createMeeting(ADA, specFor());
    fake.inject({ kind: 'status', status, times: 1, path: /^\/v2\/meetings\// });
    const error = await rejectionOf(provider.getMeeting(ADA, String(fake.meetings()[0]?.id)));
    expect(error).toMatchObject({ code: 'zoom_unavailable', retryable: true });
    expect(error.message).toContain(`answered ${status}`);
  });

  it('reads an error answered in XML: a host Zoom does not know', async () => {
    const { provider } = build();
    fake.inject({ kind: 'xml_error', times: 1 });
    const error = await rejectionOf(
      provider.createMeeting({ memberId: 'mem_x', email: 'nobody@example.com' }, specFor()),
    );
    expect(error).toMatchObject({ code: 'zoom_user_not_found', retryable: false });
    expect(error.details).toMatchObject({ providerResponse: { status: 404, code: 1001 } });
  });

  it('reads a validation failure answered in XML, field errors included', async () => {
    const { client, tokens } = build();
    const first = await tokens.getAccessToken(ADA);
    fake.inject({ kind: 'xml_error', times: 1 });
    const error = await rejectionOf(
      client.createMeeting(credentialsFor(tokens, ADA, first), ADA.email, {
        topic: 't',
        type: 2,
        start_time: '2031-01-01T10:00:00Z',
        duration: 30,
        password: 'far-too-long-passcode',
      }),
    );
    expect(error).toMatchObject({ code: 'zoom_passcode_rejected', retryable: false });
    expect(error.details).toMatchObject({
      providerResponse: { status: 400, code: 300, errors: [{ field: 'password' }] },
    });
    expect(JSON.stringify(error.details)).not.toContain(first.token);
  });

  it('maps a request that times out to zoom_unavailable', async () => {
    const { provider } = build({ timeoutMs: 100 });
    await provider.createMeeting(ADA, specFor());
    fake.inject({ kind: 'latency', ms: 1_000, times: 1 });
    const error = await rejectionOf(provider.getMeeting(ADA, String(fake.meetings()[0]?.id)));
    expect(error).toMatchObject({ code: 'zoom_unavailable', retryable: true });
    expect(error.message).toContain('timed out');
  });

  it('maps a refused connection to zoom_unavailable', async () => {
    const closed = await startFakeZoom();
    const apiBaseUrl = closed.apiBaseUrl;
    await closed.close();
    const { tokens } = build();
    const client = createZoomClient({ apiBaseUrl });
    const error = await rejectionOf(
      createZoomConferenceProvider({ client, tokens }).getMeeting(ADA, '123456789'),
    );
    expect(error).toMatchObject({ code: 'zoom_unavailable', retryable: true });
  });
});

describe('the per-user daily create/update limit', () => {
  const NOW = new Date('2031-03-10T22:15:30Z');
  const MS_TO_MIDNIGHT = 6_270_000;
  let daily: FakeZoom;

  beforeAll(async () => {
    daily = await startFakeZoom({ now: () => NOW, dailyCreateUpdateLimit: 1 });
    daily.addAccount(S2S);
    daily.addUser({ id: 'zu_ada', email: ADA.email, accountId: S2S.accountId });
  });

  afterAll(() => daily.close());

  const buildDaily = () => {
    const client = createZoomClient({ apiBaseUrl: daily.apiBaseUrl, now: () => NOW });
    const tokens = createZoomTokenSource({ oauthBaseUrl: daily.oauthBaseUrl, ...S2S }, { now: () => NOW });
    return createZoomConferenceProvider({ client, tokens });
  };

  it('is scoped to the host and waits until the next UTC midnight', async () => {
    const provider = buildDaily();
    const created = await provider.createMeeting(ADA, specFor({}, NOW));
    const error = await rejectionOf(provider.updateMeeting(ADA, created.id, specFor({}, NOW)));
    expect(error).toMatchObject({
      code: 'zoom_rate_limited',
      details: { retryAfterMs: MS_TO_MIDNIGHT, rateLimitScope: 'subject' },
    });
    expect(daily.lastRetryAfter()).toMatchObject({
      type: 'Daily-limit',
      until: NOW.getTime() + MS_TO_MIDNIGHT,
    });
  });

  it('tells an account-wide daily 429 without headers apart by its body', async () => {
    daily.reset();
    const provider = buildDaily();
    daily.inject({
      kind: 'rate_limit',
      type: 'daily',
      times: 1,
      omitRetryAfter: true,
      omitRateLimitType: true,
      path: /\/meetings$/,
    });
    const error = await rejectionOf(provider.createMeeting(ADA, specFor({}, NOW)));
    expect(error).toMatchObject({
      code: 'zoom_rate_limited',
      details: { retryAfterMs: MS_TO_MIDNIGHT, rateLimitScope: 'provider' },
    });
  });
});

describe('MeetingDetails.agenda', () => {
  it.each([
    ['instructions', 'Discuss the proposal.'],
    ['instructions Zoom’s 2000 characters cut', 'Bring the signed contract. '.repeat(100)],
    ['no instructions', ''],
  ])('reads back %s as agendaBodyFor(spec), on create, get and update', async (_, agenda) => {
    const { provider } = build();
    const spec = specFor({ agenda });
    const created = await provider.createMeeting(ADA, spec);
    expect(created.agenda).toBe(agendaBodyFor(spec));
    expect(fake.meetings()[0]?.agenda).toBe(`${spec.marker}${agenda ? `\n\n${agendaBodyFor(spec)}` : ''}`);
    expect((await provider.getMeeting(ADA, created.id))?.agenda).toBe(agendaBodyFor(spec));

    const changed = { ...spec, agenda: `Park at the back. ${agenda}` };
    expect(agendaBodyFor(changed)).not.toBe(agendaBodyFor(spec));
    const updated = await provider.updateMeeting(ADA, created.id, changed);
    expect(updated.agenda).toBe(agendaBodyFor(changed));
  });
});
