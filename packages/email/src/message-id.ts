// Deterministic Message-IDs: the same (booking, kind, version) always gets the same one, so a resend
// after a crash (SMTP accepted, our checkpoint not written) is recognisable as the same email.
import type { EmailKind } from './email-input';

export interface MessageIdInput {
  bookingId: string;
  kind: EmailKind;
  version: number;
  /** Reminders: each offset is its own email. */
  reminderOffsetMinutes?: number;
  /** Right-hand side, usually the sender's domain (`messageIdDomain(MAIL_FROM)`). */
  domain: string;
}

/** `<bk_123.confirmation.v2@example.com>`, `<bk_123.reminder.v2.r60@example.com>`. */
export const buildMessageId = ({
  bookingId,
  kind,
  version,
  reminderOffsetMinutes,
  domain,
}: MessageIdInput): string => {
  const reminder =
    kind === 'reminder' && reminderOffsetMinutes !== undefined ? `.r${reminderOffsetMinutes}` : '';
  return `<${bookingId}.${kind}.v${version}${reminder}@${domain}>`;
};

/** The domain of a From address: `Meetlink <bookings@example.com>` → `example.com`. */
export const messageIdDomain = (from: string): string => {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1]?.toLowerCase() ?? 'meetlink.invalid';
};
