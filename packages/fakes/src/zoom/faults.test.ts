import { ACCOUNT, ADA, expectHeaders, meetingBody, startHarnessWithToken } from '../../test/zoom-harness';
import type { Harness } from '../../test/zoom-harness';

describe('fake Zoom faults', () => {
  let h: Harness;
  let token: string;

  beforeEach(async () => ({ h, token } = await startHarnessWithToken()));
  afterEach(() => h.close());

  const list = () => h.api('GET', `/users/${ADA.id}/meetings`, token);

  it('latency delays the next answers, then stops', async () => {
    h.zoom.inject({ kind: 'latency', ms: 150, times: 1 });

    const started = performance.now();
    expect((await list()).status).toBe(200);
    const slow = performance.now() - started;
    const again = performance.now();
    await list();
    const fast = performance.now() - again;

    expect(slow).toBeGreaterThanOrEqual(140);
    expect(fast).toBeLessThan(140);
  });

  it('status answers the next /v2 calls with a 5xx and leaves the token endpoint alone', async () => {
    h.zoom.inject({ kind: 'status', status: 503, times: 2 });

    expect((await h.s2sToken()).length).toBeGreaterThan(0);
    const answers = [await list(), await list(), await list()];

    expect(answers.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(answers[0]?.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('status with a path hits only the calls whose path matches', async () => {
    h.zoom.inject({ kind: 'status', status: 500, times: 1, path: /\/meetings\/\d+$/ });
    const created = await h.api<{ id: number }>('POST', `/users/${ADA.id}/meetings`, token, meetingBody());

    const get = await h.api('GET', `/meetings/${created.body.id}`, token);

    expect(created.status).toBe(201);
    expect(get.status).toBe(500);
    expect(get.body).toEqual({ code: 500, message: 'Internal Error' });
  });

  it('a path can aim a fault at the token endpoint', async () => {
    h.zoom.inject({ kind: 'status', status: 502, times: 1, path: /^\/oauth\/token$/ });

    const res = await h.token({ grant_type: 'account_credentials', account_id: ACCOUNT.accountId });

    expect(res.status).toBe(502);
  });

  it('a QPS rate limit answers 429 with its headers and records the Retry-After', async () => {
    h.zoom.inject({ kind: 'rate_limit', type: 'QPS', times: 1, retryAfterSeconds: 2 });

    const res = await list();

    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      code: 429,
      message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
    });
    expectHeaders(res, {
      'x-ratelimit-category': 'Medium',
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-limit': '20',
      'x-ratelimit-remaining': '0',
      'retry-after': '2',
    });
    expect(h.zoom.lastRetryAfter()).toEqual({
      type: 'QPS',
      givenAt: h.clock.now.getTime(),
      until: h.clock.now.getTime() + 2000,
      header: '2',
      path: `/v2/users/${ADA.id}/meetings`,
    });
  });

  it('flags a request that came before the Retry-After ran out, and not one after', async () => {
    h.zoom.inject({ kind: 'rate_limit', type: 'QPS', times: 1, retryAfterSeconds: 2 });
    await list();

    h.clock.advance(1_000);
    await list();
    h.clock.advance(1_000);
    await list();

    const apiCalls = h.zoom.requests().filter((r) => r.path.startsWith('/v2'));
    expect(apiCalls.map((r) => [r.status, r.beforeRetryAfter])).toEqual([
      [429, false],
      [200, true],
      [200, false],
    ]);
  });

  it('a 429 may come without Retry-After or X-RateLimit-Type, as Zoom has sent it', async () => {
    h.zoom.inject({
      kind: 'rate_limit',
      type: 'QPS',
      times: 1,
      omitRetryAfter: true,
      omitRateLimitType: true,
    });

    const res = await list();

    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.headers.get('x-ratelimit-type')).toBeNull();
    expect(h.zoom.lastRetryAfter()).toBeUndefined();
  });

  it('an injected daily limit points Retry-After at the next 00:00 UTC', async () => {
    h.zoom.inject({ kind: 'rate_limit', type: 'daily', times: 1 });

    const res = await h.api('GET', `/meetings/12345678901`, token);

    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-type')).toBe('Daily-limit');
    expect(res.headers.get('x-ratelimit-category')).toBe('Light');
    expect(res.headers.get('retry-after')).toBe('2030-01-16T00:00:00Z');
    expect(res.body).toMatchObject({ code: 429 });
    expect(res.body['message']).toMatch(/maximum daily rate limit/);
  });

  it('drop_after_create makes the meeting and destroys the socket without answering', async () => {
    h.zoom.inject({ kind: 'drop_after_create', times: 1 });

    await expect(h.api('POST', `/users/${ADA.id}/meetings`, token, meetingBody())).rejects.toThrow();

    expect(h.zoom.meetings()).toHaveLength(1);
    expect(h.zoom.requests().at(-1)).toMatchObject({ method: 'POST', status: 0, userId: ADA.id });
    const next = await h.api('POST', `/users/${ADA.id}/meetings`, token, meetingBody());
    expect(next.status).toBe(201);
    expect(h.zoom.meetings()).toHaveLength(2);
  });

  it('xml_error answers the next error in XML, then JSON again', async () => {
    h.zoom.inject({ kind: 'xml_error', times: 1 });
    const ok = await list();

    const bad = await h.api(
      'POST',
      `/users/${ADA.id}/meetings`,
      token,
      meetingBody({ password: '12345678901' }),
    );
    const json = await h.api('GET', '/meetings/12345678901', token);

    expect(ok.status).toBe(200);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/xml/);
    expect(bad.text).toBe(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><result><code>300</code><message>Validation Failed.</message>' +
        '<errors><field>password</field><message>Password provided does not match the password requirement settings ' +
        'set for this account. The password must follow these rules: [Password can only have a maximum 10 characters.].' +
        '</message></errors></result>',
    );
    expect(json.body).toMatchObject({ code: 3001 });
  });

  it('reset forgets meetings, requests, faults and tokens, and keeps accounts and users', async () => {
    await h.api('POST', `/users/${ADA.id}/meetings`, token, meetingBody());
    h.zoom.inject({ kind: 'status', status: 500, times: 5 });

    h.zoom.reset();

    expect(h.zoom.meetings()).toEqual([]);
    expect(h.zoom.requests()).toEqual([]);
    expect((await list()).status).toBe(401);
    const fresh = await h.s2sToken();
    expect((await h.api('GET', `/users/${ADA.id}/meetings`, fresh)).status).toBe(200);
  });
});
