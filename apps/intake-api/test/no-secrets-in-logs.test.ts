// Nothing secret in the logs: a full run (three connect flows, refreshes, a test call, the Zoom
// endpoint check, a host's delete, a deauthorization, and a few attacks) with the intake's JSON log
// lines captured at debug level, then every token, code, state, signature, cookie and secret that
// crossed the wire is looked for in them.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { randomUUID } from 'node:crypto';
import { signZoomWebhook, urlValidationEvent } from '@meetlink/fakes';
import { ADMIN_TOKEN } from './harness';
import {
  ADA,
  ADMIN_BASIC,
  GOOGLE_APP,
  GRACE,
  MS_APP,
  ZOOM_APP,
  connectIntakeForFile,
  connectLinkFor,
  meetingSpecFor,
  memberZoomAdapter,
} from './connect-harness';
import type { ConnectIntake } from './connect-harness';

const intake = connectIntakeForFile();

it('never logs a token, code, state, link signature, cookie or secret', async () => {
  const secrets = new Set<string>();
  const keep = (...values: (string | null | undefined)[]) => {
    for (const value of values) if (value) secrets.add(value);
  };
  const keepTokens = async (memberId: string, provider: 'zoom' | 'google' | 'microsoft') => {
    const tokens = (await intake.connections.get(memberId, provider))?.tokens;
    keep(tokens?.accessToken, tokens?.refreshToken);
  };
  const keepBrowse = (result: Awaited<ReturnType<ConnectIntake['browse']>>, link: string) => {
    const callback = new URL(result.callbackUrl!);
    keep(
      callback.searchParams.get('code'),
      callback.searchParams.get('state'),
      new URL(link).searchParams.get('sig'),
    );
    for (const value of Object.values(result.cookies)) keep(value);
  };

  // Three connect flows through the providers' consent pages.
  for (const [memberId, provider, user] of [
    [ADA.memberId, 'zoom', ADA.zoomUserId],
    [ADA.memberId, 'google', ADA.email],
    [GRACE.memberId, 'microsoft', GRACE.graphId],
  ] as const) {
    if (provider === 'zoom') intake.zoom.signIn(user);
    else if (provider === 'google') intake.google.signIn(user);
    else intake.graph.signIn(user);
    const link = await connectLinkFor(intake, memberId, provider);
    const result = await intake.browse(link);
    expect(result.final.status).toBe(200);
    keepBrowse(result, link);
    await keepTokens(memberId, provider);
  }

  // Test calls that refresh: the new pairs are secrets too.
  intake.zoom.expireAccessTokens();
  intake.graph.expireAccessTokens();
  for (const [memberId, provider] of [
    [ADA.memberId, 'zoom'],
    [GRACE.memberId, 'microsoft'],
    [ADA.memberId, 'google'],
  ] as const) {
    const res = await fetch(`${intake.url}/v1/connections/${memberId}/${provider}/test`, {
      method: 'POST',
      headers: intake.admin,
    });
    expect(await res.json()).toMatchObject({ ok: true });
    await keepTokens(memberId, provider);
  }

  // Attacks: a reused state, a forged webhook, a wrong admin password.
  intake.zoom.signIn(GRACE.zoomUserId);
  const graceLink = await connectLinkFor(intake, GRACE.memberId, 'zoom');
  const grace = await intake.browse(graceLink);
  keepBrowse(grace, graceLink);
  await keepTokens(GRACE.memberId, 'zoom');
  const cookie = Object.entries(grace.cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
  expect((await fetch(grace.callbackUrl!, { headers: { cookie } })).status).toBe(400);
  const forged = signZoomWebhook('forged-secret', {
    event: 'app_deauthorized',
    payload: { user_id: ADA.zoomUserId },
  });
  expect(
    (
      await fetch(`${intake.url}/webhooks/zoom`, {
        method: 'POST',
        body: forged.body,
        headers: forged.headers,
      })
    ).status,
  ).toBe(401);
  keep(forged.headers['x-zm-signature']);
  const wrongPassword = 'wrong-password-0123456789';
  const basic = Buffer.from(`${ADMIN_BASIC.user}:${wrongPassword}`).toString('base64');
  expect(
    (await fetch(`${intake.url}/v1/connections`, { headers: { authorization: `Basic ${basic}` } })).status,
  ).toBe(401);
  keep(wrongPassword, basic);

  // Zoom: the endpoint check, a host deleting a booking's meeting, Ada removing the app.
  const secret = intake.env['ZOOM_WEBHOOK_SECRET_TOKEN']!;
  const deliver = async (event: unknown) => {
    const signed = signZoomWebhook(secret, event);
    keep(signed.headers['x-zm-signature']);
    const res = await fetch(`${intake.url}/webhooks/zoom`, {
      method: 'POST',
      body: signed.body,
      headers: signed.headers,
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  keep(((await deliver(urlValidationEvent(new Date()))) as { encryptedToken: string }).encryptedToken);
  const bookingId = `bk_${randomUUID().slice(0, 8)}`;
  const booking = sampleBooking({ bookingId });
  await intake.send(sampleEvent(booking));
  const zoom = memberZoomAdapter(intake);
  const host = { memberId: ADA.memberId, email: ADA.email };
  const meeting = await zoom.provider.createMeeting(host, meetingSpecFor(booking));
  keep(meeting.passcode, meeting.pstnPasscode, meeting.h323Passcode);
  await intake.store.setMeeting(bookingId, {
    meeting,
    host,
    bookingVersion: 1,
    updatedAt: new Date().toISOString(),
  });
  expect(await deliver(intake.zoom.hostUpdatesMeeting(meeting.id, { password: 'Zq9vN4tLw' }))).toMatchObject({
    outcome: 'reconcile_queued',
  });
  keep('Zq9vN4tLw');
  expect(await deliver(intake.zoom.hostDeletesMeeting(meeting.id))).toMatchObject({
    outcome: 'reconcile_queued',
  });
  expect(await deliver(intake.zoom.deauthorize(ADA.zoomUserId, ZOOM_APP.clientId))).toEqual({
    status: 'ok',
    revoked: 1,
  });

  keep(
    ADMIN_TOKEN,
    ADMIN_BASIC.password,
    secret,
    ZOOM_APP.clientSecret,
    GOOGLE_APP.clientSecret,
    MS_APP.clientSecret,
    ...intake.config.CONNECT_LINK_SECRET!,
    ...intake.env['TOKEN_ENCRYPTION_KEY']!.split(',').map((entry) => entry.split(':')[1]!),
  );

  const text = intake.logs.join('\n');
  // The capture works and the run was logged…
  for (const message of [
    'connect flow started',
    'member connected',
    'connection tested',
    'zoom app deauthorized',
    'zoom meeting event',
    'connect callback refused',
    'zoom webhook refused',
  ])
    expect(text).toContain(`"msg":"${message}"`);
  expect(secrets.size).toBeGreaterThan(30);
  // …and not one secret value is in it.
  const leaked = [...secrets].filter((value) => text.includes(value));
  expect(leaked).toEqual([]);
});
