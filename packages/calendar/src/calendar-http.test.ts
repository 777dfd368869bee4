// The answers both calendar clients turn into errors, and the timeout every call runs under.
import { failureOf, withTimeout } from './calendar-http';

const answer = (status: number, body: unknown) => ({
  status,
  body,
  headers: new Headers({ 'retry-after': '3' }),
});

describe('failureOf', () => {
  it("takes the message from the vendor's error body and keeps status, body and headers", () => {
    const body = { error: { code: 'ErrorItemNotFound', message: 'The specified object was not found.' } };
    const error = failureOf('Graph', answer(404, body));
    expect(error.message).toBe('The specified object was not found.');
    expect(error.status).toBe(404);
    expect(error.body).toEqual(body);
    expect(error.headers.get('retry-after')).toBe('3');
  });

  it('falls back to the text of a body that is not JSON, then to the status', () => {
    expect(failureOf('Google Calendar', answer(502, '<html>Bad Gateway</html>')).message).toBe(
      '<html>Bad Gateway</html>',
    );
    expect(failureOf('Google Calendar', answer(503, null)).message).toBe('Google Calendar answered 503');
  });
});

describe('withTimeout', () => {
  it('aborts the work with a TimeoutError when it takes too long', async () => {
    const aborted = withTimeout(
      5,
      (signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error)),
        ),
    );
    await expect(aborted).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('hands back what the work answered', async () => {
    await expect(withTimeout(1_000, () => Promise.resolve('done'))).resolves.toBe('done');
  });
});
