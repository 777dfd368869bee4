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

/**
 * Where the fakes listen. Default: free loopback ports, as `npm start` wants; the compose sandbox
 * (scripts/serve-fakes.ts) gives fixed ports on 0.0.0.0 so other containers reach them.
 */
export interface SandboxFakesListen {
  host?: string;
  /** The host the apps reach the fakes by, in the URLs the fakes hand out; default `host`. */
  publicHost?: string;
  ports?: Partial<Record<'zoom' | 'smtp' | 'smtpHttp' | 'google' | 'graph', number>>;
}

export const startSandboxFakes = async (
  env: Record<string, string | undefined>,
  { host, publicHost, ports = {} }: SandboxFakesListen = {},
): Promise<SandboxFakes> => {
  const out: Record<string, string> = {};
  const lines: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  /**
   * One vendor: its fake, unless the env holds its real settings (then only a banner line says so).
   * `start` starts and seeds the fake, and answers the env that points the apps at it and its line.
   */
  const fakeUnlessReal = async <Fake extends { close(): Promise<void> }>(
    isReal: boolean,
    realLine: string,
    start: () => Promise<{ fake: Fake; env: Record<string, string>; line: string }>,
  ): Promise<Fake | null> => {
    if (isReal) {
      lines.push(realLine);
      return null;
    }
    const started = await start();
    Object.assign(out, started.env);
    lines.push(started.line);
    closers.push(() => started.fake.close());
    return started.fake;
  };

  const zoom = await fakeUnlessReal(
    Boolean(env['ZOOM_ACCOUNT_ID'] || env['ZOOM_CLIENT_ID']),
    'Zoom:           real (ZOOM_* credentials set)',
    async () => {
      const fake = await startFakeZoom({
        autoProvisionUsers: { accountId: SANDBOX_ZOOM.accountId },
        host,
        publicHost,
        port: ports.zoom,
      });
      fake.addAccount(SANDBOX_ZOOM);
      // Members connect their own Zoom account through this app (its authorize page is the fake's).
      fake.addUserApp(SANDBOX_ZOOM_USER_APP);
      for (const user of SANDBOX_ZOOM_USERS) fake.addUser({ ...user, accountId: SANDBOX_ZOOM.accountId });
      return {
        fake,
        env: {
          ZOOM_API_BASE_URL: fake.apiBaseUrl,
          ZOOM_OAUTH_BASE_URL: fake.oauthBaseUrl,
          ZOOM_ACCOUNT_ID: SANDBOX_ZOOM.accountId,
          ZOOM_CLIENT_ID: SANDBOX_ZOOM.clientId,
          ZOOM_CLIENT_SECRET: SANDBOX_ZOOM.clientSecret,
          ZOOM_USER_CLIENT_ID: SANDBOX_ZOOM_USER_APP.clientId,
          ZOOM_USER_CLIENT_SECRET: SANDBOX_ZOOM_USER_APP.clientSecret,
          ZOOM_WEBHOOK_SECRET_TOKEN: env['ZOOM_WEBHOOK_SECRET_TOKEN'] ?? SANDBOX_ZOOM_WEBHOOK_SECRET,
        },
        line: `Zoom:           fake at ${fake.apiBaseUrl} (users: ${SANDBOX_ZOOM_USERS.map((u) => u.email).join(', ')} and any host a booking names)`,
      };
    },
  );

  const smtp = await fakeUnlessReal(
    Boolean(env['SMTP_URL']),
    'Emails:         sent through SMTP_URL',
    async () => {
      const fake = await startSmtpSink({ host, port: ports.smtp, httpPort: ports.smtpHttp });
      return {
        fake,
        env: { SMTP_URL: fake.smtpUrl },
        line: `Emails:         local SMTP sink; read them at ${fake.httpUrl}`,
      };
    },
  );

  const google = await fakeUnlessReal(
    Boolean(env['GOOGLE_SERVICE_ACCOUNT_JSON'] || env['GOOGLE_CLIENT_ID']),
    'Google:         real (GOOGLE_* credentials set)',
    async () => {
      const fake = await startFakeGoogleCalendar({
        autoProvisionUsers: {},
        autoCreateEvents: true,
        host,
        publicHost,
        port: ports.google,
      });
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
      return {
        fake,
        env: {
          GOOGLE_API_ROOT_URL: fake.rootUrl,
          GOOGLE_OAUTH_TOKEN_URL: fake.tokenUrl,
          GOOGLE_OAUTH_AUTHORIZE_URL: fake.authorizeUrl,
          GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify(serviceAccount),
          GOOGLE_CLIENT_ID: SANDBOX_GOOGLE_CLIENT.clientId,
          GOOGLE_CLIENT_SECRET: SANDBOX_GOOGLE_CLIENT.clientSecret,
        },
        line: `Google:         fake at ${fake.rootUrl} (event ${eventId} in ${calendarId}; any host's calendar and event a booking names)`,
      };
    },
  );

  const graph = await fakeUnlessReal(
    Boolean(env['MS_CLIENT_ID']),
    'Outlook:        real (MS_* credentials set)',
    async () => {
      const fake = await startFakeGraph({
        autoProvisionUsers: { tenantId: SANDBOX_MICROSOFT.tenantId },
        autoCreateEvents: true,
        host,
        publicHost,
        port: ports.graph,
      });
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
      return {
        fake,
        env: {
          GRAPH_BASE_URL: fake.baseUrl,
          MS_AUTHORITY_HOST: fake.authorityHost,
          MS_TENANT_ID: SANDBOX_MICROSOFT.tenantId,
          MS_CLIENT_ID: SANDBOX_MICROSOFT.clientId,
          MS_CLIENT_SECRET: SANDBOX_MICROSOFT.clientSecret,
        },
        line: `Outlook:        fake at ${fake.baseUrl} (event ${eventId} of ${userId}; any host's mailbox and event a booking names)`,
      };
    },
  );

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
