// Composition root of the calendar worker.
import {
  createGoogleCalendarProvider,
  createOutlookCalendarProvider,
  googleCalendarOperationOf,
  graphOperationOf,
} from '@meetlink/calendar';
import { loadOrExit } from '@meetlink/config';
import {
  createGoogleTokenSource,
  createMicrosoftTokenSource,
  workerConnectionsFromSettings,
} from '@meetlink/connections';
import { createSmtpMailer } from '@meetlink/email';
import { observeFetch, TOKEN_OPERATION } from '@meetlink/observability';
import { createWorkerRuntime, fenced } from '@meetlink/queue';
import { bookingRetentionOf, createRedisBookingStore } from '@meetlink/store';
import { loadConfig } from './config';
import { patchCalendarEvent } from './patch-calendar-event';

const config = loadOrExit(() => loadConfig());
const runtime = createWorkerRuntime(
  { name: 'calendar-worker', ...config },
  {
    createStore: (redis, prefix) =>
      createRedisBookingStore({ redis, prefix, timeline: bookingRetentionOf(config.BOOKING_RETENTION_DAYS) }),
  },
);
const { tokenDeps, notifyHost } = workerConnectionsFromSettings(config, runtime, createSmtpMailer);
// Every vendor call counts in the provider metrics (token endpoints in the refreshes too) and, with
// tracing on, is a span under its job.
const { metrics } = runtime;
const tokenFetch = (provider: string) =>
  observeFetch({ provider, operationOf: () => TOKEN_OPERATION, metrics, isTokenEndpoint: true });
const providers = {
  google: createGoogleCalendarProvider({
    rootUrl: config.GOOGLE_API_ROOT_URL,
    sendUpdates: config.GOOGLE_SEND_UPDATES,
    fetch: observeFetch({ provider: 'google', operationOf: googleCalendarOperationOf, metrics }),
    tokens: createGoogleTokenSource({
      ...tokenDeps,
      fetch: tokenFetch('google'),
      tokenUrl: config.GOOGLE_OAUTH_TOKEN_URL,
      serviceAccount: config.GOOGLE_SERVICE_ACCOUNT_JSON,
      clientId: config.GOOGLE_CLIENT_ID,
      clientSecret: config.GOOGLE_CLIENT_SECRET,
    }),
  }),
  outlook: createOutlookCalendarProvider({
    graphBaseUrl: config.GRAPH_BASE_URL,
    fetch: observeFetch({ provider: 'microsoft', operationOf: graphOperationOf, metrics }),
    tokens: createMicrosoftTokenSource({
      ...tokenDeps,
      fetch: tokenFetch('microsoft'),
      authorityHost: config.MS_AUTHORITY_HOST,
      tenantId: config.MS_TENANT_ID,
      clientId: config.MS_CLIENT_ID,
      clientSecret: config.MS_CLIENT_SECRET,
    }),
  }),
};
const calendarWrites = ['applyJoinBlock', 'removeJoinBlock'] as const;
runtime.run(
  'calendar',
  (snapshot, { lease, note }) =>
    patchCalendarEvent(snapshot, {
      // Every write to the calendar checks the booking's lease first: a run that lost it stops there.
      providers: {
        google: providers.google && fenced(providers.google, lease, calendarWrites),
        outlook: providers.outlook && fenced(providers.outlook, lease, calendarWrites),
      },
      store: runtime.store,
      note,
    }),
  {
    onFailed: async (snapshot, error) => {
      const calendar = snapshot.booking.calendar;
      if (!calendar) return;
      await notifyHost(snapshot.booking, error.code, calendar.provider === 'google' ? 'google' : 'microsoft');
    },
  },
);
