import { Writable } from 'node:stream';
import { createLogger } from './index';

const capture = () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'redaction-test', destination }) };
};

describe('createLogger', () => {
  it('redacts tokens, passcodes and authorization headers wherever they sit', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        accessToken: 'at-123',
        meeting: { passcode: 'Pa55word', id: '123' },
        req: { headers: { authorization: 'Bearer secret-admin' } },
        connection: { refresh_token: 'rt-456' },
      },
      'something happened',
    );
    const text = lines.join('');
    for (const secret of ['at-123', 'Pa55word', 'secret-admin', 'rt-456']) expect(text).not.toContain(secret);
    expect(text).toContain('"id":"123"');
    expect(text).toContain('[redacted]');
  });

  it('redacts OAuth id tokens, Zoom webhook signatures and cookies', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        grant: { id_token: 'eyJ.id.token' },
        headers: { 'x-zm-signature': 'v0=abc123', cookie: 'meetlink_oauth_zoom=binding' },
        answer: { encryptedToken: 'deadbeef' },
      },
      'oauth',
    );
    const text = lines.join('');
    for (const secret of ['eyJ.id.token', 'v0=abc123', 'binding', 'deadbeef'])
      expect(text).not.toContain(secret);
  });
});
