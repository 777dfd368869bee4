// What the intake logs at info for the hot path: one line per event with its ids and outcome, and its
// request line at debug only; every other answer (errors, other routes) keeps its request line at info.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { createLogger } from '@meetlink/observability';
import { pollUntil } from '@meetlink/sandbox';
import { startIntake } from './harness';
import type { Intake } from './harness';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const INFO = 30;
const DEBUG = 20;

const startLogged = async (level: 'info' | 'debug') => {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const intake = await startIntake({ logger: createLogger({ name: 'intake-test', level, destination }) });
  /** The request lines logged so far, once one for `path` is there (they are written on 'finish'). */
  const requestLinesOnceOneFor = (path: string) =>
    pollUntil(
      () => Promise.resolve(lines.filter((line) => line.msg === 'request')),
      (requests) => requests.some((line) => line.path === path),
      { timeoutMs: 5_000, what: `a request line for ${path}` },
    );
  return { intake, lines, requestLinesOnceOneFor };
};

let intake: Intake | undefined;
afterEach(async () => {
  await intake?.close();
  intake = undefined;
});

describe('request log', () => {
  it('at info: an accepted event logs its ids and outcome, and no request line of its own', async () => {
    const logged = await startLogged('info');
    intake = logged.intake;
    const event = sampleEvent(sampleBooking({ bookingId: `bk_${randomUUID().slice(0, 12)}` }));
    const webhookId = `msg_${randomUUID()}`;
    expect((await intake.send(event, webhookId)).status).toBe(202);
    // A 404 after it, whose request line is at info: once that is written, the event's would be too.
    expect((await fetch(`${intake.url}/v1/nope`)).status).toBe(404);

    expect(await logged.requestLinesOnceOneFor('/v1/nope')).toEqual([
      expect.objectContaining({ level: INFO, path: '/v1/nope', status: 404 }),
    ]);
    expect(logged.lines.filter((line) => line.msg === 'event accepted')).toEqual([
      expect.objectContaining({
        level: INFO,
        bookingId: event.data.bookingId,
        version: event.data.version,
        eventId: event.id,
        webhookId,
        outcome: 'accepted',
      }),
    ]);
  });

  it('at info: an event answered with an error logs its request line', async () => {
    const logged = await startLogged('info');
    intake = logged.intake;
    const res = await intake.post(
      JSON.stringify(sampleEvent(sampleBooking({ bookingId: 'bk_unsigned' }))),
      {},
    );
    expect(res.status).toBe(401);

    expect(await logged.requestLinesOnceOneFor('/v1/events')).toEqual([
      expect.objectContaining({ level: INFO, method: 'POST', path: '/v1/events', status: 401 }),
    ]);
  });

  it('at info: answers of other routes keep their request line', async () => {
    const logged = await startLogged('info');
    intake = logged.intake;
    expect((await fetch(`${intake.url}/healthz`)).status).toBe(200);

    expect(await logged.requestLinesOnceOneFor('/healthz')).toEqual([
      expect.objectContaining({ level: INFO, method: 'GET', path: '/healthz', status: 200 }),
    ]);
  });

  it("at debug: an accepted event's request line is there too", async () => {
    const logged = await startLogged('debug');
    intake = logged.intake;
    const event = sampleEvent(sampleBooking({ bookingId: `bk_${randomUUID().slice(0, 12)}` }));
    expect((await intake.send(event)).status).toBe(202);

    expect(await logged.requestLinesOnceOneFor('/v1/events')).toEqual([
      expect.objectContaining({ level: DEBUG, method: 'POST', path: '/v1/events', status: 202 }),
    ]);
  });
});
