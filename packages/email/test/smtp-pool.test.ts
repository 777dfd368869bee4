// The pooled SMTP mailer (the email worker's): fewer connections than messages, and the sink's faults
// (4xx/5xx, a connection cut after DATA, idle connections the server closed) still end the same way
// as with one connection per message: nothing lost, nothing sent twice behind the caller's back.
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { SmtpMailer } from '@meetlink/email';
import { createSmtpMailer } from '@meetlink/email';
import type { SmtpSink } from '@meetlink/fakes';
import { startSmtpSink } from '@meetlink/fakes';
import type { MailMessage } from '@meetlink/ports';

const FROM = 'Meetlink <bookings@meetlink.test>';
const MESSAGES = 12;
const MAX_CONNECTIONS = 3;

let sink: SmtpSink;
let pooled: SmtpMailer;

beforeAll(async () => {
  sink = await startSmtpSink();
  pooled = createSmtpMailer({
    smtpUrl: sink.smtpUrl,
    from: FROM,
    pool: true,
    maxConnections: MAX_CONNECTIONS,
  });
});
afterAll(async () => {
  pooled.close();
  await sink.close();
});
beforeEach(() => sink.clear());

const messageOf = (n: number): MailMessage => ({
  to: { name: 'Grace Customer', address: 'grace@example.org' },
  subject: `Booking ${n}`,
  html: `<p>booking ${n}</p>`,
  text: `booking ${n}`,
  messageId: `<bk_pool_${n}.confirmation.v1@meetlink.test>`,
});

const receivedIds = (): string[] =>
  sink
    .messages()
    .map((m) => m.messageId ?? '')
    .sort();

describe('the pooled SMTP mailer', () => {
  it(`sends ${MESSAGES} concurrent messages over at most ${MAX_CONNECTIONS} connections`, async () => {
    const ids = Array.from({ length: MESSAGES }, (_, n) => messageOf(n).messageId!);
    await Promise.all(Array.from({ length: MESSAGES }, (_, n) => pooled.send(messageOf(n))));
    expect(receivedIds()).toEqual([...ids].sort());
    expect(sink.connectionCount()).toBeGreaterThan(0);
    expect(sink.connectionCount()).toBeLessThanOrEqual(MAX_CONNECTIONS);
  });

  it('reuses one connection for messages sent one after another', async () => {
    for (let n = 0; n < 4; n += 1) await pooled.send(messageOf(n));
    expect(sink.messages()).toHaveLength(4);
    expect(sink.connectionCount()).toBeLessThanOrEqual(1);
  });

  it('opens one connection per message without the pool', async () => {
    const single = createSmtpMailer({ smtpUrl: sink.smtpUrl, from: FROM });
    try {
      for (let n = 0; n < 4; n += 1) await single.send(messageOf(n));
    } finally {
      single.close();
    }
    expect(sink.messages()).toHaveLength(4);
    expect(sink.connectionCount()).toBe(4);
  });

  it('maps 451 and 550 as without the pool, and the connection carries the next message', async () => {
    sink.inject({ kind: 'reject', code: 451, times: 1 });
    sink.inject({ kind: 'reject', code: 550, times: 1 });
    const first = await pooled.send(messageOf(1)).catch((error: unknown) => error);
    const second = await pooled.send(messageOf(2)).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(RetryableError);
    expect(first).toMatchObject({ code: 'smtp_unavailable' });
    expect(second).toBeInstanceOf(PermanentError);
    expect(second).toMatchObject({ code: 'smtp_rejected' });

    await pooled.send(messageOf(1));
    expect(receivedIds()).toEqual([messageOf(1).messageId]);
  });

  it('a connection cut after DATA fails the send once (no silent resend), and the retry goes through', async () => {
    sink.inject({ kind: 'drop_after_data', times: 1 });
    const failure = await pooled.send(messageOf(7)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryableError);
    expect(failure).toMatchObject({ code: 'smtp_unavailable' });
    // The pool did not requeue it on its own: the server holds it exactly once until the caller retries.
    expect(receivedIds()).toEqual([messageOf(7).messageId]);

    await pooled.send(messageOf(7));
    await pooled.send(messageOf(8));
    expect(receivedIds()).toEqual([messageOf(7).messageId, messageOf(7).messageId, messageOf(8).messageId]);
  });

  it('sends over a fresh connection after the server closed the idle ones', async () => {
    await pooled.send(messageOf(1));
    const before = sink.connectionCount();
    sink.dropConnections();
    await pooled.send(messageOf(2));
    await pooled.send(messageOf(3));
    expect(receivedIds()).toEqual([1, 2, 3].map((n) => messageOf(n).messageId));
    expect(sink.connectionCount()).toBe(before + 1);
  });
});
