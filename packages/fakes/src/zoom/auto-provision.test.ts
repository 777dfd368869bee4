// autoProvisionUsers: in sandbox mode every host a booking names is a user of the S2S account.
import { ACCOUNT, ALAN, OTHER_ACCOUNT, meetingBody, startHarness } from '../../test/zoom-harness';
import type { Harness } from '../../test/zoom-harness';

describe('fake Zoom with autoProvisionUsers', () => {
  let h: Harness;
  let token: string;

  beforeEach(async () => {
    h = await startHarness({ autoProvisionUsers: { accountId: ACCOUNT.accountId } });
    token = await h.s2sToken();
  });
  afterEach(() => h.close());

  it('makes an unknown email a user of the account on first use, with default settings', async () => {
    const created = await h.api<{ host_id: string; host_email: string; password: string }>(
      'POST',
      '/users/grace@example.org/meetings',
      token,
      meetingBody(),
    );

    expect(created.status).toBe(201);
    expect(created.body.host_email).toBe('grace@example.org');
    expect(created.body.host_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.body.password).not.toBe('');
    const user = await h.api('GET', `/users/${created.body.host_id}`, token);
    expect(user.body).toMatchObject({ email: 'grace@example.org', account_id: ACCOUNT.accountId, type: 2 });
    const settings = await h.api('GET', '/users/GRACE@example.org/settings', token);
    expect(settings.status).toBe(200);
    expect(settings.body).toEqual(h.zoom.userSettings(created.body.host_id));
    expect(h.zoom.meetings().map((m) => m.hostUserId)).toEqual([created.body.host_id]);
  });

  it('makes the user once: the same email names the same user afterwards', async () => {
    const first = await h.api<{ id: string }>('GET', '/users/linus@example.net', token);
    const second = await h.api<{ id: string }>('GET', '/users/Linus@Example.net', token);

    expect(second.body.id).toBe(first.body.id);
  });

  it("still answers 1001 for what is not an email, for another account's user and for another account", async () => {
    for (const user of ['zu_nobody', 'me', ALAN.email]) {
      const res = await h.api('GET', `/users/${user}/meetings`, token);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 1001, message: `User does not exist: ${user}.` });
    }
    const other = await h.api('GET', '/users/grace@example.org', await h.s2sToken(OTHER_ACCOUNT));
    expect(other.status).toBe(404);
  });
});

describe('fake Zoom without autoProvisionUsers (the default)', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('answers 1001 for an email no user has', async () => {
    h = await startHarness();
    const res = await h.api('POST', '/users/grace@example.org/meetings', await h.s2sToken(), meetingBody());

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 1001, message: 'User does not exist: grace@example.org.' });
  });
});
