// For the apps' step tests (conference, calendar, email): the step's corner of the test run's Redis
// (a key prefix of its own, a worker connection, the booking store) and the two moves every such test
// makes: submit a booking version as the steps before would have left it, and wait for the step.
// It lives here, not in the test kit (packages/fakes), because it builds on queue and store, whose
// own tests use the kit.
import type {
  Booking,
  BookingStatus,
  EventType,
  MeetingDetails,
  StepName,
  StepState,
} from '@meetlink/events';
import { cleanUpRedisPrefix, freshRedisPrefix, sampleSnapshot } from '@meetlink/fakes';
import type { ClosableQueue } from '@meetlink/fakes';
import { createRedisBookingStore } from '@meetlink/store';
import { pollUntil } from '@meetlink/sandbox';
import { createRedisConnection } from '@meetlink/redis';

/** A fresh key prefix on REDIS_URL (started by the jest global setup), its store, and its clean-up. */
export const openStepRedis = (stem: string) => {
  const prefix = freshRedisPrefix(stem);
  const redis = createRedisConnection(process.env['REDIS_URL']!, 'worker');
  const store = createRedisBookingStore({ redis, prefix });
  return {
    prefix,
    redis,
    store,
    /** What createQueue and the workers take. */
    context: { connection: redis, prefix },
    /** Deletes the prefix's keys and the queues, and closes the connection. */
    cleanUp: (queues: ClosableQueue[]) => cleanUpRedisPrefix({ redis, prefix, queues }),
  };
};
export type StepRedis = ReturnType<typeof openStepRedis>;

export interface SubmitOptions {
  type: EventType;
  /** The meeting the conference step recorded; null: none (it failed or has not run). */
  meeting: MeetingDetails | null;
  host: { memberId: string; email: string };
  now?: () => Date;
}

/** Stores a booking version as the intake would and its meeting as the conference step would. */
export const storeBookingWithMeeting = async (
  { store }: Pick<StepRedis, 'store'>,
  booking: Booking,
  { type, meeting, host, now = () => new Date() }: SubmitOptions,
): Promise<void> => {
  const snapshot = sampleSnapshot(booking, { type, receivedAt: now().toISOString() });
  await store.accept(snapshot, `msg_${snapshot.eventId}`);
  await store.setMeeting(
    booking.bookingId,
    meeting ? { meeting, host, bookingVersion: booking.version, updatedAt: now().toISOString() } : null,
  );
};

/** The booking's status once `step` of `version` is in one of `states`, polled with a deadline. */
export const waitForStep = async (
  { store }: Pick<StepRedis, 'store'>,
  step: StepName,
  bookingId: string,
  version: number,
  states: readonly StepState[],
): Promise<BookingStatus> =>
  (await pollUntil(
    () => store.getStatus(bookingId),
    (status) => status?.steps[step].version === version && states.includes(status.steps[step].state),
    { what: `the ${step} step of ${bookingId} v${version}` },
  ))!;
