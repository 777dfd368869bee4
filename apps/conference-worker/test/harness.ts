// The conference step as it runs in production (real queue worker, real Zoom adapter, real Redis),
// against the fake Zoom.
import { sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import type { Worker } from 'bullmq';
import { EventType } from '@meetlink/events';
import type { Booking, BookingStatus, EventType as EventTypeName } from '@meetlink/events';
import { startFakeZoom } from '@meetlink/fakes';
import type { FakeZoom } from '@meetlink/fakes';
import { createLogger } from '@meetlink/observability';
import { createQueue, createStepWorker, createWorker, fenced, retryPolicyFor } from '@meetlink/queue';
import type { StepWorkerOptions } from '@meetlink/queue';
import { pollUntil } from '@meetlink/sandbox';
import { openStepRedis } from '../../../test-support/step-harness';
import { zoomAdapterFor } from '../../../test-support/zoom-adapter-for';
import { cleanUpMeeting, queueMeetingCleanup } from '../src/clean-up-meeting';
import { createConferenceStep, handOnWithoutMeeting } from '../src/reconcile-meeting';

export const ACCOUNT = { accountId: 'acc_1', clientId: 'cid_1', clientSecret: 'secret_1' };

export interface ConferenceStepOptions {
  /** false: no Server-to-Server app, so only members' own connections count. Default true. */
  serverToServer?: boolean;
  onFailed?: StepWorkerOptions<'conference'>['onFailed'];
  /** Hand calendar and email on without a meeting this long after acceptance while Zoom fails. */
  meetingWaitMs?: number;
}

export const startConferenceStep = async (options: ConferenceStepOptions = {}) => {
  const zoom: FakeZoom = await startFakeZoom();
  zoom.addAccount(ACCOUNT);
  zoom.addUser({ id: 'zu_ada', email: 'ada@example.com', accountId: ACCOUNT.accountId });
  zoom.addUser({ id: 'zu_bob', email: 'bob@example.com', accountId: ACCOUNT.accountId });

  const corner = openStepRedis('tc');
  const { prefix, redis, store, context } = corner;
  const conferenceQueue = createQueue('conference', context);
  const calendarQueue = createQueue('calendar', context);
  const emailQueue = createQueue('email', context);
  const cleanupQueue = createQueue('meetingCleanup', context);
  const logger = createLogger({ name: 'conference-test', level: 'silent' });
  const adapter = zoomAdapterFor(
    {
      apiBaseUrl: zoom.apiBaseUrl,
      oauthBaseUrl: zoom.oauthBaseUrl,
      ...(options.serverToServer === false ? {} : ACCOUNT),
      tokenEncryptionKey: 'test:c2FuZGJveC1vbmx5LXRva2VuLWtleS0zMi1ieXRlcyE=',
    },
    { redis, keyPrefix: prefix },
  );
  const workers: Worker[] = [];
  const startWorker = () => {
    const conference = createConferenceStep({ store, calendarQueue, emailQueue });
    const worker = createStepWorker({
      step: 'conference',
      store,
      logger,
      process: (snapshot, { lease }) =>
        conference.process(snapshot, {
          provider: fenced(adapter.provider, lease, ['createMeeting', 'updateMeeting', 'deleteMeeting']),
          store: fenced(store, lease, ['setMeeting', 'setMeetingIntent']),
          cleanUpLater: (job) => queueMeetingCleanup(job, { queue: cleanupQueue, store }),
        }),
      next: conference.next,
      onPending: (snapshot) =>
        handOnWithoutMeeting(snapshot, {
          calendarQueue,
          emailQueue,
          waitMs: options.meetingWaitMs ?? 120_000,
        }),
      ...(options.onFailed ? { onFailed: options.onFailed } : {}),
      ...context,
      // Quick retries for network faults; rate limits still wait for Retry-After (worker.rateLimit).
      workerOptions: { settings: { backoffStrategy: () => 50 } },
    });
    workers.push(worker);
    return worker;
  };
  /** The clean-up queue's worker, as the conference worker runs it. */
  const startCleanupWorker = () => {
    const worker = createWorker(
      'meetingCleanup',
      (payload, job, token) =>
        cleanUpMeeting(payload, job, token, {
          provider: adapter.provider,
          store,
          redis,
          prefix,
          policy: retryPolicyFor('meetingCleanup'),
          logger,
        }).then(() => undefined),
      { ...context, workerOptions: { settings: { backoffStrategy: () => 50 } } },
    );
    workers.push(worker);
    return worker;
  };

  /** Stores a booking version as the intake would, and queues its conference job. */
  const submit = async (booking: Booking, type: EventTypeName = EventType.created) => {
    const snapshot = sampleSnapshot(booking, { type });
    const outcome = await store.accept(snapshot, `msg_${snapshot.eventId}`);
    await conferenceQueue.add({ bookingId: booking.bookingId, version: booking.version });
    return outcome;
  };

  const waitForConference = async (
    bookingId: string,
    isDone: (s: BookingStatus) => boolean = (s) =>
      ['done', 'skipped', 'failed'].includes(s.steps.conference.state),
  ): Promise<BookingStatus> =>
    (await pollUntil(
      () => store.getStatus(bookingId),
      (status) => status !== null && isDone(status),
      { what: `the conference step of ${bookingId}` },
    ))!;

  const close = async () => {
    await Promise.all(workers.map((w) => w.close()));
    await corner.cleanUp([conferenceQueue, calendarQueue, emailQueue, cleanupQueue]);
    await zoom.close();
  };

  return {
    zoom,
    provider: adapter.provider,
    store,
    redis,
    prefix,
    conferenceQueue,
    calendarQueue,
    emailQueue,
    cleanupQueue,
    startWorker,
    startCleanupWorker,
    submit,
    waitForConference,
    close,
  };
};
export type ConferenceStep = Awaited<ReturnType<typeof startConferenceStep>>;

export const videoBooking = (
  bookingId: string,
  version = 1,
  startsAt = new Date(Date.now() + 48 * 3600_000),
): Booking => sampleBooking({ bookingId, version, startsAt });
