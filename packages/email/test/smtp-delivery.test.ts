// Real mail over SMTP to the sink: nodemailer → smtp-server on a free loopback port → mailparser.
import { sampleBooking } from '@meetlink/fakes';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { Booking, CanceledBooking } from '@meetlink/events';
import type { EmailRenderer, RenderedEmail, SmtpMailer } from '@meetlink/email';
import type { MailMessage } from '@meetlink/ports';
import {
  buildMessageId,
  createEmailRenderer,
  createSmtpMailer,
  messageIdDomain,
  sampleMeeting,
} from '@meetlink/email';
import type { ParsedMessage, SmtpSink } from '@meetlink/fakes';
import { startSmtpSink } from '@meetlink/fakes';
import ICAL from 'ical.js';

const FROM = 'Meetlink <bookings@meetlink.test>';
const booking: Booking = sampleBooking({
  bookingId: 'bk_smtp',
  version: 3,
  startsAt: new Date('2030-03-06T15:00:00Z'),
});
const meeting = sampleMeeting();

let sink: SmtpSink;
let mailer: SmtpMailer;
let renderer: EmailRenderer;

beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = createSmtpMailer({ smtpUrl: sink.smtpUrl, from: FROM });
  renderer = await createEmailRenderer();
});
afterAll(async () => {
  mailer.close();
  await sink.close();
});
beforeEach(() => sink.clear());

const messageFor = (
  email: RenderedEmail,
  b: Booking = booking,
  kind = 'confirmation' as const,
): MailMessage => ({
  to: { name: b.customer.name, address: b.customer.email },
  subject: email.subject,
  html: email.html,
  text: email.text,
  ...(email.ics ? { ics: email.ics } : {}),
  messageId: buildMessageId({
    bookingId: b.bookingId,
    kind,
    version: b.version,
    domain: messageIdDomain(FROM),
  }),
});

const calendarPart = (message: ParsedMessage) =>
  message.attachments.find((a) => a.contentType === 'text/calendar');

describe('SMTP delivery', () => {
  it('delivers a MIME message with the HTML, the text and the ICS invitation', async () => {
    const email = renderer.render({ kind: 'confirmation', booking, meeting });
    const sent = await mailer.send(messageFor(email));
    expect(sent).toEqual({
      messageId: '<bk_smtp.confirmation.v3@meetlink.test>',
      accepted: ['grace@example.org'],
    });

    const received = await sink.waitFor((m) => m.messageId === sent.messageId);
    expect(received.from).toBe('bookings@meetlink.test');
    expect(received.to).toEqual(['grace@example.org']);
    expect(received.headers['to']).toBe('Grace Customer <grace@example.org>');
    expect(received.subject).toBe(email.subject);
    expect(received.html).toContain('812 3456 7890');
    expect(received.html).toContain('Join meeting');
    expect(received.text).toContain(`Join Zoom meeting\n${meeting.joinUrl}`);
    expect(received.headers['content-type']).toMatch(/^multipart\/mixed/);

    const calendar = calendarPart(received);
    expect(calendar?.method).toBe('REQUEST');
    expect(received.attachments.some((a) => a.filename === 'invite.ics')).toBe(true);
    const ics = calendar!.content.toString('utf8');
    expect(ics).toBe(email.ics!.content);
    const event = new ICAL.Event(
      new ICAL.Component(ICAL.parse(ics) as unknown[]).getFirstSubcomponent('vevent')!,
    );
    expect(event.uid).toBe('bk_smtp@meetlink');
    expect(event.location).toBe(meeting.joinUrl);
    expect(event.startDate.toJSDate().toISOString()).toBe(booking.startsAt);
  });

  it('sends a cancellation as METHOD:CANCEL', async () => {
    const canceled: CanceledBooking = { ...booking, version: 4, reason: 'Host is ill' };
    const email = renderer.render({ kind: 'canceled', booking: canceled, meeting: null });
    await mailer.send({ ...messageFor(email, canceled), messageId: undefined });
    const received = await sink.waitFor((m) => m.subject.startsWith('Canceled:'));
    expect(calendarPart(received)?.method).toBe('CANCEL');
    expect(received.html).not.toContain('Join meeting');
  });

  it('delivers an escaped HTML part for a customer named <script>alert(1)</script>', async () => {
    const hostile = { ...booking, customer: { ...booking.customer, name: '<script>alert(1)</script>' } };
    const email = renderer.render({ kind: 'confirmation', booking: hostile, meeting });
    await mailer.send(messageFor(email, hostile));
    const received = await sink.waitFor(() => true);
    expect(received.html).not.toContain('<script>alert(1)</script>');
    expect(received.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(received.headers['to']).toContain('grace@example.org');
  });

  it('maps a 451 reply to RetryableError(smtp_unavailable), and the retry goes through', async () => {
    sink.inject({ kind: 'reject', code: 451, times: 1 });
    const message = messageFor(renderer.render({ kind: 'confirmation', booking, meeting }));
    const failure = await mailer.send(message).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryableError);
    expect(failure).toMatchObject({
      code: 'smtp_unavailable',
      details: { providerResponse: { responseCode: 451 } },
    });
    expect(sink.messages()).toEqual([]);

    await mailer.send(message);
    expect(sink.messages()).toHaveLength(1);
  });

  it('maps a 550 reply to PermanentError(smtp_rejected)', async () => {
    sink.inject({ kind: 'reject', code: 550, times: 1 });
    const failure = await mailer
      .send(messageFor(renderer.render({ kind: 'confirmation', booking, meeting })))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({
      code: 'smtp_rejected',
      details: { providerResponse: { responseCode: 550 } },
    });
    expect(sink.messages()).toEqual([]);
  });

  it('a connection cut after DATA is retryable, and the resend carries the same Message-ID', async () => {
    sink.inject({ kind: 'drop_after_data', times: 1 });
    const message = messageFor(renderer.render({ kind: 'confirmation', booking, meeting }));
    const failure = await mailer.send(message).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryableError);
    expect(failure).toMatchObject({ code: 'smtp_unavailable' });

    await mailer.send(message);
    const ids = sink.messages().map((m) => m.messageId);
    expect(ids).toEqual([
      '<bk_smtp.confirmation.v3@meetlink.test>',
      '<bk_smtp.confirmation.v3@meetlink.test>',
    ]);
  });

  it('maps a refused connection to RetryableError(smtp_unavailable)', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const nobody = createSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM });
    const failure = await nobody
      .send(messageFor(renderer.render({ kind: 'reminder', booking, meeting, reminderOffsetMinutes: 60 })))
      .catch((error: unknown) => error);
    nobody.close();
    expect(failure).toBeInstanceOf(RetryableError);
    expect(failure).toMatchObject({ code: 'smtp_unavailable' });
  });

  it('verify() succeeds against a listening server', async () => {
    await expect(mailer.verify()).resolves.toBeUndefined();
  });
});
