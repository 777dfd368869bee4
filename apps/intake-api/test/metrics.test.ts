// GET /metrics on the intake API: admin only, and what became of each event, counted by outcome.
import { randomUUID } from 'node:crypto';
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { EventType } from '@meetlink/events';
import { createMetrics, MetricName, parsePrometheusText } from '@meetlink/observability';
import { queueJobCountsSource } from '@meetlink/queue';
import { ADMIN_TOKEN, startIntake } from './harness';
import type { Intake } from './harness';

const basic = { user: 'ops-admin', password: 'ops-password-0123456789' };
let intake: Intake;
let metrics: ReturnType<typeof createMetrics>;
beforeEach(async () => {
  metrics = createMetrics({ collectDefault: false });
  intake = await startIntake({ app: { metrics, adminBasic: basic } });
  metrics.addQueueJobsSource(
    queueJobCountsSource({ queues: () => [intake.conferenceQueue.queue], connection: intake.redis }),
  );
});
afterEach(() => intake.close());

const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` }) => {
  const res = await fetch(`${intake.url}/metrics`, { headers });
  return { res, text: await res.text() };
};

describe('GET /metrics (security)', () => {
  it('answers 401 with the challenge without credentials or with wrong ones, and nothing of the metrics', async () => {
    const refused: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0123456789' }];
    for (const headers of refused) {
      const { res, text } = await scrape(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/Bearer realm=/);
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'unauthorized' } });
      expect(text).not.toContain('meetlink_');
    }
  });

  it('takes the Basic credentials as well as the bearer token', async () => {
    const encoded = Buffer.from(`${basic.user}:${basic.password}`).toString('base64');
    const { res, text } = await scrape({ authorization: `Basic ${encoded}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    expect(text).toContain(MetricName.intakeEvents);
  });
});

describe('GET /metrics (happy path)', () => {
  it('counts events accepted, duplicate, stale and rejected by code, with the queue counts', async () => {
    const bookingId = `bk_${randomUUID().slice(0, 12)}`;
    const v2 = sampleEvent(sampleBooking({ bookingId, version: 2 }), EventType.rescheduled);
    expect((await intake.send(v2, 'msg_v2')).status).toBe(202);
    expect((await intake.send(v2, 'msg_v2')).status).toBe(202); // replayed webhook-id
    expect((await intake.send(sampleEvent(sampleBooking({ bookingId, version: 1 })))).status).toBe(200);
    const body = JSON.stringify(sampleEvent(sampleBooking({ bookingId, version: 3 })));
    expect(
      (
        await intake.post(body, {
          'webhook-id': 'msg_x',
          'webhook-timestamp': '1',
          'webhook-signature': 'v1,x',
        })
      ).status,
    ).toBe(401);
    expect((await intake.send({ type: 'booking.created', data: {} })).status).toBe(400);

    const { res, text } = await scrape();
    expect(res.status).toBe(200);
    const parsed = parsePrometheusText(text);
    expect(
      Object.fromEntries(
        parsed.select(MetricName.intakeEvents).map((s) => [s.labels['outcome'] ?? '', s.value]),
      ),
    ).toEqual({
      accepted: 1,
      duplicate: 1,
      stale: 1,
      rejected_timestamp_out_of_window: 1,
      rejected_validation_failed: 1,
    });
    expect(parsed.sum(MetricName.queueJobs, { queue: 'conference', state: 'waiting' })).toBe(1);
    expect(
      parsed.samples.flatMap((s) => Object.values(s.labels)).filter((v) => v.includes(bookingId)),
    ).toEqual([]);
  });
});
