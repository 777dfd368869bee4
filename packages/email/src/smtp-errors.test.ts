import { PermanentError, RetryableError } from '@meetlink/errors';
import { mapSmtpError } from './smtp-errors';

/** An error shaped as nodemailer makes them. */
const smtpFailure = (fields: { code?: string; responseCode?: number; response?: string; command?: string }) =>
  Object.assign(new Error(fields.response ?? fields.code ?? 'failed'), fields);

describe('mapSmtpError', () => {
  it.each([
    [421, 'RCPT TO'],
    [450, 'RCPT TO'],
    [451, 'DATA'],
    [452, 'DATA'],
  ])('%i (%s) is retryable: smtp_unavailable', (responseCode, command) => {
    const error = mapSmtpError(
      smtpFailure({ code: 'EMESSAGE', responseCode, response: `${responseCode} later`, command }),
    );
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('smtp_unavailable');
    expect(error.details.providerResponse).toEqual({
      code: 'EMESSAGE',
      responseCode,
      response: `${responseCode} later`,
      command,
    });
  });

  it.each([550, 552, 553, 554, 535])('%i is permanent: smtp_rejected', (responseCode) => {
    const error = mapSmtpError(
      smtpFailure({ code: 'EENVELOPE', responseCode, response: `${responseCode} no` }),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('smtp_rejected');
    expect(error.message).toContain(`${responseCode} no`);
  });

  it.each(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED'])(
    'a %s connection failure is retryable',
    (code) => {
      const error = mapSmtpError(smtpFailure({ code }));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.code).toBe('smtp_unavailable');
    },
  );

  it('a login refused without a reply code is permanent', () => {
    expect(mapSmtpError(smtpFailure({ code: 'EAUTH' }))).toBeInstanceOf(PermanentError);
  });

  it('anything unrecognised is retryable, with the original as cause', () => {
    const original = new Error('surprise');
    const error = mapSmtpError(original);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.cause).toBe(original);
  });

  it('passes our own errors through unchanged', () => {
    const ours = new PermanentError('smtp_rejected', 'no');
    expect(mapSmtpError(ours)).toBe(ours);
  });
});
