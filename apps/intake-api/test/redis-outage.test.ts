// Stops and restarts a Redis of this test's own (not the shared one) under a running intake API.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { pollUntil, startRedisServer } from '@meetlink/sandbox';
import type { RunningRedis } from '@meetlink/sandbox';
import { startIntake } from './harness';
import type { Intake } from './harness';

let redis: RunningRedis;
let intake: Intake;
beforeAll(async () => {
  redis = await startRedisServer();
  intake = await startIntake({ redisUrl: redis.url });
});
afterAll(async () => {
  await intake.close();
  await redis.stop();
});

const waitUntil = async (check: () => Promise<boolean>): Promise<void> => {
  await pollUntil(check, (isMet) => isMet, { timeoutMs: 15_000, everyMs: 100 });
};

it('answers 503 redis_unavailable while Redis is down and accepts again once it is back', async () => {
  await redis.stop();
  await waitUntil(() => Promise.resolve(intake.redis.status !== 'ready'));
  const startedAt = Date.now();
  const down = await intake.send(sampleEvent(sampleBooking({ bookingId: 'bk_outage' })));
  expect(down.status).toBe(503);
  expect(await down.json()).toMatchObject({ error: { code: 'redis_unavailable' } });
  expect(Date.now() - startedAt).toBeLessThan(5_000); // fails fast rather than hanging
  expect((await fetch(`${intake.url}/readyz`)).status).toBe(503);
  expect((await fetch(`${intake.url}/healthz`)).status).toBe(200);

  await redis.restart();
  await waitUntil(async () => (await fetch(`${intake.url}/readyz`)).status === 200);
  const up = await intake.send(sampleEvent(sampleBooking({ bookingId: 'bk_outage' })));
  expect(up.status).toBe(202);
  expect(await intake.conferenceQueue.queue.getJob('bk_outage-v1')).toBeDefined();
});
