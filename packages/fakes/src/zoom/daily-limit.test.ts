import { ADA, GRACE, expectHeaders, meetingBody, startHarness } from '../../test/zoom-harness';
import type { Harness } from '../../test/zoom-harness';

const DAILY_MESSAGE =
  'You have exceeded the daily rate limit (3) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.';

describe('fake Zoom daily create/update limit', () => {
  let h: Harness;
  let token: string;

  afterEach(() => h.close());

  describe('with a limit of 3', () => {
    beforeEach(async () => {
      h = await startHarness({ dailyCreateUpdateLimit: 3 });
      token = await h.s2sToken();
    });

    const create = (user = ADA.id) =>
      h.api<{ id: number }>('POST', `/users/${user}/meetings`, token, meetingBody());

    it('counts creates and updates per host and answers the spent budget with 429 until 00:00 UTC', async () => {
      const first = await create();
      const second = await create();
      const update = await h.api('PATCH', `/meetings/${first.body.id}`, token, { topic: 'moved' });
      const refused = await create();
      const refusedUpdate = await h.api('PATCH', `/meetings/${first.body.id}`, token, { topic: 'again' });

      expect([first, second].map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1']);
      expect(update.headers.get('x-ratelimit-remaining')).toBe('0');
      for (const res of [refused, refusedUpdate]) {
        expect(res.status).toBe(429);
        expect(res.body).toEqual({ code: 429, message: DAILY_MESSAGE });
        expectHeaders(res, {
          'x-ratelimit-type': 'Daily-limit',
          'x-ratelimit-limit': '3',
          'x-ratelimit-remaining': '0',
          'retry-after': '2030-01-16T00:00:00Z',
        });
      }
      expect(h.zoom.lastRetryAfter()).toMatchObject({
        type: 'Daily-limit',
        until: Date.parse('2030-01-16T00:00:00Z'),
        userId: ADA.id,
      });
      expect(h.zoom.meetings()).toHaveLength(2);
    });

    it('leaves reads, deletes and other hosts alone', async () => {
      const created = await create();
      await create();
      await create();

      expect((await h.api('GET', `/meetings/${created.body.id}`, token)).status).toBe(200);
      expect((await h.api('GET', `/users/${ADA.id}/meetings`, token)).status).toBe(200);
      expect((await create(GRACE.id)).status).toBe(201);
      expect((await h.api('DELETE', `/meetings/${created.body.id}`, token)).status).toBe(204);
    });

    it('resets at 00:00 UTC and flags creates sent before then', async () => {
      for (let i = 0; i < 4; i += 1) await create();

      h.clock.now = new Date('2030-01-15T23:59:59Z');
      token = await h.s2sToken(); // the first one has expired by now
      const early = await create();
      await h.api('GET', `/users/${ADA.id}/meetings`, token);
      const otherHost = await create(GRACE.id);
      h.clock.now = new Date('2030-01-16T00:00:00Z');
      const onTime = await create();

      expect(early.status).toBe(429);
      expect(otherHost.status).toBe(201);
      expect(onTime.status).toBe(201);
      const flagged = h.zoom
        .requests()
        .filter((r) => r.beforeRetryAfter)
        .map((r) => `${r.method} ${r.path}`);
      expect(flagged).toEqual([`POST /v2/users/${ADA.id}/meetings`]);
    });
  });

  it('defaults to 100 per host per UTC day, as Zoom', async () => {
    h = await startHarness();
    token = await h.s2sToken();

    const statuses: number[] = [];
    for (let i = 0; i < 101; i += 1) {
      statuses.push((await h.api('POST', `/users/${ADA.id}/meetings`, token, meetingBody())).status);
    }

    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.at(-1)).toBe(429);
  });
});
