import { createHmac } from 'node:crypto';
import { startHarness } from '../../test/zoom-harness';
import type { Harness } from '../../test/zoom-harness';
import { signZoomWebhook } from './webhook-events';

describe('what the fake Zoom tells an event endpoint', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(() => h.close());

  it('signs as Zoom: x-zm-signature = v0= + hex HMAC-SHA256(secret, v0:{timestamp}:{body})', () => {
    const signed = signZoomWebhook('secret', { event: 'x', payload: {} }, 1_700_000_000);
    expect(signed.headers['x-zm-request-timestamp']).toBe('1700000000');
    expect(signed.headers['x-zm-signature']).toBe(
      `v0=${createHmac('sha256', 'secret').update(`v0:1700000000:${signed.body}`).digest('hex')}`,
    );
  });

  it('deauthorize kills the user’s tokens and describes it as app_deauthorized', async () => {
    const { accessToken } = h.zoom.issueUserTokens({ clientId: 'app', clientSecret: 's', userId: 'zu_ada' });
    const event = h.zoom.deauthorize('zu_ada', 'app');
    expect(event).toMatchObject({
      event: 'app_deauthorized',
      payload: { user_id: 'zu_ada', client_id: 'app' },
    });
    const me = await fetch(`${h.zoom.apiBaseUrl}/users/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(401);
  });
});
