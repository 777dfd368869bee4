// The port emails go out through (the email worker, reconnect notices); @meetlink/email's
// createSmtpMailer is its nodemailer adapter.

/** The METHOD of an attached invitation. */
export type IcsMethod = 'REQUEST' | 'CANCEL';

export interface MailMessage {
  to: string | { name: string; address: string };
  subject: string;
  html: string;
  text: string;
  /** Sent as the text/calendar alternative with this METHOD, and named invite.ics. */
  ics?: { method: IcsMethod; content: string };
  /** `<…@…>`; see buildMessageId. A random one when absent. */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** Recipients the server accepted. */
  accepted: string[];
}

export interface Mailer {
  /** Rejects with RetryableError('smtp_unavailable') or PermanentError('smtp_rejected'). */
  send(message: MailMessage): Promise<SentMail>;
}
