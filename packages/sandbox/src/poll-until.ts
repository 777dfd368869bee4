// For tests and the demo: wait for something that happens elsewhere (a worker, a queue) by reading it
// until it is as wanted, with a deadline, instead of sleeping.
export interface PollOptions {
  timeoutMs?: number;
  everyMs?: number;
  /** Named in the error, with the last value read. */
  what?: string;
}

export const pollUntil = async <T>(
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  { timeoutMs = 20_000, everyMs = 25, what = 'the condition' }: PollOptions = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what} was not met within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
