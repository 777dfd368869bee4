// The API's own defences, over HTTP: security headers on every answer, rate limits (counted in
// Redis, so shared by replicas): per IP on /webhooks and /connect, and on /v1/events per address for
// requests that fail verification and per signing secret for signed ones; request size limits, and
// connect flows that are off unless configured.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { randomUUID } from 'node:crypto';
import { signZoomWebhook, urlValidationEvent } from '@meetlink/fakes';
import { generateSecret, signWebhook } from '@meetlink/events';
import { startIntake } from './harness';

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('security headers', () => {
  it('are on every answer, errors and health included', async () => {
    const intake = await startIntake();
    try {
      for (const path of ['/healthz', '/v1/nope', '/v1/bookings/bk_1', '/connect/zoom?member=x']) {
        const res = await fetch(`${intake.url}${path}`, { redirect: 'manual' });
        expect([path, res.headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
        expect(res.headers.get('x-powered-by')).toBeNull();
        // http://localhost: no HSTS (browsers ignore it over http, and it must not pin localhost).
        expect(res.headers.get('strict-transport-security')).toBeNull();
      }
    } finally {
      await intake.close();
    }
  });

  it('add HSTS when the public URL is https', async () => {
    const intake = await startIntake({ app: { publicBaseUrl: 'https://meetlink.example.com' } });
    try {
      const res = await fetch(`${intake.url}/healthz`);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await intake.close();
    }
  });
});

describe('per-IP rate limiting on the public endpoints', () => {
  // A frozen clock keeps each test inside one fixed window, whatever the wall clock does.
  const frozen = new Date();
  const now = () => frozen;

  it('answers 429 rate_limited with Retry-After past the budget, per endpoint group', async () => {
    const intake = await startIntake({ app: { now, rateLimits: { connect: 3, webhooks: 2, events: 1000 } } });
    try {
      const connect = () => fetch(`${intake.url}/connect/zoom?member=mem_ada`, { redirect: 'manual' });
      for (let i = 0; i < 3; i += 1) expect((await connect()).status).toBe(501);
      const limited = await connect();
      expect(limited.status).toBe(429);
      expect(await errorCode(limited)).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');

      const hook = () =>
        fetch(`${intake.url}/webhooks/zoom`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        });
      expect((await hook()).status).toBe(501);
      expect((await hook()).status).toBe(501);
      expect((await hook()).status).toBe(429);

      // Other budgets and the admin API are untouched.
      expect((await intake.send(sampleEvent(sampleBooking({ bookingId: 'bk_rl' })))).status).toBe(202);
      expect((await fetch(`${intake.url}/healthz`)).status).toBe(200);
    } finally {
      await intake.close();
    }
  });

  it('counts per client address; X-Forwarded-For is believed only behind a trusted proxy', async () => {
    const direct = await startIntake({ app: { now, rateLimits: { connect: 1 } } });
    const proxied = await startIntake({ app: { now, rateLimits: { connect: 1 }, trustProxy: 'loopback' } });
    try {
      const hit = (url: string, ip: string) =>
        fetch(`${url}/connect/zoom?member=m`, { redirect: 'manual', headers: { 'x-forwarded-for': ip } });
      // No trusted proxy: a client cannot dodge the limit by inventing addresses.
      expect((await hit(direct.url, '203.0.113.1')).status).toBe(501);
      expect((await hit(direct.url, '203.0.113.2')).status).toBe(429);
      // Behind a trusted proxy each client has its own budget.
      expect((await hit(proxied.url, '203.0.113.1')).status).toBe(501);
      expect((await hit(proxied.url, '203.0.113.1')).status).toBe(429);
      expect((await hit(proxied.url, '203.0.113.2')).status).toBe(501);
    } finally {
      await direct.close();
      await proxied.close();
    }
  });

  it('shares one count between replicas on the same Redis', async () => {
    const a = await startIntake({ prefix: 'tshared-rl', app: { now, rateLimits: { connect: 2 } } });
    const b = await startIntake({ prefix: 'tshared-rl', app: { now, rateLimits: { connect: 2 } } });
    try {
      const hit = (url: string) => fetch(`${url}/connect/zoom?member=m`, { redirect: 'manual' });
      expect((await hit(a.url)).status).toBe(501);
      expect((await hit(b.url)).status).toBe(501);
      expect((await hit(a.url)).status).toBe(429);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('rate limits on /v1/events: the signature first, then a budget', () => {
  const frozen = new Date();
  const now = () => frozen;

  it('junk from one address is limited, and never locks out a signed booking from the same address', async () => {
    const intake = await startIntake({ app: { now, rateLimits: { unverified: 50 } } });
    try {
      const body = JSON.stringify(sampleEvent(sampleBooking({ bookingId: 'bk_junk' })));
      const forger = generateSecret();
      const junk = (i: number) => {
        const id = `msg_junk_${i}`;
        const at = Date.now() / 1000;
        switch (i % 3) {
          case 0: // unsigned
            return intake.post(body, {});
          case 1: // signed with a secret we do not accept
            return intake.post(body, { ...signWebhook({ secret: forger, id, timestamp: at, body }) });
          default: // signed by us, but an hour ago
            return intake.post(body, {
              ...signWebhook({ secret: intake.secrets[0]!, id, timestamp: at - 3600, body }),
            });
        }
      };
      const statuses = new Map<number, number>();
      let limited: Response | undefined;
      for (let batch = 0; batch < 2_000; batch += 100) {
        const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => junk(batch + i)));
        for (const res of answers) {
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 429 && !limited) limited = res;
          else await res.body?.cancel();
        }
      }
      expect(Object.fromEntries(statuses)).toEqual({ 401: 50, 429: 1_950 });
      expect(await errorCode(limited!)).toBe('rate_limited');
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);

      const signed = await intake.send(sampleEvent(sampleBooking({ bookingId: 'bk_after_junk' })));
      expect(signed.status).toBe(202);
      expect(await intake.conferenceQueue.queue.getJob('bk_after_junk-v1')).toBeDefined();
    } finally {
      await intake.close();
    }
  });

  it('limits signed events per signing secret, whatever the address, and keeps the secret out of Redis keys', async () => {
    const [first, second] = [generateSecret(), generateSecret()];
    const intake = await startIntake({
      secrets: [first, second],
      app: { now, rateLimits: { events: 3 }, trustProxy: 'loopback' },
    });
    try {
      const sendFrom = (ip: string, secret: string) => {
        const body = JSON.stringify(
          sampleEvent(sampleBooking({ bookingId: `bk_${randomUUID().slice(0, 8)}` })),
        );
        const id = `msg_${randomUUID()}`;
        return intake.post(body, {
          ...signWebhook({ secret, id, timestamp: Date.now() / 1000, body }),
          'x-forwarded-for': ip,
        });
      };
      for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
        expect((await sendFrom(ip, first)).status).toBe(202);
      const over = await sendFrom('203.0.113.4', first); // a new address does not get a new budget
      expect(over.status).toBe(429);
      expect(await errorCode(over)).toBe('rate_limited');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // The other secret (another upstream, or the rotated-in one) has a budget of its own.
      expect((await sendFrom('203.0.113.4', second)).status).toBe(202);

      const keys = await intake.redis.keys(`${intake.prefix}:rate:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const secret of [first, second])
        for (const key of keys) expect(key).not.toContain(secret.slice('whsec_'.length, 20));
    } finally {
      await intake.close();
    }
  });
});

describe('request size limits', () => {
  it('413 payload_too_large for an event over MAX_BODY_BYTES and a Zoom webhook over 64 KiB', async () => {
    const intake = await startIntake({
      maxBodyBytes: 1024,
      app: { zoomWebhookSecretTokens: ['zoom-secret-token'] },
    });
    try {
      const res = await intake.post(JSON.stringify({ pad: 'x'.repeat(2048) }), {});
      expect(res.status).toBe(413);
      const big = signZoomWebhook('zoom-secret-token', {
        ...urlValidationEvent(new Date()),
        pad: 'x'.repeat(65 * 1024),
      });
      const hook = await fetch(`${intake.url}/webhooks/zoom`, {
        method: 'POST',
        body: big.body,
        headers: big.headers,
      });
      expect(hook.status).toBe(413);
      expect(await errorCode(hook)).toBe('payload_too_large');
    } finally {
      await intake.close();
    }
  });
});

describe('connect flows that are not configured', () => {
  it('501 connect_not_configured without CONNECT_LINK_SECRET and TOKEN_ENCRYPTION_KEY; 501 for the admin API', async () => {
    const intake = await startIntake();
    try {
      const admin = { authorization: 'Bearer test-admin-token-0123456789' };
      const connect = await fetch(`${intake.url}/connect/zoom?member=m`, {
        redirect: 'manual',
        headers: admin,
      });
      expect(connect.status).toBe(501);
      expect(await errorCode(connect)).toBe('connect_not_configured');
      const list = await fetch(`${intake.url}/v1/connections`, { headers: admin });
      expect([list.status, await errorCode(list)]).toEqual([501, 'connections_not_configured']);
    } finally {
      await intake.close();
    }
  });
});
