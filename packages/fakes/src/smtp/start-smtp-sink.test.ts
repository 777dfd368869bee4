// The sink at the protocol level: a bare SMTP client over a socket, so the reply codes and the cut
// connection are what a client would see.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { startSmtpSink } from './start-smtp-sink';
import type { SmtpSink } from './types';

interface Reply {
  code: number;
  text: string;
}

/** A minimal SMTP client: one command at a time, multi-line replies joined. */
const openSession = async (smtpUrl: string) => {
  const { hostname, port } = new URL(smtpUrl);
  const socket: Socket = connect(Number(port), hostname);
  let buffer = '';
  let closed = false;
  const waiting: ((reply: Reply | null) => void)[] = [];
  const replies: (Reply | null)[] = [];
  const deliver = (reply: Reply | null) => {
    const next = waiting.shift();
    if (next) next(reply);
    else replies.push(reply);
  };
  let lines: string[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let at: number;
    while ((at = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      lines.push(line.slice(4));
      if (line[3] !== '-') {
        deliver({ code: Number(line.slice(0, 3)), text: lines.join('\n') });
        lines = [];
      }
    }
  });
  socket.on('close', () => {
    closed = true;
    while (waiting.length > 0) deliver(null);
  });
  socket.on('error', () => undefined);
  const read = (): Promise<Reply | null> =>
    replies.length > 0
      ? Promise.resolve(replies.shift() ?? null)
      : closed
        ? Promise.resolve(null)
        : new Promise((r) => waiting.push(r));
  const command = async (line: string): Promise<Reply | null> => {
    socket.write(`${line}\r\n`);
    return read();
  };
  expect((await read())?.code).toBe(220);
  expect((await command('EHLO client.test'))?.code).toBe(250);
  return { command, read, socket, isClosed: () => closed };
};

const rawMessage = (subject: string, messageId = `<${subject.replace(/\W/g, '')}@client.test>`): string =>
  [
    'From: Meetlink <bookings@meetlink.test>',
    'To: Grace <grace@example.org>',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello in text',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Hello in <b>HTML</b></p>',
    '--alt',
    'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
    '',
    'BEGIN:VCALENDAR',
    'METHOD:REQUEST',
    'END:VCALENDAR',
    '--alt--',
    '--outer',
    'Content-Type: application/ics; name=invite.ics',
    'Content-Disposition: attachment; filename=invite.ics',
    '',
    'BEGIN:VCALENDAR',
    'END:VCALENDAR',
    '--outer--',
    '',
  ].join('\r\n');

/** MAIL, RCPT and DATA for one message; the reply to the end of DATA, or null if the connection went away. */
const sendOne = async (
  session: Awaited<ReturnType<typeof openSession>>,
  subject: string,
  messageId?: string,
) => {
  expect((await session.command('MAIL FROM:<bookings@meetlink.test>'))?.code).toBe(250);
  expect((await session.command('RCPT TO:<grace@example.org>'))?.code).toBe(250);
  expect((await session.command('DATA'))?.code).toBe(354);
  return session.command(`${rawMessage(subject, messageId)}\r\n.`);
};

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});
beforeEach(() => sink.clear());

describe('startSmtpSink', () => {
  it('listens on a free loopback port for SMTP and for its web page', () => {
    expect(sink.smtpUrl).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    expect(sink.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sink.smtpUrl).not.toBe(sink.httpUrl.replace('http', 'smtp'));
  });

  it('accepts a message and parses its parts, headers and envelope', async () => {
    const session = await openSession(sink.smtpUrl);
    const reply = await sendOne(session, 'Parsed please');
    expect(reply?.code).toBe(250);
    await session.command('QUIT');

    const message = await sink.waitFor((m) => m.subject === 'Parsed please');
    expect(message).toMatchObject({
      id: '1',
      from: 'bookings@meetlink.test',
      to: ['grace@example.org'],
      envelope: { mailFrom: 'bookings@meetlink.test', rcptTo: ['grace@example.org'] },
      messageId: '<Parsedplease@client.test>',
      text: 'Hello in text',
      html: '<p>Hello in <b>HTML</b></p>',
    });
    expect(message.headers['subject']).toBe('Parsed please');
    expect(message.attachments.map((a) => [a.contentType, a.method, a.filename])).toEqual([
      ['text/calendar', 'REQUEST', null],
      ['application/ics', null, 'invite.ics'],
    ]);
    expect(message.attachments[0]?.content.toString()).toContain('METHOD:REQUEST');
    expect(message.raw.toString()).toContain('Subject: Parsed please\r\n');
  });

  it('rejects the next messages with 451 as often as asked, then accepts again', async () => {
    sink.inject({ kind: 'reject', code: 451, times: 2 });
    const session = await openSession(sink.smtpUrl);
    expect(await sendOne(session, 'one')).toMatchObject({ code: 451 });
    expect(await sendOne(session, 'two')).toMatchObject({ code: 451 });
    expect(await sendOne(session, 'three')).toMatchObject({ code: 250 });
    await session.command('QUIT');
    expect(sink.messages().map((m) => m.subject)).toEqual(['three']);
  });

  it('rejects with 550 and keeps nothing', async () => {
    sink.inject({ kind: 'reject', code: 550, times: 1, message: '5.1.1 No such user here' });
    const session = await openSession(sink.smtpUrl);
    expect(await sendOne(session, 'refused')).toEqual({ code: 550, text: '5.1.1 No such user here' });
    await session.command('QUIT');
    expect(sink.messages()).toEqual([]);
  });

  it('can keep a message and cut the connection before answering', async () => {
    sink.inject({ kind: 'drop_after_data', times: 1 });
    const session = await openSession(sink.smtpUrl);
    expect(await sendOne(session, 'kept but unanswered')).toBeNull();
    expect(session.isClosed()).toBe(true);
    expect(sink.messages().map((m) => m.subject)).toEqual(['kept but unanswered']);
  });

  it('clear() forgets messages and pending faults', async () => {
    sink.inject({ kind: 'reject', code: 550, times: 5 });
    sink.clear();
    const session = await openSession(sink.smtpUrl);
    expect(await sendOne(session, 'after clear')).toMatchObject({ code: 250 });
    await session.command('QUIT');
    expect(sink.messages()).toHaveLength(1);
  });

  it('waitFor resolves on a later arrival and rejects with a clear error after its timeout', async () => {
    const later = sink.waitFor((m) => m.subject === 'later', 5_000);
    const session = await openSession(sink.smtpUrl);
    await sendOne(session, 'earlier');
    await sendOne(session, 'later');
    await session.command('QUIT');
    await expect(later).resolves.toMatchObject({ subject: 'later' });
    await expect(sink.waitFor((m) => m.subject === 'never', 50)).rejects.toThrow(
      /No matching email within 50 ms \(2 received\)/,
    );
  });
});

describe('the web page', () => {
  const hostile = '<script>alert(1)</script>';
  const get = (path: string) => fetch(`${sink.httpUrl}${path.replace(':id', id)}`);
  /** Ids keep counting across clear(), so an old link never shows a newer email. */
  let id = '';

  beforeEach(async () => {
    const session = await openSession(sink.smtpUrl);
    await sendOne(session, hostile, '<hostile@client.test>');
    await session.command('QUIT');
    id = (await sink.waitFor(() => true)).id;
  });

  it('lists the received emails with every value escaped', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('1 email(s) received');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).not.toContain(hostile);
    expect(html).toContain(`href="/messages/${id}"`);
  });

  it('shows an email with its HTML in a sandboxed iframe, its text, and its attachments', async () => {
    const html = await (await get('/messages/:id')).text();
    expect(html).toContain(
      `sandbox="allow-popups allow-popups-to-escape-sandbox" src="/messages/${id}/html"`,
    );
    expect(html).toContain('<pre>Hello in text</pre>');
    expect(html).toContain(`href="/messages/${id}/attachments/1"`);
    expect(html).toContain('METHOD:REQUEST');
    expect(html).not.toContain(hostile);
  });

  it('serves the HTML part under a CSP sandbox with no scripts', async () => {
    const res = await get('/messages/:id/html');
    expect(res.headers.get('content-security-policy')).toMatch(
      /^sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'/,
    );
    expect(await res.text()).toBe('<p>Hello in <b>HTML</b></p>');
  });

  it('downloads the ICS and the raw message', async () => {
    const ics = await get('/messages/:id/attachments/1');
    expect(ics.headers.get('content-type')).toMatch(/^application\/ics/);
    expect(ics.headers.get('content-disposition')).toBe('attachment; filename="invite.ics"');
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');
    const raw = await get('/messages/:id/raw');
    expect(raw.headers.get('content-type')).toMatch(/^message\/rfc822/);
    expect(await raw.text()).toContain('Message-ID: <hostile@client.test>');
  });

  it('answers JSON at /api/messages, and DELETE clears', async () => {
    const list = (await (await get('/api/messages')).json()) as { subject: string; attachments: unknown[] }[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ subject: hostile });
    expect(list[0]?.attachments).toHaveLength(2);
    expect((await fetch(`${sink.httpUrl}/api/messages`, { method: 'DELETE' })).status).toBe(204);
    expect(sink.messages()).toEqual([]);
  });

  it('answers 404 for an unknown message', async () => {
    expect((await get('/messages/999')).status).toBe(404);
    expect((await get('/messages/:id/attachments/9')).status).toBe(404);
  });
});
