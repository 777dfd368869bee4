// The Mailer adapter for any SMTP server (SMTP_URL, MAIL_FROM): nodemailer, errors mapped once.
import { createTransport } from 'nodemailer';
import type { Mailer, MailMessage, SentMail } from '@meetlink/ports';
import { mapSmtpError } from './smtp-errors';

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered), `smtps://…:465`; nodemailer URL options apply. */
  smtpUrl: string;
  /** `Meetlink <bookings@example.com>`. */
  from: string;
  /** Reuse connections across messages (nodemailer's pool). Default false: one connection per message. */
  pool?: boolean;
  /** With `pool`: connections kept open at once (nodemailer's default 5); match the sends in flight. */
  maxConnections?: number;
  /** With `pool`: messages one connection carries before it is replaced (nodemailer's default 100). */
  maxMessages?: number;
  /** Give up on a silent server after this long; default 30 s (nodemailer's own default is 10 minutes). */
  socketTimeoutMs?: number;
}

export interface SmtpMailer extends Mailer {
  /** Connects and says EHLO (and logs in), for a start-up check. */
  verify(): Promise<void>;
  close(): void;
}

const addressOf = (entry: string | { address: string }): string =>
  typeof entry === 'string' ? entry : entry.address;

export const createSmtpMailer = ({
  smtpUrl,
  from,
  pool = false,
  maxConnections = 5,
  maxMessages = 100,
  socketTimeoutMs = 30_000,
}: SmtpMailerOptions): SmtpMailer => {
  const common = {
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: socketTimeoutMs,
    // Messages never name files or URLs to attach: refuse them rather than trust every field.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  const transport = pool
    ? // One resend inside the pool when the connection closes under a message: a pooled connection
      // the server closed while idle is only noticed then. More than one and a server that keeps
      // dropping is the caller's to retry, with its backoff (the resend carries the same Message-ID,
      // as the caller's would).
      createTransport({ ...common, pool: true, maxConnections, maxMessages, maxRequeues: 1 })
    : createTransport(common);

  const send = async (message: MailMessage): Promise<SentMail> => {
    try {
      const info = await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        // Left to choose, nodemailer scans each text part several times over to pick between
        // quoted-printable and base64, and our mostly-ASCII markup always comes out quoted-printable.
        textEncoding: 'quoted-printable',
        ...(message.ics
          ? {
              icalEvent: { method: message.ics.method, content: message.ics.content, filename: 'invite.ics' },
            }
          : {}),
        ...(message.messageId ? { messageId: message.messageId } : {}),
        ...(message.headers ? { headers: message.headers } : {}),
      });
      return { messageId: info.messageId, accepted: info.accepted.map(addressOf) };
    } catch (error) {
      throw mapSmtpError(error);
    }
  };

  return {
    send,
    verify: async () => {
      try {
        await transport.verify();
      } catch (error) {
        throw mapSmtpError(error);
      }
    },
    close: () => transport.close(),
  };
};
