// Converges the booking's Zoom meeting to its newest snapshot (create, update, delete, move to a new
// host), records it with the booking, then hands the booking on to the calendar and email steps.
import { bookingJobId } from '@meetlink/events';
import type { BookingSnapshot, MeetingDetails, MeetingRecord } from '@meetlink/events';
import type { StepOutcome, TypedQueue } from '@meetlink/queue';
import type { BookingStore } from '@meetlink/store';
import type { ConferenceProvider, HostRef, MeetingSpec } from '@meetlink/zoom';

export interface ReconcileMeetingDeps {
  provider: ConferenceProvider;
  store: Pick<BookingStore, 'getMeeting' | 'setMeeting'>;
  now?: () => Date;
}

export interface HandOnDeps {
  store: Pick<BookingStore, 'getMeeting'>;
  calendarQueue: Pick<TypedQueue<'calendar'>, 'add'>;
  emailQueue: Pick<TypedQueue<'email'>, 'add'>;
}

/**
 * Queues the calendar and email steps for this version. The job id names the meeting, so a run that
 * ends with the same meeting adds nothing, and one that ends with a new meeting (a retried failure,
 * a host who deleted it) reaches calendar and email again.
 */
export const handOnBooking = async (snapshot: BookingSnapshot, deps: HandOnDeps): Promise<void> => {
  const record = await deps.store.getMeeting(snapshot.bookingId);
  const job = { bookingId: snapshot.bookingId, version: snapshot.version };
  const jobId = `${bookingJobId(job)}-m${record?.meeting.id ?? 'none'}`;
  await Promise.all([deps.calendarQueue.add(job, { jobId }), deps.emailQueue.add(job, { jobId })]);
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
  meeting.topic !== spec.topic;

type Action = 'created' | 'updated' | 'unchanged' | 'deleted' | 'none' | 'adopted';

export const reconcileMeeting = async (
  snapshot: BookingSnapshot,
  deps: ReconcileMeetingDeps,
): Promise<StepOutcome> => {
  const { provider, store, now = () => new Date() } = deps;
  const { booking } = snapshot;
  const host: HostRef = { memberId: booking.host.memberId, email: booking.host.email };
  const wantsMeeting = booking.service.location.kind === 'video_conference' && !snapshot.isCanceled;
  const spec = meetingSpecFor(snapshot);

  const record = (meeting: MeetingDetails): MeetingRecord => ({
    meeting,
    host,
    bookingVersion: snapshot.version,
    updatedAt: now().toISOString(),
  });

  const converge = async (): Promise<{ action: Action; meeting: MeetingDetails | null }> => {
    let current = await store.getMeeting(booking.bookingId);

    if (!wantsMeeting) {
      if (current) {
        await provider.deleteMeeting(current.host, current.meeting.id);
        await store.setMeeting(booking.bookingId, null);
        return { action: 'deleted', meeting: null };
      }
      // A meeting made by a run that crashed before recording it would otherwise be left behind.
      const orphan = await provider.findMeetingByMarker(host, spec.marker);
      if (orphan) {
        await provider.deleteMeeting(host, orphan.id);
        return { action: 'deleted', meeting: null };
      }
      return { action: 'none', meeting: null };
    }

    if (current && current.host.memberId !== host.memberId) {
      await provider.deleteMeeting(current.host, current.meeting.id);
      await store.setMeeting(booking.bookingId, null);
      current = null;
    }

    if (current) {
      const remote = await provider.getMeeting(current.host, current.meeting.id);
      if (remote) {
        if (!isOutOfStep(remote, spec)) {
          await store.setMeeting(booking.bookingId, record(remote));
          return { action: 'unchanged', meeting: remote };
        }
        const updated = await provider.updateMeeting(current.host, remote.id, spec);
        await store.setMeeting(booking.bookingId, record(updated));
        return { action: 'updated', meeting: updated };
      }
      // The host deleted it in Zoom: the booking still wants one, so make a new one below.
      await store.setMeeting(booking.bookingId, null);
    }

    // Before creating, look for one that an earlier run made but did not get to record.
    const found = await provider.findMeetingByMarker(host, spec.marker);
    if (found) {
      const adopted = isOutOfStep(found, spec) ? await provider.updateMeeting(host, found.id, spec) : found;
      await store.setMeeting(booking.bookingId, record(adopted));
      return { action: 'adopted', meeting: adopted };
    }
    const created = await provider.createMeeting(host, spec);
    await store.setMeeting(booking.bookingId, record(created));
    return { action: 'created', meeting: created };
  };

  // The step worker holds the booking's conference lock around this, so runs never overlap.
  const result = await converge();

  const { action, meeting } = result;
  if (!meeting) {
    const why = snapshot.isCanceled ? 'booking is canceled' : `location is ${booking.service.location.kind}`;
    return {
      state: 'skipped',
      detail: action === 'deleted' ? `${why}: meeting deleted` : `${why}: no meeting needed`,
    };
  }
  return { state: 'done', detail: `meeting ${meeting.id} ${action}` };
};
