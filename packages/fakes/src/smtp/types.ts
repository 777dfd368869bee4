// The SMTP sink's public face: what tests and sandbox mode read back from it and inject into it.

export interface StartSmtpSinkOptions {
  /** SMTP port; default a free one. */
  port?: number;
  /** Port of the page that shows the received emails; default a free one. */
  httpPort?: number;
  /** Default 127.0.0.1: the sink never listens beyond loopback unless told to. */
  host?: string;
  /** Largest message accepted, in bytes (552 above it). Default 10 MiB. */
  maxMessageBytes?: number;
  now?: () => Date;
}

export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  /** The `method` parameter of a text/calendar part (`REQUEST`, `CANCEL`), upper-cased. */
  method: string | null;
  content: Buffer;
  size: number;
}

export interface ParsedMessage {
  /** The sink's own sequence number, as a string: `1`, `2`, … */
  id: string;
  receivedAt: string;
  /** What the client said in MAIL FROM and RCPT TO. */
  envelope: { mailFrom: string | null; rcptTo: string[] };
  /** The From header's address. */
  from: string;
  /** The To header's addresses. */
  to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  /** Every non-body part, the text/calendar invitation included. */
  attachments: ParsedAttachment[];
  messageId: string | null;
  /** Header names lower-cased; a repeated header's values joined with a newline. */
  headers: Record<string, string>;
  /** The message as received, CRLF line endings and all. */
  raw: Buffer;
}

export type SmtpSinkFault =
  /** The next `times` messages are refused at the end of DATA: 451 (try again later) or 550 (never). */
  | { kind: 'reject'; code: 451 | 550; times: number; message?: string }
  /** The next `times` messages are kept, then the connection is cut before the reply: did it arrive? */
  | { kind: 'drop_after_data'; times: number };

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`: no TLS, no authentication needed (any is accepted). */
  smtpUrl: string;
  /** The page that lists the received emails and shows each as the customer would see it. */
  httpUrl: string;
  messages(): ParsedMessage[];
  /** The first message (received before or after the call) that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (message: ParsedMessage) => boolean, timeoutMs?: number): Promise<ParsedMessage>;
  inject(fault: SmtpSinkFault): void;
  /** SMTP connections accepted since the start (or the last clear): how a pooled client is told apart. */
  connectionCount(): number;
  /** Cuts every open connection now, as a server closing idle ones does; the next message must still go. */
  dropConnections(): void;
  /** Forgets the received messages, any pending faults and the connection count. */
  clear(): void;
  close(): Promise<void>;
}
