import { ConfigError } from '@meetlink/config';
import { loadConfig, oauthApps } from './config';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  WEBHOOK_SECRETS: 'whsec_ZGV2LW9ubHktbWVldGxpbmstd2ViaG9vay1zZWNyZXQ=',
  ADMIN_TOKEN: 'admin-token-0123456789',
};
const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
};

describe('the intake configuration', () => {
  it('needs nothing new: connect flows and Zoom webhooks are off without their variables', () => {
    const config = loadConfig(base);
    expect(config.CONNECT_LINK_SECRET).toBeUndefined();
    expect(config.ZOOM_WEBHOOK_SECRET_TOKEN).toBeUndefined();
    expect(config.TRUST_PROXY).toBe(false);
    expect(oauthApps(config)).toEqual([]);
  });

  it('limits signed events per signing secret (12000 a minute) and unverified requests per address (120)', () => {
    const config = loadConfig(base);
    expect([config.RATE_LIMIT_EVENTS_PER_MINUTE, config.RATE_LIMIT_UNVERIFIED_PER_MINUTE]).toEqual([
      12_000, 120,
    ]);
    expect(
      loadConfig({ ...base, RATE_LIMIT_UNVERIFIED_PER_MINUTE: '10' }).RATE_LIMIT_UNVERIFIED_PER_MINUTE,
    ).toBe(10);
    expect(problems({ RATE_LIMIT_UNVERIFIED_PER_MINUTE: '0' })).toEqual([
      expect.stringMatching(/^RATE_LIMIT_UNVERIFIED_PER_MINUTE: /),
    ]);
  });

  it('lists every problem: half a credential pair, a short link secret, a link secret without a token key', () => {
    expect(
      problems({
        ADMIN_USER: 'ops',
        GOOGLE_CLIENT_ID: 'g',
        CONNECT_LINK_SECRET: 'short',
        MS_CLIENT_SECRET: 's',
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ADMIN_PASSWORD: ADMIN_USER and ADMIN_PASSWORD go together/),
        expect.stringMatching(/^GOOGLE_CLIENT_SECRET: /),
        expect.stringMatching(/^MS_CLIENT_ID: /),
        expect.stringMatching(/^CONNECT_LINK_SECRET: secret #1 must be at least 32 characters/),
        expect.stringMatching(/^TOKEN_ENCRYPTION_KEY: is required with CONNECT_LINK_SECRET/),
      ]),
    );
    expect(problems({ TOKEN_ENCRYPTION_KEY: 'k1:tooshort' })).toEqual([
      expect.stringMatching(/^TOKEN_ENCRYPTION_KEY: .*32 bytes/),
    ]);
  });

  it('takes Zoom’s user-OAuth app from ZOOM_USER_CLIENT_ID, or ZOOM_CLIENT_ID when no account makes it Server-to-Server', () => {
    const zoom = (env: Record<string, string>) =>
      oauthApps(loadConfig({ ...base, ...env })).filter((a) => a.provider === 'zoom');
    expect(zoom({ ZOOM_CLIENT_ID: 'c', ZOOM_CLIENT_SECRET: 's' })).toEqual([
      { provider: 'zoom', clientId: 'c', clientSecret: 's' },
    ]);
    expect(zoom({ ZOOM_ACCOUNT_ID: 'a', ZOOM_CLIENT_ID: 'c', ZOOM_CLIENT_SECRET: 's' })).toEqual([]);
    expect(
      zoom({
        ZOOM_ACCOUNT_ID: 'a',
        ZOOM_CLIENT_ID: 'c',
        ZOOM_CLIENT_SECRET: 's',
        ZOOM_USER_CLIENT_ID: 'u',
        ZOOM_USER_CLIENT_SECRET: 'us',
      }),
    ).toEqual([{ provider: 'zoom', clientId: 'u', clientSecret: 'us' }]);
  });

  it('reads rotating secret lists and TRUST_PROXY', () => {
    const config = loadConfig({
      ...base,
      CONNECT_LINK_SECRET: `${'a'.repeat(32)}, ${'b'.repeat(32)}`,
      TOKEN_ENCRYPTION_KEY: key,
      ZOOM_WEBHOOK_SECRET_TOKEN: 'new-token-123,old-token-456',
      TRUST_PROXY: '1',
    });
    expect(config.CONNECT_LINK_SECRET).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    expect(config.ZOOM_WEBHOOK_SECRET_TOKEN).toEqual(['new-token-123', 'old-token-456']);
    expect(config.TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe(
      'loopback, 10.0.0.0/8',
    );
  });
});
