// Converges the booking's Zoom meeting to its newest snapshot (create, update, delete, move to a new
// host), records it with the booking, then hands the booking on to the calendar and email steps.
import { bookingJobId, meetingFingerprint } from '@meetlink/events';
import type {
  BookingSnapshot,
  MeetingCleanupJob,
  MeetingDetails,
  MeetingIntent,
  MeetingRecord,
} from '@meetlink/events';
import type { StepOutcome, TypedQueue } from '@meetlink/queue';
import { agendaBodyFor } from '@meetlink/zoom';
import type { BookingStore, ConferenceProvider, HostRef, MeetingSpec } from '@meetlink/ports';

export interface ReconcileMeetingDeps {
  provider: ConferenceProvider;
  store: Pick<BookingStore, 'getMeeting' | 'setMeeting' | 'getMeetingIntent' | 'setMeetingIntent'>;
  /**
   * Deletes a meeting the booking no longer owns on its own queue: the old host's meeting after a host
   * change, or an orphan of a crashed create under another host. Its failure blocks nothing here.
   */
  cleanUpLater: (job: MeetingCleanupJob) => Promise<void>;
  now?: () => Date;
}

export interface HandOnDeps {
  store: Pick<BookingStore, 'getMeeting'>;
  calendarQueue: Pick<TypedQueue<'calendar'>, 'add'>;
  emailQueue: Pick<TypedQueue<'email'>, 'add'>;
}

/**
 * Queues the calendar and email steps for this version. The job id names the meeting's fingerprint,
 * so a run that ends with the same meeting adds nothing, and one that ends with different join details
 * (a retried failure, a host who deleted it, a new passcode) reaches calendar and email again.
 */
export const handOnBooking = async (
  snapshot: BookingSnapshot,
  deps: HandOnDeps,
  /** The meeting the booking's record holds, when the caller knows it; read from the store if not given. */
  recorded?: MeetingDetails | null,
): Promise<void> => {
  const meeting =
    recorded === undefined ? ((await deps.store.getMeeting(snapshot.bookingId))?.meeting ?? null) : recorded;
  const job = { bookingId: snapshot.bookingId, version: snapshot.version };
  const jobId = `${bookingJobId(job)}-m${meeting ? `${meeting.id}-${meetingFingerprint(meeting)}` : 'none'}`;
  await Promise.all([deps.calendarQueue.add(job, { jobId }), deps.emailQueue.add(job, { jobId })]);
};

/**
 * The conference step is still retrying (Zoom down, slow, or its daily limit reached): the calendar
 * and email steps go ahead once `waitMs` has passed since the event was accepted, without the meeting
 * (the customer is told the link follows); the meeting's own hand-on reaches them again later.
 */
export const handOnWithoutMeeting = async (
  snapshot: BookingSnapshot,
  deps: Pick<HandOnDeps, 'calendarQueue' | 'emailQueue'> & { waitMs: number; now?: () => Date },
): Promise<void> => {
  const now = (deps.now ?? (() => new Date()))().getTime();
  const delay = Math.max(0, Date.parse(snapshot.receivedAt) + deps.waitMs - now);
  const job = { bookingId: snapshot.bookingId, version: snapshot.version };
  const jobId = `${bookingJobId(job)}-late`;
  await Promise.all([
    deps.calendarQueue.add(job, { jobId, delay }),
    deps.emailQueue.add(job, { jobId, delay }),
  ]);
};

const TOPIC_MAX = 200;

export const meetingMarker = (bookingId: string): string => `meetlink-booking:${bookingId}`;

export const meetingSpecFor = (snapshot: BookingSnapshot): MeetingSpec => {
  const { booking } = snapshot;
  const topic = `${booking.service.name.trim()} with ${booking.customer.name.trim()}`;
  return {
    topic: topic.length > TOPIC_MAX ? `${topic.slice(0, TOPIC_MAX - 1).trimEnd()}…` : topic,
    startTime: new Date(booking.startsAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    timezone: booking.host.timezone,
    durationMinutes: Math.round((Date.parse(booking.endsAt) - Date.parse(booking.startsAt)) / 60_000),
    agenda: booking.service.location.instructions ?? '',
    marker: meetingMarker(booking.bookingId),
  };
};

/** Whether the meeting Zoom holds differs from what the booking wants, in what a person would see. */
export const isOutOfStep = (meeting: MeetingDetails, spec: MeetingSpec): boolean =>
  Date.parse(meeting.startTime) !== Date.parse(spec.startTime) ||
  meeting.durationMinutes !== spec.durationMinutes ||
  meeting.topic !== spec.topic ||
  (meeting.agenda !== undefined && meeting.agenda !== agendaBodyFor(spec));

type Action = 'created' | 'updated' | 'unchanged' | 'deleted' | 'none' | 'adopted';

const sameHost = (a: HostRef, b: HostRef): boolean => a.memberId === b.memberId;

/** A run's outcome, and the meeting the booking's record holds after it (null: none). */
interface Reconciled {
  outcome: StepOutcome;
  meeting: MeetingDetails | null;
}

const reconcile = async (snapshot: BookingSnapshot, deps: ReconcileMeetingDeps): Promise<Reconciled> => {
  const { provider, store, cleanUpLater, now = () => new Date() } = deps;
  const { booking } = snapshot;
  const { bookingId } = booking;
  const host: HostRef = { memberId: booking.host.memberId, email: booking.host.email };
  const wantsMeeting = booking.service.location.kind === 'video_conference' && !snapshot.isCanceled;
  const spec = meetingSpecFor(snapshot);
  const record = (meeting: MeetingDetails): MeetingRecord => ({
    meeting,
    host,
    bookingVersion: snapshot.version,
    updatedAt: now().toISOString(),
  });
  const notes: string[] = [];

  const converge = async (): Promise<{ action: Action; meeting: MeetingDetails | null }> => {
    let [current, intent]: [MeetingRecord | null, MeetingIntent | null] = await Promise.all([
      store.getMeeting(bookingId),
      store.getMeetingIntent(bookingId),
    ]);

    // A create under another host may have reached Zoom before its run crashed: that host's orphan is
    // looked for and deleted on its own.
    if (intent && !current && !sameHost(intent.host, host)) {
      await cleanUpLater({ bookingId, host: intent.host });
      await store.setMeetingIntent(bookingId, null);
      notes.push(`orphan search under ${intent.host.memberId} queued`);
      intent = null;
    }

    if (!wantsMeeting) {
      let action: Action = 'none';
      if (current) {
        await provider.deleteMeeting(current.host, current.meeting.id);
        await store.setMeeting(bookingId, null, 'deleted');
        action = 'deleted';
      }
      if (intent) {
        // A meeting made by a run that crashed before recording it would otherwise be left behind.
        const orphan = await provider.findMeetingByMarker(intent.host, spec.marker);
        if (orphan) {
          await provider.deleteMeeting(intent.host, orphan.id);
          action = 'deleted';
        }
        await store.setMeetingIntent(bookingId, null);
      }
      return { action, meeting: null };
    }

    if (current && !sameHost(current.host, host)) {
      // The old host's meeting is deleted on its own: a revoked connection or a user gone there must
      // neither hold up the new host's meeting nor keep the old link in the customer's hands.
      await cleanUpLater({ bookingId, host: current.host, meetingId: current.meeting.id });
      await store.setMeeting(bookingId, null, 'released');
      notes.push(`old host's meeting ${current.meeting.id} queued for deletion`);
      current = null;
    }

    if (current) {
      const remote = await provider.getMeeting(current.host, current.meeting.id);
      if (remote) {
        if (!isOutOfStep(remote, spec)) {
          // Only the record is refreshed: no change, so nothing for the timeline.
          await store.setMeeting(bookingId, record(remote));
          return { action: 'unchanged', meeting: remote };
        }
        const updated = await provider.updateMeeting(current.host, remote.id, spec);
        await store.setMeeting(bookingId, record(updated), 'updated');
        return { action: 'updated', meeting: updated };
      }
      // The host deleted it in Zoom: the booking still wants one, so make a new one below.
      await store.setMeeting(bookingId, null, 'gone');
    } else if (intent) {
      // An intent without a record: an earlier create may have reached Zoom. Only now is the search worth it.
      const found = await provider.findMeetingByMarker(host, spec.marker);
      if (found) {
        const adopted = isOutOfStep(found, spec) ? await provider.updateMeeting(host, found.id, spec) : found;
        await store.setMeeting(bookingId, record(adopted), 'adopted');
        return { action: 'adopted', meeting: adopted };
      }
    }
    await store.setMeetingIntent(bookingId, { marker: spec.marker, host, at: now().toISOString() });
    const created = await provider.createMeeting(host, spec);
    await store.setMeeting(bookingId, record(created), 'created');
    return { action: 'created', meeting: created };
  };

  // The step worker holds the booking's conference lease around this, so runs never overlap.
  const { action, meeting } = await converge();
  const extra = notes.length ? `; ${notes.join('; ')}` : '';
  if (!meeting) {
    const why = snapshot.isCanceled ? 'booking is canceled' : `location is ${booking.service.location.kind}`;
    const detail = `${action === 'deleted' ? `${why}: meeting deleted` : `${why}: no meeting needed`}${extra}`;
    return { outcome: { state: 'skipped', detail }, meeting: null };
  }
  return { outcome: { state: 'done', detail: `meeting ${meeting.id} ${action}${extra}` }, meeting };
};

export const reconcileMeeting = async (
  snapshot: BookingSnapshot,
  deps: ReconcileMeetingDeps,
): Promise<StepOutcome> => (await reconcile(snapshot, deps)).outcome;

/**
 * The conference step's processor and hand-on, built as a pair. The step worker hands on right after
 * a run that converged, with the same snapshot and under the same lease, so the hand-on names the
 * meeting that run recorded instead of reading the record back; one that follows no such run (the
 * step failed for good) reads the store.
 */
export const createConferenceStep = (handOnDeps: HandOnDeps) => {
  const recorded = new WeakMap<BookingSnapshot, MeetingDetails | null>();
  return {
    process: async (snapshot: BookingSnapshot, deps: ReconcileMeetingDeps): Promise<StepOutcome> => {
      const { outcome, meeting } = await reconcile(snapshot, deps);
      recorded.set(snapshot, meeting);
      return outcome;
    },
    next: (snapshot: BookingSnapshot): Promise<void> => {
      const meeting = recorded.get(snapshot);
      recorded.delete(snapshot);
      return handOnBooking(snapshot, handOnDeps, meeting);
    },
  };
};
