// The vendors sandbox mode fakes: each one only while its real credentials are absent from the env.
import { startFakeGoogleCalendar, startFakeGraph, startFakeZoom, startSmtpSink } from '@meetlink/fakes';
import type { FakeGoogleCalendar, FakeGraph, FakeZoom, SmtpSink } from '@meetlink/fakes';
import {
  SANDBOX_CALENDAR_EVENTS,
  SANDBOX_CONNECT_LINK_SECRET,
  SANDBOX_GOOGLE_CLIENT,
  SANDBOX_MICROSOFT,
  SANDBOX_TOKEN_ENCRYPTION_KEY,
  SANDBOX_ZOOM,
  SANDBOX_ZOOM_USER_APP,
  SANDBOX_ZOOM_WEBHOOK_SECRET,
} from './defaults';

export interface SandboxFakes {
  /** Variables that point the apps at the fakes. */
  env: Record<string, string>;
  zoom: FakeZoom | null;
  smtp: SmtpSink | null;
  google: FakeGoogleCalendar | null;
  graph: FakeGraph | null;
  /** One line per fake, for the start banner. */
  lines: string[];
  close(): Promise<void>;
}

/**
 * The sample booking's host (see sampleBooking) has a Zoom user in the fake account from the start;
 * any other host a booking names becomes one on first use, as do their Google calendar and Outlook
 * mailbox, and the calendar event the booking names (each fake's autoProvisionUsers/autoCreateEvents).
 */
export const SANDBOX_ZOOM_USERS = [{ id: 'zu_ada', email: 'ada@example.com' }] as const;

export const startSandboxFakes = async (env: Record<string, string | undefined>): Promise<SandboxFakes> => {
  const out: Record<string, string> = {};
  const lines: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  let zoom: FakeZoom | null = null;

  if (!env['ZOOM_ACCOUNT_ID'] && !env['ZOOM_CLIENT_ID']) {
    zoom = await startFakeZoom({ autoProvisionUsers: { accountId: SANDBOX_ZOOM.accountId } });
    const fake = zoom;
    fake.addAccount(SANDBOX_ZOOM);
    // Members connect their own Zoom account through this app (its authorize page is the fake's).
    fake.addUserApp(SANDBOX_ZOOM_USER_APP);
    for (const user of SANDBOX_ZOOM_USERS) fake.addUser({ ...user, accountId: SANDBOX_ZOOM.accountId });
    Object.assign(out, {
      ZOOM_API_BASE_URL: fake.apiBaseUrl,
      ZOOM_OAUTH_BASE_URL: fake.oauthBaseUrl,
      ZOOM_ACCOUNT_ID: SANDBOX_ZOOM.accountId,
      ZOOM_CLIENT_ID: SANDBOX_ZOOM.clientId,
      ZOOM_CLIENT_SECRET: SANDBOX_ZOOM.clientSecret,
      ZOOM_USER_CLIENT_ID: SANDBOX_ZOOM_USER_APP.clientId,
      ZOOM_USER_CLIENT_SECRET: SANDBOX_ZOOM_USER_APP.clientSecret,
      ZOOM_WEBHOOK_SECRET_TOKEN: env['ZOOM_WEBHOOK_SECRET_TOKEN'] ?? SANDBOX_ZOOM_WEBHOOK_SECRET,
    });
    lines.push(
      `Zoom:           fake at ${fake.apiBaseUrl} (users: ${SANDBOX_ZOOM_USERS.map((u) => u.email).join(', ')} and any host a booking names)`,
    );
    closers.push(() => fake.close());
  } else {
    lines.push('Zoom:           real (ZOOM_* credentials set)');
  }
  let smtp: SmtpSink | null = null;
  if (!env['SMTP_URL']) {
    smtp = await startSmtpSink();
    const sink = smtp;
    out['SMTP_URL'] = sink.smtpUrl;
    lines.push(`Emails:         local SMTP sink; read them at ${sink.httpUrl}`);
    closers.push(() => sink.close());
  } else {
    lines.push('Emails:         sent through SMTP_URL');
  }
  let google: FakeGoogleCalendar | null = null;
  if (!env['GOOGLE_SERVICE_ACCOUNT_JSON'] && !env['GOOGLE_CLIENT_ID']) {
    google = await startFakeGoogleCalendar({ autoProvisionUsers: {}, autoCreateEvents: true });
    const fake = google;
    const { calendarId, eventId } = SANDBOX_CALENDAR_EVENTS.google;
    fake.addUser({ email: calendarId });
    const serviceAccount = fake.addServiceAccount();
    fake.addOAuthClient(SANDBOX_GOOGLE_CLIENT);
    fake.seedEvent(calendarId, {
      id: eventId,
      summary: 'Intro call (demo event)',
      description: 'Agenda written by the booking system.',
      start: { dateTime: '2030-01-15T10:00:00+01:00' },
      end: { dateTime: '2030-01-15T10:30:00+01:00' },
    });
    Object.assign(out, {
      GOOGLE_API_ROOT_URL: fake.rootUrl,
      GOOGLE_OAUTH_TOKEN_URL: fake.tokenUrl,
      GOOGLE_OAUTH_AUTHORIZE_URL: fake.authorizeUrl,
      GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify(serviceAccount),
      GOOGLE_CLIENT_ID: SANDBOX_GOOGLE_CLIENT.clientId,
      GOOGLE_CLIENT_SECRET: SANDBOX_GOOGLE_CLIENT.clientSecret,
    });
    lines.push(
      `Google:         fake at ${fake.rootUrl} (event ${eventId} in ${calendarId}; any host's calendar and event a booking names)`,
    );
    closers.push(() => fake.close());
  } else {
    lines.push('Google:         real (GOOGLE_* credentials set)');
  }

  let graph: FakeGraph | null = null;
  if (!env['MS_CLIENT_ID']) {
    graph = await startFakeGraph({
      autoProvisionUsers: { tenantId: SANDBOX_MICROSOFT.tenantId },
      autoCreateEvents: true,
    });
    const fake = graph;
    const { userId, eventId } = SANDBOX_CALENDAR_EVENTS.outlook;
    fake.addApp(SANDBOX_MICROSOFT);
    fake.addUser({ id: 'ada-object-id', userPrincipalName: userId, tenantId: SANDBOX_MICROSOFT.tenantId });
    fake.seedEvent(userId, {
      id: eventId,
      subject: 'Intro call (demo event)',
      body: { contentType: 'html', content: '<p>Agenda written by the booking system.</p>' },
      start: { dateTime: '2030-01-15T09:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2030-01-15T09:30:00.0000000', timeZone: 'UTC' },
    });
    Object.assign(out, {
      GRAPH_BASE_URL: fake.baseUrl,
      MS_AUTHORITY_HOST: fake.authorityHost,
      MS_TENANT_ID: SANDBOX_MICROSOFT.tenantId,
      MS_CLIENT_ID: SANDBOX_MICROSOFT.clientId,
      MS_CLIENT_SECRET: SANDBOX_MICROSOFT.clientSecret,
    });
    lines.push(
      `Outlook:        fake at ${fake.baseUrl} (event ${eventId} of ${userId}; any host's mailbox and event a booking names)`,
    );
    closers.push(() => fake.close());
  } else {
    lines.push('Outlook:        real (MS_* credentials set)');
  }

  if (!env['TOKEN_ENCRYPTION_KEY']) out['TOKEN_ENCRYPTION_KEY'] = SANDBOX_TOKEN_ENCRYPTION_KEY;
  if (!env['CONNECT_LINK_SECRET']) out['CONNECT_LINK_SECRET'] = SANDBOX_CONNECT_LINK_SECRET;

  return {
    env: out,
    zoom,
    smtp,
    google,
    graph,
    lines,
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
};
