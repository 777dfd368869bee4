// A host deleted or changed a Zoom meeting: if it is the meeting a booking currently owns, record it
// with the booking (its status shows it) and queue a conference job under an id of its own, so the
// reconciler converges the meeting back to the booking. Our own updates and deletes come back as
// the same events; they are told apart by comparing with what the booking recorded, level-triggered:
// a report that matches our record, or names a meeting the booking no longer has, changes nothing.
import { createHash } from 'node:crypto';
import { bookingJobId } from '@meetlink/events';
import type { MeetingDetails, MeetingEvent, MeetingEventKind, MeetingFieldChange } from '@meetlink/events';
import type { BookingStore } from '@meetlink/ports';
import type { TypedQueue } from '@meetlink/queue';
import type { MeetingEventLog } from '@meetlink/store';

export interface ZoomMeetingReport {
  event: MeetingEventKind;
  /** event_ts, ms. */
  eventTs: number;
  meetingId: string;
  operator: string | null;
  /** The changed fields as Zoom sent them in `object` (meeting.updated); empty for a delete. */
  fields: Record<string, unknown>;
}

export interface RecordZoomMeetingEventDeps {
  store: Pick<BookingStore, 'getMeeting' | 'getSnapshot'>;
  events: MeetingEventLog;
  conferenceQueue: Pick<TypedQueue<'conference'>, 'add'>;
  now: () => Date;
}

export type RecordOutcome =
  | { status: 'ignored'; reason: 'unknown_meeting' | 'booking_gone' }
  | { status: 'recorded' | 'duplicate'; bookingId: string; outcome: MeetingEvent['outcome'] };

const asText = (value: unknown): string | number | null =>
  typeof value === 'string' || typeof value === 'number' ? value : null;

/** What the host changed, compared with the meeting the booking recorded. Passcodes are never copied. */
export const diffMeeting = (ours: MeetingDetails, fields: Record<string, unknown>): MeetingFieldChange[] => {
  const changes: MeetingFieldChange[] = [];
  const compare = (
    field: MeetingFieldChange['field'],
    theirs: unknown,
    mine: string | number | null,
    same: boolean,
  ) => {
    if (!same) changes.push({ field, from: mine, to: asText(theirs) });
  };
  if ('start_time' in fields) {
    const theirs = fields['start_time'];
    compare(
      'start_time',
      theirs,
      ours.startTime,
      typeof theirs === 'string' && Date.parse(theirs) === Date.parse(ours.startTime),
    );
  }
  if ('duration' in fields)
    compare(
      'duration',
      fields['duration'],
      ours.durationMinutes,
      Number(fields['duration']) === ours.durationMinutes,
    );
  if ('topic' in fields) compare('topic', fields['topic'], ours.topic, fields['topic'] === ours.topic);
  if ('timezone' in fields)
    compare('timezone', fields['timezone'], ours.timezone, fields['timezone'] === ours.timezone);
  if ('join_url' in fields)
    compare('join_url', fields['join_url'], ours.joinUrl, fields['join_url'] === ours.joinUrl);
  if ('password' in fields && (fields['password'] ?? '') !== (ours.passcode ?? '')) {
    changes.push({ field: 'passcode', from: null, to: null });
  }
  return changes;
};

export const recordZoomMeetingEvent = async (
  report: ZoomMeetingReport,
  { store, events, conferenceQueue, now }: RecordZoomMeetingEventDeps,
): Promise<RecordOutcome> => {
  const bookingId = await events.findBookingByMeeting('zoom', report.meetingId);
  if (!bookingId) return { status: 'ignored', reason: 'unknown_meeting' };
  const snapshot = await store.getSnapshot(bookingId);
  if (!snapshot) return { status: 'ignored', reason: 'booking_gone' };
  const record = await store.getMeeting(bookingId);

  const isCurrent = record?.meeting.id === report.meetingId;
  const changes =
    isCurrent && report.event === 'meeting.updated' ? diffMeeting(record.meeting, report.fields) : [];
  const outcome: MeetingEvent['outcome'] = !isCurrent
    ? 'not_current_meeting'
    : report.event === 'meeting.deleted' || changes.length > 0
      ? 'reconcile_queued'
      : 'no_change_to_booking';

  const event: MeetingEvent = {
    provider: 'zoom',
    event: report.event,
    meetingId: report.meetingId,
    occurredAt: new Date(report.eventTs).toISOString(),
    receivedAt: now().toISOString(),
    operator: report.operator,
    changes,
    outcome,
  };
  const kind = report.event === 'meeting.deleted' ? 'zd' : 'zu';
  const dedupeKey = createHash('sha256')
    .update(`${report.event}|${report.meetingId}|${report.eventTs}`)
    .digest('hex')
    .slice(0, 32);
  const status = await events.record(bookingId, event, dedupeKey);
  if (outcome === 'reconcile_queued') {
    // Deterministic id: Zoom retrying the delivery adds nothing; a later change queues again.
    const job = { bookingId, version: snapshot.version };
    await conferenceQueue.add(job, {
      jobId: `${bookingJobId(job)}-${kind}${report.meetingId}-${report.eventTs}`,
    });
  }
  return { status, bookingId, outcome };
};
