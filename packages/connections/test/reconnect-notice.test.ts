// notifyHostToReconnect against the SMTP sink and the run's real Redis: one email a day per member
// and provider, with a working signed link, and a failed send that frees the day's slot.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createSmtpMailer } from '@meetlink/email';
import type { SmtpMailer } from '@meetlink/email';
import { startSmtpSink } from '@meetlink/fakes';
import type { SmtpSink } from '@meetlink/fakes';
import { notifyHostToReconnect, verifyConnectLink } from '@meetlink/connections';

const redis = new Redis(process.env['REDIS_URL']!);
const prefix = `t-notice-${randomUUID().slice(0, 8)}`;
const secrets = ['link-secret-'.repeat(3)];
let sink: SmtpSink;
let mailer: SmtpMailer;

beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = createSmtpMailer({ smtpUrl: sink.smtpUrl, from: 'Meetlink <bookings@meetlink.test>' });
});
beforeEach(() => sink.clear());
afterAll(async () => {
  mailer.close();
  await sink.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const notify = (memberId: string, now = new Date(), provider: 'zoom' | 'google' = 'zoom') =>
  notifyHostToReconnect({
    member: { memberId, email: `${memberId}@example.com`, name: 'Ada Lovelace' },
    provider,
    reason: 'connection_revoked',
    bookingId: 'bk_123',
    mailer,
    redis,
    prefix,
    connectLink: { publicBaseUrl: 'https://meetlink.example.com', secrets },
    now,
  });

describe('notifyHostToReconnect', () => {
  it('emails the host a signed reconnect link for that member and provider', async () => {
    const now = new Date();
    expect(await notify('mem_ada', now)).toMatchObject({ status: 'sent' });
    const email = await sink.waitFor((m) => m.to.includes('mem_ada@example.com'), 5_000);
    expect(email.subject).toBe('Action needed: connect Zoom again');
    expect(email.text).toContain('because your Zoom connection stopped working');
    expect(email.text).toContain('the Zoom part of booking bk_123');
    const link = /https:\/\/meetlink\.example\.com\/connect\/zoom\?\S+/.exec(email.text!)![0];
    const check = verifyConnectLink({
      secrets,
      provider: 'zoom',
      query: Object.fromEntries(new URL(link).searchParams),
      now,
    });
    expect(check).toMatchObject({ ok: true, memberId: 'mem_ada' });
    expect(email.html).toContain('href="https://meetlink.example.com/connect/zoom?member=mem_ada&amp;exp=');
  });

  it('sends at most one a day per member and provider, however many steps fail', async () => {
    const results = await Promise.all([notify('mem_grace'), notify('mem_grace'), notify('mem_grace')]);
    expect(results.filter((r) => r.status === 'sent')).toHaveLength(1);
    expect(await notify('mem_grace')).toEqual({ status: 'rate_limited' });
    expect(await notify('mem_grace', new Date(), 'google')).toMatchObject({ status: 'sent' });
    await sink.waitFor((m) => m.subject.includes('Google Calendar'), 5_000);
    expect(sink.messages().filter((m) => m.to.includes('mem_grace@example.com'))).toHaveLength(2);
    expect(await redis.ttl(`${prefix}:reconnect-notice:{mem_grace}:zoom`)).toBeGreaterThan(86_000);
  });

  it('frees the day’s slot when the send fails, so the next failure tries again', async () => {
    sink.inject({ kind: 'reject', code: 550, times: 1 });
    await expect(notify('mem_alan')).rejects.toMatchObject({ code: 'smtp_rejected' });
    expect(await notify('mem_alan')).toMatchObject({ status: 'sent' });
  });
});
