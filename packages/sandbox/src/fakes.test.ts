// The sandbox's fakes know any host a booking names, over the same HTTP the apps use, with the
// credentials startSandboxFakes hands the apps.
import { createSign } from 'node:crypto';
import { startSandboxFakes } from './fakes';
import type { SandboxFakes } from './fakes';

const form = (params: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(params).toString(),
});

const accessTokenOf = async (response: Response): Promise<string> => {
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
};

/** The delegated JWT bearer grant the Google adapter makes for a host (RS256, `sub` = the host). */
const googleAssertion = (env: Record<string, string>, sub: string): string => {
  const key = JSON.parse(env['GOOGLE_SERVICE_ACCOUNT_JSON'] ?? '{}') as {
    client_email: string;
    private_key: string;
  };
  const iat = Math.floor(Date.now() / 1000);
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({
    iss: key.client_email,
    scope: 'https://www.googleapis.com/auth/calendar',
    aud: env['GOOGLE_OAUTH_TOKEN_URL'],
    iat,
    exp: iat + 3600,
    sub,
  })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key.private_key).toString('base64url')}`;
};

describe('startSandboxFakes', () => {
  let fakes: SandboxFakes;
  beforeAll(async () => {
    fakes = await startSandboxFakes({});
  });
  afterAll(async () => {
    await fakes.close();
  });

  it("gives any host a Zoom user of the sandbox's Server-to-Server account", async () => {
    const { env } = fakes;
    const basic = Buffer.from(`${env['ZOOM_CLIENT_ID']}:${env['ZOOM_CLIENT_SECRET']}`).toString('base64');
    const token = await accessTokenOf(
      await fetch(
        `${env['ZOOM_OAUTH_BASE_URL']}/oauth/token`,
        form(
          { grant_type: 'account_credentials', account_id: env['ZOOM_ACCOUNT_ID'] ?? '' },
          { authorization: `Basic ${basic}` },
        ),
      ),
    );
    const user = await fetch(`${env['ZOOM_API_BASE_URL']}/users/grace@example.org`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(user.status).toBe(200);
    const { id, email } = (await user.json()) as { id: string; email: string };
    expect(email).toBe('grace@example.org');
    expect(fakes.zoom!.userSettings(id)).toMatchObject({ schedule_meeting: expect.any(Object) as unknown });
  });

  it('lets the service account act as any host and read the event the booking names in their calendar', async () => {
    const { env } = fakes;
    const token = await accessTokenOf(
      await fetch(
        env['GOOGLE_OAUTH_TOKEN_URL'] ?? '',
        form({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: googleAssertion(env, 'grace@example.org'),
        }),
      ),
    );
    const event = await fetch(
      `${env['GOOGLE_API_ROOT_URL']}calendar/v3/calendars/grace%40example.org/events/evt_grace_1`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(event.status).toBe(200);
    expect(fakes.google!.getEvent('grace@example.org', 'evt_grace_1')).toMatchObject({ id: 'evt_grace_1' });
  });

  it("lets the tenant's app read the event the booking names in any host's mailbox", async () => {
    const { env } = fakes;
    const token = await accessTokenOf(
      await fetch(
        `${env['MS_AUTHORITY_HOST']}/${env['MS_TENANT_ID']}/oauth2/v2.0/token`,
        form({
          grant_type: 'client_credentials',
          client_id: env['MS_CLIENT_ID'] ?? '',
          client_secret: env['MS_CLIENT_SECRET'] ?? '',
          scope: 'https://graph.microsoft.com/.default',
        }),
      ),
    );
    const event = await fetch(`${env['GRAPH_BASE_URL']}/users/linus%40example.net/events/evt-linus-1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(event.status).toBe(200);
    expect(fakes.graph!.getEvent('linus@example.net', 'evt-linus-1')).toMatchObject({ id: 'evt-linus-1' });
  });

  it('still seeds the demo host and the events the demo bookings name', () => {
    expect(fakes.zoom!.userSettings('zu_ada')).toBeDefined();
    expect(fakes.google!.getEvent('ada@example.com', 'demogoogleevent1')?.summary).toBe(
      'Intro call (demo event)',
    );
    expect(fakes.graph!.getEvent('ada@example.com', 'demo-outlook-event')?.subject).toBe(
      'Intro call (demo event)',
    );
  });
});
