// Shared set-up for the fake Zoom's tests: a fake on a free port with a settable clock, one account
// with two users, another account with one, and small fetch helpers. Everything goes over real HTTP.
import { startFakeZoom } from '../src/zoom/start-fake-zoom';
import type { FakeZoom, FakeZoomUserInput, StartFakeZoomOptions } from '../src/zoom/types';

export const ACCOUNT = { accountId: 'acc_main', clientId: 's2s_main', clientSecret: 's2s_main_secret' };
export const OTHER_ACCOUNT = {
  accountId: 'acc_other',
  clientId: 's2s_other',
  clientSecret: 's2s_other_secret',
};
export const ADA: FakeZoomUserInput = {
  id: 'zu_ada',
  email: 'ada@example.com',
  accountId: ACCOUNT.accountId,
};
export const GRACE: FakeZoomUserInput = {
  id: 'zu_grace',
  email: 'grace@example.com',
  accountId: ACCOUNT.accountId,
};
export const ALAN: FakeZoomUserInput = {
  id: 'zu_alan',
  email: 'alan@example.org',
  accountId: OTHER_ACCOUNT.accountId,
};

export interface TestClock {
  now: Date;
  advance(ms: number): void;
}

export interface ApiAnswer<T> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface Harness {
  zoom: FakeZoom;
  clock: TestClock;
  /** A Server-to-Server token of ACCOUNT (or another account's app). */
  s2sToken(app?: typeof ACCOUNT): Promise<string>;
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>>;
  token<T = Record<string, unknown>>(
    form: Record<string, string>,
    client?: { clientId: string; clientSecret: string },
  ): Promise<ApiAnswer<T>>;
  close(): Promise<void>;
}

export const basicAuth = (clientId: string, clientSecret: string): string =>
  `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

const read = async <T>(res: Response): Promise<ApiAnswer<T>> => {
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON (an XML or HTML error page): tests read `text`
  }
  return { status: res.status, headers: res.headers, text, body: body as T };
};

/** A meeting body a client would send; override what a test is about. */
export const meetingBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  topic: 'Intro call',
  type: 2,
  start_time: '2030-01-20T15:00:00Z',
  duration: 30,
  timezone: 'UTC',
  agenda: 'booking bk_1',
  ...overrides,
});

export const startHarness = async (
  options: StartFakeZoomOptions & { users?: FakeZoomUserInput[] } = {},
): Promise<Harness> => {
  const clock: TestClock = {
    now: new Date('2030-01-15T12:00:00Z'),
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const zoom = await startFakeZoom({ now: () => clock.now, ...options });
  zoom.addAccount(ACCOUNT);
  zoom.addAccount(OTHER_ACCOUNT);
  for (const user of options.users ?? [ADA, GRACE, ALAN]) zoom.addUser(user);

  const token: Harness['token'] = async (form, client = ACCOUNT) =>
    read(
      await fetch(`${zoom.oauthBaseUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(client.clientId, client.clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form),
      }),
    );

  return {
    zoom,
    clock,
    token,
    async s2sToken(app = ACCOUNT) {
      const answer = await token<{ access_token: string }>(
        { grant_type: 'account_credentials', account_id: app.accountId },
        app,
      );
      if (answer.status !== 200) throw new Error(`token request failed: ${answer.status} ${answer.text}`);
      return answer.body.access_token;
    },
    async api(method, path, accessToken, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${accessToken}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      return read(
        await fetch(`${zoom.apiBaseUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
    },
    close: () => zoom.close(),
  };
};

/** A harness and a Server-to-Server token from it, for tests that call the API straight away. */
export const startHarnessWithToken = async (
  options?: Parameters<typeof startHarness>[0],
): Promise<{ h: Harness; token: string }> => {
  const h = await startHarness(options);
  return { h, token: await h.s2sToken() };
};

/** Asserts each named header of a response (null: the header is absent). */
export const expectHeaders = (res: { headers: Headers }, expected: Record<string, string | null>): void => {
  for (const [name, value] of Object.entries(expected)) expect(res.headers.get(name)).toBe(value);
};
