// Composition root of the conference worker.
import { loadOrExit } from '@meetlink/config';
import { createWorkerRuntime } from '@meetlink/queue';
import { reconnectNotifierFromSettings } from '@meetlink/store';
import { createZoomAdapter } from '@meetlink/zoom';
import { loadConfig } from './config';
import { handOnBooking, reconcileMeeting } from './reconcile-meeting';

const config = loadOrExit(() => loadConfig());
const runtime = createWorkerRuntime({ name: 'conference-worker', ...config });
const zoom = createZoomAdapter(
  {
    apiBaseUrl: config.ZOOM_API_BASE_URL,
    oauthBaseUrl: config.ZOOM_OAUTH_BASE_URL,
    accountId: config.ZOOM_ACCOUNT_ID,
    clientId: config.ZOOM_CLIENT_ID,
    clientSecret: config.ZOOM_CLIENT_SECRET,
    userOAuthClientId: config.ZOOM_USER_CLIENT_ID,
    userOAuthClientSecret: config.ZOOM_USER_CLIENT_SECRET,
    tokenEncryptionKey: config.TOKEN_ENCRYPTION_KEY,
  },
  { redis: runtime.connection, keyPrefix: config.REDIS_PREFIX },
);
if (!config.ZOOM_ACCOUNT_ID && !config.TOKEN_ENCRYPTION_KEY) {
  runtime.logger.warn(
    'no Zoom account credentials and no TOKEN_ENCRYPTION_KEY: every video booking will fail member_not_connected',
  );
}
const reconcileDeps = { provider: zoom.provider, store: runtime.store };
const handOnDeps = {
  store: runtime.store,
  calendarQueue: runtime.queue('calendar'),
  emailQueue: runtime.queue('email'),
};
const notifyHost = reconnectNotifierFromSettings(config, runtime.connection);
runtime.run('conference', (snapshot) => reconcileMeeting(snapshot, reconcileDeps), {
  next: (snapshot) => handOnBooking(snapshot, handOnDeps),
  onFailed: async (snapshot, error) => {
    const outcome = await notifyHost?.(snapshot.booking, error.code, 'zoom');
    if (outcome)
      runtime.logger.info({ bookingId: snapshot.bookingId, outcome: outcome.status }, 'reconnect notice');
  },
});
