// The vendors sandbox mode fakes: each one only while its real credentials are absent from the env.
import { startFakeZoom, startSmtpSink } from '@meetlink/fakes';
import type { FakeZoom, SmtpSink } from '@meetlink/fakes';
import { SANDBOX_TOKEN_ENCRYPTION_KEY, SANDBOX_ZOOM } from './defaults';

export interface SandboxFakes {
  /** Variables that point the apps at the fakes. */
  env: Record<string, string>;
  zoom: FakeZoom | null;
  smtp: SmtpSink | null;
  /** One line per fake, for the start banner. */
  lines: string[];
  close(): Promise<void>;
}

/** The sample booking's host (see sampleBooking) has a Zoom user in the fake account. */
export const SANDBOX_ZOOM_USERS = [{ id: 'zu_ada', email: 'ada@example.com' }] as const;

export const startSandboxFakes = async (env: Record<string, string | undefined>): Promise<SandboxFakes> => {
  const out: Record<string, string> = {};
  const lines: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  let zoom: FakeZoom | null = null;

  if (!env['ZOOM_ACCOUNT_ID'] && !env['ZOOM_CLIENT_ID']) {
    zoom = await startFakeZoom();
    const fake = zoom;
    fake.addAccount(SANDBOX_ZOOM);
    for (const user of SANDBOX_ZOOM_USERS) fake.addUser({ ...user, accountId: SANDBOX_ZOOM.accountId });
    Object.assign(out, {
      ZOOM_API_BASE_URL: fake.apiBaseUrl,
      ZOOM_OAUTH_BASE_URL: fake.oauthBaseUrl,
      ZOOM_ACCOUNT_ID: SANDBOX_ZOOM.accountId,
      ZOOM_CLIENT_ID: SANDBOX_ZOOM.clientId,
      ZOOM_CLIENT_SECRET: SANDBOX_ZOOM.clientSecret,
    });
    lines.push(`Zoom:           fake at ${fake.apiBaseUrl} (users: ${SANDBOX_ZOOM_USERS.map((u) => u.email).join(', ')})`);
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
  if (!env['TOKEN_ENCRYPTION_KEY']) out['TOKEN_ENCRYPTION_KEY'] = SANDBOX_TOKEN_ENCRYPTION_KEY;

  return {
    env: out,
    zoom,
    smtp,
    lines,
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
};
