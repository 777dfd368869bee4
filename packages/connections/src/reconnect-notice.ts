// Never silent: when a booking step fails because the host's connection is missing or dead
// (member_not_connected, connection_revoked), the host gets an email with a signed link to connect
// again. At most one a day per member and provider (SET NX EX 86400), whichever worker asks first;
// a send that fails frees the slot so the next failure tries again.
import type { RedisClient } from '@meetlink/redis';
import { parseSecretList } from '@meetlink/config';
import { escapeHtml } from '@meetlink/email';
import type { Mailer } from '@meetlink/ports';
import { buildConnectLink } from './connect-link';
import type { ConnectionProvider } from './member-connections';

export const RECONNECT_NOTICE_INTERVAL_S = 24 * 3600;
/** The emailed link stays good as long as the notice interval: the next notice brings a new one. */
export const RECONNECT_LINK_TTL_MS = RECONNECT_NOTICE_INTERVAL_S * 1000;

const PROVIDER_NAMES: Record<ConnectionProvider, string> = {
  zoom: 'Zoom',
  google: 'Google Calendar',
  microsoft: 'Microsoft Outlook',
};

export interface ReconnectNoticeInput {
  member: { memberId: string; email: string; name?: string };
  provider: ConnectionProvider;
  /** The step's error code, e.g. member_not_connected or connection_revoked. */
  reason: string;
  /** The booking whose step failed, named in the email so the host knows what is at stake. */
  bookingId?: string;
  mailer: Mailer;
  redis: RedisClient;
  prefix: string;
  connectLink: { publicBaseUrl: string; secrets: readonly string[]; ttlMs?: number };
  now?: Date;
}

export type ReconnectNoticeOutcome =
  { status: 'sent'; messageId: string; linkExpiresAt: string } | { status: 'rate_limited' };

const explain = (reason: string, vendor: string): string =>
  reason === 'member_not_connected'
    ? `your ${vendor} account is not connected yet`
    : `your ${vendor} connection stopped working (it was revoked, or its access expired)`;

export const reconnectNoticeKey = (prefix: string, memberId: string, provider: ConnectionProvider): string =>
  `${prefix}:reconnect-notice:{${memberId}}:${provider}`;

export const notifyHostToReconnect = async ({
  member,
  provider,
  reason,
  bookingId,
  mailer,
  redis,
  prefix,
  connectLink,
  now = new Date(),
}: ReconnectNoticeInput): Promise<ReconnectNoticeOutcome> => {
  const key = reconnectNoticeKey(prefix, member.memberId, provider);
  const claimed = await redis.set(key, now.toISOString(), 'EX', RECONNECT_NOTICE_INTERVAL_S, 'NX');
  if (claimed !== 'OK') return { status: 'rate_limited' };

  const link = buildConnectLink({
    publicBaseUrl: connectLink.publicBaseUrl,
    secrets: connectLink.secrets,
    memberId: member.memberId,
    provider,
    ttlMs: connectLink.ttlMs ?? RECONNECT_LINK_TTL_MS,
    now,
  });
  const vendor = PROVIDER_NAMES[provider];
  const greeting = member.name ? `Hi ${member.name},` : 'Hi,';
  const why = explain(reason, vendor);
  const what = bookingId ? `booking ${bookingId}` : 'a booking';
  const until = `${link.expiresAt.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC')}`;
  const text = [
    greeting,
    '',
    `We could not set up the ${vendor} part of ${what} because ${why}.`,
    `Connect ${vendor} again here (the link works until ${until}):`,
    '',
    link.url,
    '',
    'Bookings made meanwhile are retried once you have connected.',
  ].join('\n');
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>We could not set up the ${escapeHtml(vendor)} part of ${escapeHtml(what)} because ${escapeHtml(why)}.</p>`,
    `<p><a href="${escapeHtml(link.url)}">Connect ${escapeHtml(vendor)} again</a> (the link works until ${escapeHtml(until)}).</p>`,
    '<p>Bookings made meanwhile are retried once you have connected.</p>',
  ].join('\n');

  try {
    const sent = await mailer.send({
      to: member.name ? { name: member.name, address: member.email } : member.email,
      subject: `Action needed: connect ${vendor} again`,
      text,
      html,
    });
    return { status: 'sent', messageId: sent.messageId, linkExpiresAt: link.expiresAt };
  } catch (error) {
    // Not sent: free the day's slot so the next failing step tries again.
    await redis.del(key).catch(() => undefined);
    throw error;
  }
};

/** The step errors that mean the host must connect again. */
export const RECONNECT_ERROR_CODES: ReadonlySet<string> = new Set([
  'member_not_connected',
  'connection_revoked',
]);

export interface ReconnectNotifierOptions {
  mailer: Mailer;
  redis: RedisClient;
  prefix: string;
  connectLink: { publicBaseUrl: string; secrets: readonly string[] };
  now?: () => Date;
}

/**
 * For a worker's "failed for good" hook: emails the booking's host a reconnect link when the failure
 * is theirs to fix, at most once a day per provider. Other failures answer null.
 */
export const createReconnectNotifier =
  ({ mailer, redis, prefix, connectLink, now = () => new Date() }: ReconnectNotifierOptions) =>
  async (
    booking: { bookingId: string; host: { memberId: string; email: string; name: string } },
    errorCode: string,
    provider: ConnectionProvider,
  ): Promise<ReconnectNoticeOutcome | null> => {
    if (!RECONNECT_ERROR_CODES.has(errorCode)) return null;
    return notifyHostToReconnect({
      member: booking.host,
      provider,
      reason: errorCode,
      bookingId: booking.bookingId,
      mailer,
      redis,
      prefix,
      connectLink,
      now: now(),
    });
  };

export interface ReconnectNoticeSettings {
  SMTP_URL?: string | undefined;
  MAIL_FROM: string;
  PUBLIC_BASE_URL?: string | undefined;
  CONNECT_LINK_SECRET?: string | undefined;
  REDIS_PREFIX: string;
}

/** A booking step that failed for good, as a worker's onFailed hook hands it on. */
export type ReconnectHook = (
  booking: { bookingId: string; host: { memberId: string; email: string; name: string } },
  errorCode: string,
  provider: ConnectionProvider,
) => Promise<void>;

/** Where a handled notice is logged (the worker's pino logger). */
export interface NoticeLogger {
  info(fields: { bookingId: string; outcome: string }, message: string): void;
}

/**
 * The reconnect notice as a worker's main.ts wires it into the onFailed hook: sent (and logged) when
 * the failure is the host's to fix; nothing when mail or connect links are not configured.
 * `mailerFor` builds the Mailer (main.ts hands in @meetlink/email's SMTP adapter).
 */
export const reconnectNotifierFromSettings = (
  settings: ReconnectNoticeSettings,
  redis: RedisClient,
  mailerFor: (smtp: { smtpUrl: string; from: string }) => Mailer,
  logger: NoticeLogger,
): ReconnectHook => {
  if (!settings.SMTP_URL || !settings.PUBLIC_BASE_URL || !settings.CONNECT_LINK_SECRET) {
    return () => Promise.resolve();
  }
  const notify = createReconnectNotifier({
    mailer: mailerFor({ smtpUrl: settings.SMTP_URL, from: settings.MAIL_FROM }),
    redis,
    prefix: settings.REDIS_PREFIX,
    connectLink: {
      publicBaseUrl: settings.PUBLIC_BASE_URL,
      secrets: parseSecretList(settings.CONNECT_LINK_SECRET),
    },
  });
  return async (booking, errorCode, provider) => {
    const outcome = await notify(booking, errorCode, provider);
    if (outcome) logger.info({ bookingId: booking.bookingId, outcome: outcome.status }, 'reconnect notice');
  };
};
