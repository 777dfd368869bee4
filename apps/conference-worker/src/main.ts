// Composition root of the conference worker.
import { loadOrExit } from '@meetlink/config';
import { createZoomTokenSource, workerConnectionsFromSettings } from '@meetlink/connections';
import { createSmtpMailer } from '@meetlink/email';
import { observeFetch, TOKEN_OPERATION } from '@meetlink/observability';
import { createWorkerRuntime, fenced, retryPolicyFor, startStrandedVersionSweeper } from '@meetlink/queue';
import { createZoomAdapter, zoomOperationOf } from '@meetlink/zoom';
import { cleanUpMeeting, queueMeetingCleanup } from './clean-up-meeting';
import { bookingRetentionOf, createRedisBookingStore } from '@meetlink/store';
import { loadConfig } from './config';
import { createConferenceStep, handOnWithoutMeeting } from './reconcile-meeting';

const config = loadOrExit(() => loadConfig());
const runtime = createWorkerRuntime(
  { name: 'conference-worker', ...config },
  {
    createStore: (redis, prefix) =>
      createRedisBookingStore({ redis, prefix, timeline: bookingRetentionOf(config.BOOKING_RETENTION_DAYS) }),
  },
);
// Members' own connections exist only with a key to decrypt them (checked by loadConfig).
const { tokenDeps, notifyHost } = workerConnectionsFromSettings(config, runtime, createSmtpMailer);
const tokens = createZoomTokenSource(
  {
    oauthBaseUrl: config.ZOOM_OAUTH_BASE_URL,
    accountId: config.ZOOM_ACCOUNT_ID,
    clientId: config.ZOOM_CLIENT_ID,
    clientSecret: config.ZOOM_CLIENT_SECRET,
    userOAuthClientId: config.ZOOM_USER_CLIENT_ID,
    userOAuthClientSecret: config.ZOOM_USER_CLIENT_SECRET,
  },
  {
    ...tokenDeps,
    fetch: observeFetch({
      provider: 'zoom',
      operationOf: () => TOKEN_OPERATION,
      metrics: runtime.metrics,
      isTokenEndpoint: true,
    }),
  },
);
// Every Zoom call counts in the provider metrics and, with tracing on, is a span under its job.
const zoom = createZoomAdapter(
  { apiBaseUrl: config.ZOOM_API_BASE_URL },
  {
    tokens,
    fetch: observeFetch({ provider: 'zoom', operationOf: zoomOperationOf, metrics: runtime.metrics }),
  },
);
if (!config.ZOOM_ACCOUNT_ID && !config.TOKEN_ENCRYPTION_KEY) {
  runtime.logger.warn(
    'no Zoom account credentials and no TOKEN_ENCRYPTION_KEY: every video booking will fail member_not_connected',
  );
}
const { store } = runtime;
const calendarQueue = runtime.queue('calendar');
const emailQueue = runtime.queue('email');
const cleanupQueue = runtime.queue('meetingCleanup');
const conference = createConferenceStep({ store, calendarQueue, emailQueue });

runtime.run(
  'conference',
  (snapshot, { lease }) =>
    conference.process(snapshot, {
      // Every write to Zoom or the store checks the lease first: a run that lost it stops there.
      provider: fenced(zoom.provider, lease, ['createMeeting', 'updateMeeting', 'deleteMeeting']),
      store: fenced(store, lease, ['setMeeting', 'setMeetingIntent']),
      cleanUpLater: (job) => queueMeetingCleanup(job, { queue: cleanupQueue, store }),
    }),
  {
    next: conference.next,
    onPending: (snapshot) =>
      handOnWithoutMeeting(snapshot, { calendarQueue, emailQueue, waitMs: config.MEETING_WAIT_MS }),
    onFailed: (snapshot, error) => notifyHost(snapshot.booking, error.code, 'zoom'),
  },
);

const cleanupPolicy = retryPolicyFor('meetingCleanup', runtime.retryTiming);
runtime.consume('meetingCleanup', async (payload, job, token) => {
  const logger = runtime.logger.child({
    bookingId: payload.bookingId,
    jobId: job.id,
    queue: 'meetingCleanup',
  });
  const outcome = await cleanUpMeeting(payload, job, token, {
    provider: zoom.provider,
    store,
    redis: runtime.connection,
    prefix: config.REDIS_PREFIX,
    policy: cleanupPolicy,
    logger,
  });
  logger.info({ outcome, meetingId: payload.meetingId }, 'meeting clean-up handled');
});

// A version stored by the intake whose job never got queued (Redis went between the two) is queued here.
const sweeper = startStrandedVersionSweeper({
  store,
  conferenceQueue: runtime.queue('conference'),
  logger: runtime.logger,
});
process.once('SIGTERM', () => void sweeper.close());
process.once('SIGINT', () => void sweeper.close());
