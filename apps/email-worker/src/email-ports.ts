// What the email processors need from the outside: a renderer and a mailer (packages/email
// implements both), the booking's state and the record of what was sent.
import type { EmailInput, RenderedEmail } from '@meetlink/email';
import type { BookingStore, Mailer } from '@meetlink/ports';
import type { EmailLog } from '@meetlink/store';

export interface EmailDeps {
  renderer: { render(input: EmailInput): RenderedEmail };
  mailer: Mailer;
  emailLog: EmailLog;
  store: Pick<BookingStore, 'getMeeting' | 'getStatus' | 'getSnapshot' | 'appendTimeline'>;
  /** Right-hand side of our Message-IDs (the sender's domain). */
  mailDomain: string;
  now: () => Date;
}
