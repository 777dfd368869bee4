// The email step and the reminders worker as they run in production (real queues, renderer, SMTP
// over the network, Redis), with the SMTP sink standing in for the mail server.
import { sampleBooking } from '@meetlink/fakes';
import type { Worker } from 'bullmq';
import { createEmailRenderer, createSmtpMailer } from '@meetlink/email';
import { EventType } from '@meetlink/events';
import type { Booking, BookingStatus, EventType as EventTypeName, MeetingDetails } from '@meetlink/events';
import { startSmtpSink } from '@meetlink/fakes';
import { createLogger } from '@meetlink/observability';
import { createQueue, createStepWorker, createWorker } from '@meetlink/queue';
import { createRedisEmailLog } from '@meetlink/store';
import { openStepRedis, storeBookingWithMeeting, waitForStep } from '../../../test-support/step-harness';
import { sendBookingEmail } from '../src/send-booking-email';
import { sendReminder } from '../src/send-reminder';

export const meetingFor = (bookingId: string, id = '81234567890'): MeetingDetails => ({
  provider: 'zoom',
  id,
  hostMemberId: 'mem_ada',
  hostUserId: 'ada@example.com',
  topic: 'Intro call with Grace Customer',
  startTime: '2026-12-01T10:00:00Z',
  durationMinutes: 30,
  timezone: 'Europe/Berlin',
  joinUrl: `https://zoom.us/j/${id}?pwd=abc${bookingId}`,
  passcode: 'Xy7pQ2rT9k',
  pstnPasscode: '123456',
  dialIn: [{ country: 'US', countryName: 'US', city: 'New York', number: '+1 646 558 8656', type: 'toll' }],
});

const ADA = { memberId: 'mem_ada', email: 'ada@example.com' };

export const startEmailStep = async (options: { now?: () => Date } = {}) => {
  const now = options.now ?? (() => new Date());
  const sink = await startSmtpSink();
  const corner = openStepRedis('te');
  const { prefix, redis, store, context } = corner;
  const emailQueue = createQueue('email', context);
  const remindersQueue = createQueue('reminders', context);
  const logger = createLogger({ name: 'email-test', level: 'silent' });
  const deps = {
    renderer: await createEmailRenderer(),
    mailer: createSmtpMailer({ smtpUrl: sink.smtpUrl, from: 'Meetlink <bookings@meetlink.test>' }),
    emailLog: createRedisEmailLog({ redis, prefix }),
    store,
    mailDomain: 'meetlink.test',
    now,
  };
  const workers: Worker[] = [];
  const startWorkers = () => {
    workers.push(
      createStepWorker({
        step: 'email',
        store,
        logger,
        process: (snapshot) => sendBookingEmail(snapshot, { ...deps, remindersQueue }),
        ...context,
        workerOptions: { settings: { backoffStrategy: () => 50 } },
      }),
      createWorker(
        'reminders',
        async (payload, job, token) => {
          await sendReminder(payload, { ...deps, logger, job, token });
        },
        { ...context, workerOptions: { settings: { backoffStrategy: () => 50 } } },
      ),
    );
  };

  const submit = async (
    booking: Booking,
    type: EventTypeName = EventType.created,
    meeting: MeetingDetails | null = meetingFor(booking.bookingId),
  ) => {
    await storeBookingWithMeeting(corner, booking, { type, meeting, host: ADA, now });
    await emailQueue.add({ bookingId: booking.bookingId, version: booking.version });
  };

  const waitForEmailStep = (bookingId: string, version: number): Promise<BookingStatus> =>
    waitForStep(corner, 'email', bookingId, version, ['done', 'failed']);

  const close = async () => {
    await Promise.all(workers.map((w) => w.close()));
    await corner.cleanUp([emailQueue, remindersQueue]);
    await sink.close();
  };

  return {
    sink,
    store,
    redis,
    emailQueue,
    remindersQueue,
    deps,
    startWorkers,
    submit,
    waitForEmailStep,
    close,
  };
};
export type EmailStep = Awaited<ReturnType<typeof startEmailStep>>;

export const bookingAt = (
  bookingId: string,
  version: number,
  startsInHours: number,
  offsets?: number[],
): Booking => {
  const booking = sampleBooking({
    bookingId,
    version,
    startsAt: new Date(Date.now() + startsInHours * 3600_000),
  });
  if (offsets) booking.reminderOffsetsMinutes = offsets;
  return booking;
};
