// The booking state every worker reads and writes: one snapshot per booking (newest version wins), each
// step's checkpoint, the meeting record and what was intended, and the booking's timeline (what
// happened, oldest first). packages/store implements it on Redis.
import type {
  BookingSnapshot,
  BookingStatus,
  MeetingChange,
  MeetingCleanup,
  MeetingIntent,
  MeetingRecord,
  StepStatus,
  StepName,
  TimelineAttempt,
  TimelineEntry,
} from '@meetlink/events';

export type AcceptOutcome =
  /** A newer version: stored, steps reset to pending, the caller must enqueue it. */
  | 'accepted'
  /** The same webhook again, and its job may not have been queued yet (a crash before the enqueue). */
  | 'replay'
  /** The same webhook again, already queued: nothing to do. */
  | 'duplicate'
  /** Not newer than what is stored. */
  | 'stale';

export type StepPatch = Partial<Omit<StepStatus, 'version' | 'attempts' | 'updatedAt'>>;

/** How an attempt ended, for the timeline; the store adds the step, the version, the attempt's number, and `at` (its finishedAt). */
export type AttemptEnd = Omit<TimelineAttempt, 'kind' | 'at' | 'step' | 'version' | 'attempt'>;

export interface UpdateStepOptions {
  /** Counts a new attempt (the update that marks the step running). */
  countAttempt?: boolean;
  /** Appended to the timeline in the same write, only if the update applies: what the attempt did. */
  timeline?: readonly TimelineEntry[];
  /** Appended after `timeline`, numbered with the step's attempt count: the attempt's end. */
  attemptEnded?: AttemptEnd;
}

/** An entry of the index of accepted but not yet queued versions (see BookingStore.listUnqueued). */
export interface UnqueuedBooking {
  bookingId: string;
  /** The booking's newest version now; null when the booking is gone. */
  version: number | null;
  /** About when an accept last touched the entry (ms since the epoch): the entry's score. */
  acceptedAtMs: number;
  /** Whether that version is queued already (the entry outlived an accept that found it so, or died). */
  isQueued: boolean;
}

export interface BookingStore {
  /**
   * Files the booking in the index of versions accepted but not yet queued, then stores a newer
   * version, so a crash or a lost connection before the enqueue strands nothing.
   * Every outcome is appended to the booking's timeline in that script.
   */
  accept(snapshot: BookingSnapshot, webhookId: string): Promise<AcceptOutcome>;
  /** Records that `version`'s job is queued and takes the booking out of the unqueued index, if still newest. */
  markEnqueued(bookingId: string, version: number): Promise<void>;
  /**
   * Bookings whose newest version was accepted at least `olderThanMs` ago and is not known to be
   * queued, oldest first, at most `limit`. `version` is null when the booking itself is gone.
   */
  listUnqueued(olderThanMs: number, limit: number): Promise<UnqueuedBooking[]>;
  /**
   * Drops a booking's entry as listed (`acceptedAtMs`, unless an accept touched it since) from the
   * unqueued index, only if the booking is gone or its newest version is queued; true if dropped.
   */
  dropUnqueued(bookingId: string, acceptedAtMs: number): Promise<boolean>;
  getSnapshot(bookingId: string): Promise<BookingSnapshot | null>;
  getStatus(bookingId: string): Promise<BookingStatus | null>;
  getMeeting(bookingId: string): Promise<MeetingRecord | null>;
  /**
   * Records (or, with null, forgets) the booking's meeting. Recording also indexes the meeting id
   * (until 30 days after it starts), so a provider's report about the meeting finds the booking.
   * With `change`, the timeline gets the meeting entry in the same write (for null: the meeting forgotten).
   */
  setMeeting(bookingId: string, record: MeetingRecord | null, change?: MeetingChange): Promise<void>;
  /** Applies `patch` to a step only while `version` is still the booking's newest; false otherwise. */
  updateStep(
    bookingId: string,
    version: number,
    step: StepName,
    patch: StepPatch,
    options?: UpdateStepOptions,
  ): Promise<boolean>;
  /** The booking's timeline, oldest first (at most the newest 200 entries by default). */
  getTimeline(bookingId: string): Promise<TimelineEntry[]>;
  /** Appends facts that no other write of the store carries (a reminder that fired and was skipped). */
  appendTimeline(bookingId: string, entries: readonly TimelineEntry[]): Promise<void>;
  /** The intent recorded before a create (see MeetingIntent); setMeeting with a record clears it. */
  getMeetingIntent(bookingId: string): Promise<MeetingIntent | null>;
  setMeetingIntent(bookingId: string, intent: MeetingIntent | null): Promise<void>;
  /** Records (or, with null, forgets) the clean-up of a meeting the booking no longer owns, by job id. */
  setMeetingCleanup(bookingId: string, id: string, cleanup: MeetingCleanup | null): Promise<void>;
}
