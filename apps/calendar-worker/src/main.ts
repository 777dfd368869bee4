// Composition root of the calendar worker.
import { createGoogleCalendarProvider, createOutlookCalendarProvider } from '@meetlink/calendar';
import { loadOrExit } from '@meetlink/config';
import {
  createGoogleTokenSource,
  createMicrosoftTokenSource,
  memberConnectionsFromKey,
  reconnectNotifierFromSettings,
} from '@meetlink/connections';
import { createSmtpMailer } from '@meetlink/email';
import { createWorkerRuntime, fenced } from '@meetlink/queue';
import { createRedisBookingStore } from '@meetlink/store';
import { loadConfig } from './config';
import { patchCalendarEvent } from './patch-calendar-event';

const config = loadOrExit(() => loadConfig());
const runtime = createWorkerRuntime(
  { name: 'calendar-worker', ...config },
  { createStore: (redis, prefix) => createRedisBookingStore({ redis, prefix }) },
);
const connections =
  memberConnectionsFromKey(runtime.connection, config.REDIS_PREFIX, config.TOKEN_ENCRYPTION_KEY) ?? undefined;
const lock = { redis: runtime.connection, lockPrefix: config.REDIS_PREFIX };
const providers = {
  google: createGoogleCalendarProvider({
    rootUrl: config.GOOGLE_API_ROOT_URL,
    sendUpdates: config.GOOGLE_SEND_UPDATES,
    tokens: createGoogleTokenSource({
      ...lock,
      tokenUrl: config.GOOGLE_OAUTH_TOKEN_URL,
      serviceAccount: config.GOOGLE_SERVICE_ACCOUNT_JSON,
      connections,
      oauthClient:
        config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET
          ? { clientId: config.GOOGLE_CLIENT_ID, clientSecret: config.GOOGLE_CLIENT_SECRET }
          : undefined,
    }),
  }),
  outlook: createOutlookCalendarProvider({
    graphBaseUrl: config.GRAPH_BASE_URL,
    tokens: createMicrosoftTokenSource({
      ...lock,
      authorityHost: config.MS_AUTHORITY_HOST,
      tenantId: config.MS_TENANT_ID,
      clientId: config.MS_CLIENT_ID,
      clientSecret: config.MS_CLIENT_SECRET,
      connections,
    }),
  }),
};
const notifyHost = reconnectNotifierFromSettings(config, runtime.connection, createSmtpMailer);
const calendarWrites = ['applyJoinBlock', 'removeJoinBlock'] as const;
runtime.run(
  'calendar',
  (snapshot, { lease }) =>
    patchCalendarEvent(snapshot, {
      // Every write to the calendar checks the booking's lease first: a run that lost it stops there.
      providers: {
        google: providers.google && fenced(providers.google, lease, calendarWrites),
        outlook: providers.outlook && fenced(providers.outlook, lease, calendarWrites),
      },
      store: runtime.store,
    }),
  {
    onFailed: async (snapshot, error) => {
      const calendar = snapshot.booking.calendar;
      if (!calendar) return;
      const provider = calendar.provider === 'google' ? 'google' : 'microsoft';
      const outcome = await notifyHost?.(snapshot.booking, error.code, provider);
      if (outcome)
        runtime.logger.info({ bookingId: snapshot.bookingId, outcome: outcome.status }, 'reconnect notice');
    },
  },
);
