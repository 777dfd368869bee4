// Sends an email at most once per key (confirmation, rescheduled-v3, …) across retries and replays.
import { meetingFingerprint } from '@meetlink/events';
import type { EmailInput } from '@meetlink/email';
import type { SentEmail } from '@meetlink/store';
import type { EmailDeps } from './email-ports';

export type DeliveryResult = { sent: true; messageId: string } | { sent: false; previous: SentEmail };

/**
 * The record is written after the SMTP server accepted the message. The crash window that remains:
 * a process that dies between the server's 250 and the record's HSET sends that email again on the
 * retry. The Message-ID is the same both times (derived from the booking and the key), so mail clients
 * and our sink can tell the second copy for what it is.
 */
export const deliverOnce = async (
  key: string,
  input: EmailInput,
  deps: Pick<EmailDeps, 'renderer' | 'mailer' | 'emailLog' | 'now' | 'mailDomain'>,
  /**
   * The booking's email log as the email step read it in this run. Only that step, under the
   * booking's lease, writes the keys it sends under, so the read still answers for them; a
   * reminder, which holds no lease, reads its key afresh.
   */
  sentBefore?: Readonly<Record<string, SentEmail>>,
): Promise<DeliveryResult> => {
  const { bookingId } = input.booking;
  const previous = sentBefore
    ? ((Object.hasOwn(sentBefore, key) ? sentBefore[key] : undefined) ?? null)
    : await deps.emailLog.get(bookingId, key);
  if (previous) return { sent: false, previous };
  const email = deps.renderer.render(input);
  const messageId = `<${bookingId}.${key.replace(/[^A-Za-z0-9._-]/g, '')}@${deps.mailDomain}>`;
  await deps.mailer.send({
    to: input.booking.customer.email,
    subject: email.subject,
    html: email.html,
    text: email.text,
    ...(email.ics ? { ics: email.ics } : {}),
    messageId,
  });
  await deps.emailLog.record(bookingId, key, {
    messageId,
    sentAt: deps.now().toISOString(),
    kind: input.kind,
    meetingId: input.meeting?.id ?? null,
    meetingFingerprint: input.meeting ? meetingFingerprint(input.meeting) : null,
    ...(email.ics ? { sequence: email.ics.sequence } : {}),
  });
  return { sent: true, messageId };
};
