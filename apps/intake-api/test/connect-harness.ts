// The intake with member connections on: the fake Zoom, Google and Microsoft (their OAuth apps
// registered with our exact redirect URIs), the configuration parsed from env as main.ts does, the
// encrypted connection store on the test run's Redis, and every JSON log line the app writes kept
// for the tests that read them. A browser is played with fetch: redirect 'manual' and a cookie jar.
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Writable } from 'node:stream';
import { startFakeGoogleCalendar, startFakeGraph, startFakeZoom } from '@meetlink/fakes';
import type { FakeGoogleCalendar, FakeGraph, FakeZoom } from '@meetlink/fakes';
import { createLogger } from '@meetlink/observability';
import { createMemberAccess, createRedisMemberConnectionStore } from '@meetlink/connections';
import { parseTokenKeyring } from '@meetlink/config';
import type { MemberConnectionStore } from '@meetlink/connections';
import type { Booking } from '@meetlink/events';
import { zoomAdapterFor } from '../../../test-support/zoom-adapter-for';
import { loadConfig } from '../src/config';
import type { IntakeConfig } from '../src/config';
import { oauthProvidersFromConfig } from '../src/oauth/oauth-providers-from-config';
import { ADMIN_TOKEN, listenOnFreePort, startIntake } from './harness';
import type { Intake } from './harness';

export const ZOOM_APP = {
  clientId: 'zoom-user-app',
  clientSecret: `zoom-secret-${randomBytes(8).toString('hex')}`,
};
export const GOOGLE_APP = {
  clientId: 'google-web-app',
  clientSecret: `google-secret-${randomBytes(8).toString('hex')}`,
};
export const MS_APP = {
  tenantId: 'contoso',
  clientId: 'ms-app',
  clientSecret: `ms-secret-${randomBytes(8).toString('hex')}`,
};
export const ADMIN_BASIC = { user: 'ops', password: 'ops-password-0123456789' };
export const ADA = {
  memberId: 'mem_ada',
  zoomUserId: 'zu_ada',
  email: 'ada@example.com',
  graphId: 'ada-oid',
};
export const GRACE = {
  memberId: 'mem_grace',
  zoomUserId: 'zu_grace',
  email: 'grace@example.com',
  graphId: 'grace-oid',
};

export interface ConnectIntake extends Intake {
  zoom: FakeZoom;
  google: FakeGoogleCalendar;
  graph: FakeGraph;
  connections: MemberConnectionStore;
  config: IntakeConfig;
  env: Record<string, string>;
  /** Every JSON line the app logged. */
  logs: string[];
  admin: { authorization: string };
  /** Follows a connect link as a browser would, up to and including the callback's answer. */
  browse(startUrl: string, init?: { headers?: Record<string, string> }): Promise<BrowseResult>;
  stop(): Promise<void>;
}

export interface BrowseResult {
  /** Each response on the way, in order. */
  hops: { url: string; status: number; location: string | null }[];
  final: Response;
  /** The URL of the provider's redirect back to us (carries code and state). */
  callbackUrl: string | null;
  cookies: Record<string, string>;
}

export interface StartConnectIntakeOptions {
  env?: Record<string, string>;
  /** Defaults to two keys with k1 current. */
  tokenKey?: string;
  zoomWebhookSecret?: string;
}

const key = (): string => randomBytes(32).toString('base64');

export const startConnectIntake = async (options: StartConnectIntakeOptions = {}): Promise<ConnectIntake> => {
  const server = await listenOnFreePort();
  const { port } = server.address() as AddressInfo;
  const publicBaseUrl = `http://127.0.0.1:${port}`;
  const redirect = (provider: string) => `${publicBaseUrl}/connect/${provider}/callback`;

  const zoom = await startFakeZoom();
  zoom.addAccount({ accountId: 'acc_main', clientId: 's2s', clientSecret: 's2s-secret' });
  for (const user of [ADA, GRACE])
    zoom.addUser({ id: user.zoomUserId, email: user.email, accountId: 'acc_main' });
  zoom.addUserApp({ ...ZOOM_APP, redirectUris: [redirect('zoom')] });

  const google = await startFakeGoogleCalendar();
  for (const user of [ADA, GRACE]) google.addUser({ email: user.email });
  google.addOAuthClient({ ...GOOGLE_APP, redirectUris: [redirect('google')] });

  const graph = await startFakeGraph();
  graph.addApp({ ...MS_APP, applicationPermissions: [] });
  for (const user of [ADA, GRACE])
    graph.addUser({ id: user.graphId, userPrincipalName: user.email, tenantId: MS_APP.tenantId });
  graph.addRedirectUris(MS_APP.clientId, [redirect('microsoft')]);

  const env: Record<string, string> = {
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    WEBHOOK_SECRETS: 'whsec_ZGV2LW9ubHktbWVldGxpbmstd2ViaG9vay1zZWNyZXQ=',
    ADMIN_TOKEN,
    ADMIN_USER: ADMIN_BASIC.user,
    ADMIN_PASSWORD: ADMIN_BASIC.password,
    PUBLIC_BASE_URL: publicBaseUrl,
    CONNECT_LINK_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_ENCRYPTION_KEY: options.tokenKey ?? `k1:${key()},k0:${key()}`,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
    ZOOM_ACCOUNT_ID: 'acc_main',
    ZOOM_CLIENT_ID: 's2s',
    ZOOM_CLIENT_SECRET: 's2s-secret',
    ZOOM_USER_CLIENT_ID: ZOOM_APP.clientId,
    ZOOM_USER_CLIENT_SECRET: ZOOM_APP.clientSecret,
    ZOOM_WEBHOOK_SECRET_TOKEN: options.zoomWebhookSecret ?? `zwh-${randomBytes(16).toString('hex')}`,
    GOOGLE_CLIENT_ID: GOOGLE_APP.clientId,
    GOOGLE_CLIENT_SECRET: GOOGLE_APP.clientSecret,
    GOOGLE_OAUTH_AUTHORIZE_URL: google.authorizeUrl,
    GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
    GOOGLE_API_ROOT_URL: google.rootUrl,
    MS_CLIENT_ID: MS_APP.clientId,
    MS_CLIENT_SECRET: MS_APP.clientSecret,
    MS_TENANT_ID: MS_APP.tenantId,
    MS_AUTHORITY_HOST: graph.authorityHost,
    GRAPH_BASE_URL: graph.baseUrl,
    ...options.env,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ name: 'intake-test', level: 'debug', destination });
  const { providers, zoomUserApp } = oauthProvidersFromConfig(config);
  const prefix = `tc${randomBytes(4).toString('hex')}`;
  const storeRedis = new Redis(env['REDIS_URL']!);
  const connections = createRedisMemberConnectionStore({
    redis: storeRedis,
    prefix,
    keyring: parseTokenKeyring(config.TOKEN_ENCRYPTION_KEY!),
  });
  const intake = await startIntake({
    server,
    prefix,
    logger,
    app: {
      adminBasic: { user: ADMIN_BASIC.user, password: ADMIN_BASIC.password },
      publicBaseUrl,
      connections,
      oauthProviders: providers,
      memberAccess: createMemberAccess({
        connections,
        flows: providers,
        redis: storeRedis,
        lockPrefix: prefix,
      }),
      zoomUserAppClientId: zoomUserApp?.clientId,
      connectLinkSecrets: config.CONNECT_LINK_SECRET ?? [],
      connectLinkTtlSeconds: config.CONNECT_LINK_TTL_SECONDS,
      zoomWebhookSecretTokens: config.ZOOM_WEBHOOK_SECRET_TOKEN ?? [],
      rateLimits: { events: 10_000, webhooks: 10_000, connect: 10_000 },
    },
  });

  const browse = async (
    startUrl: string,
    init: { headers?: Record<string, string> } = {},
  ): Promise<BrowseResult> => {
    const cookies: Record<string, string> = {};
    const hops: BrowseResult['hops'] = [];
    let url = startUrl;
    let callbackUrl: string | null = null;
    for (let i = 0; i < 6; i += 1) {
      const isOurs = url.startsWith(publicBaseUrl);
      const cookieHeader = Object.entries(cookies)
        .map(([name, value]) => `${name}=${value}`)
        .join('; ');
      const res = await fetch(url, {
        redirect: 'manual',
        headers: {
          accept: 'application/json',
          ...(isOurs && cookieHeader ? { cookie: cookieHeader } : {}),
          ...(i === 0 ? init.headers : {}),
        },
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        cookies[pair!.slice(0, eq)] = pair!.slice(eq + 1);
      }
      const location = res.headers.get('location');
      hops.push({ url, status: res.status, location });
      if (res.status < 300 || res.status >= 400 || !location)
        return { hops, final: res, callbackUrl, cookies };
      url = new URL(location, url).toString();
      if (url.startsWith(`${publicBaseUrl}/connect/`) && url.includes('/callback')) callbackUrl = url;
    }
    throw new Error(`too many redirects from ${startUrl}`);
  };

  return {
    ...intake,
    zoom,
    google,
    graph,
    connections,
    config,
    env,
    logs,
    admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
    browse,
    stop: async () => {
      await intake.close();
      await storeRedis.quit();
      await Promise.all([zoom.close(), google.close(), graph.close()]);
    },
  };
};

/**
 * One connect intake for a whole test file: started before its first test and stopped after its
 * last. The object is filled in by that beforeAll, so use it inside tests and hooks only.
 */
export const connectIntakeForFile = (options: StartConnectIntakeOptions = {}): ConnectIntake => {
  const intake = {} as ConnectIntake;
  beforeAll(async () => {
    Object.assign(intake, await startConnectIntake(options));
  });
  afterAll(() => intake.stop());
  return intake;
};

/** Asks the admin API for a signed connect link. */
export const connectLinkFor = async (
  intake: ConnectIntake,
  memberId: string,
  provider: string,
): Promise<string> => {
  const res = await fetch(`${intake.url}/v1/connections/${memberId}/${provider}/link`, {
    method: 'POST',
    headers: intake.admin,
  });
  if (res.status !== 201) throw new Error(`link: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { url: string }).url;
};

/** Connects a member end to end through the provider's consent page, as `userId` at the provider. */
export const connectMember = async (
  intake: ConnectIntake,
  memberId: string,
  provider: 'zoom' | 'google' | 'microsoft',
  providerUser: string,
): Promise<BrowseResult> => {
  if (provider === 'zoom') intake.zoom.signIn(providerUser);
  else if (provider === 'google') intake.google.signIn(providerUser);
  else intake.graph.signIn(providerUser);
  const result = await intake.browse(await connectLinkFor(intake, memberId, provider));
  if (result.final.status !== 200)
    throw new Error(`connect: ${result.final.status} ${await result.final.text()}`);
  return result;
};

/** Removes every connection Ada and Grace have, so that each test starts unconnected. */
export const disconnectEveryone = async (intake: ConnectIntake): Promise<void> => {
  for (const member of [ADA.memberId, GRACE.memberId])
    for (const provider of ['zoom', 'google', 'microsoft'] as const)
      await intake.connections.remove(member, provider);
};

/** The conference worker's Zoom adapter on this intake's Redis: members' own connections only. */
export const memberZoomAdapter = (intake: ConnectIntake) =>
  zoomAdapterFor(
    {
      apiBaseUrl: intake.zoom.apiBaseUrl,
      oauthBaseUrl: intake.zoom.oauthBaseUrl,
      userOAuthClientId: ZOOM_APP.clientId,
      userOAuthClientSecret: ZOOM_APP.clientSecret,
      tokenEncryptionKey: intake.env['TOKEN_ENCRYPTION_KEY']!,
    },
    { redis: intake.redis, keyPrefix: intake.prefix },
  );

/** The meeting the conference step asks Zoom for, for a booking. */
export const meetingSpecFor = (booking: Pick<Booking, 'bookingId' | 'startsAt'>) => ({
  topic: 'Intro call',
  startTime: booking.startsAt,
  timezone: 'Europe/Berlin',
  durationMinutes: 30,
  agenda: '',
  marker: `meetlink-booking:${booking.bookingId}`,
});
