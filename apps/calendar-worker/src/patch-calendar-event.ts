// Puts the join details into the organizer's calendar event named by the booking, keeps them current
// through reschedules, and takes them out when the booking is canceled or stops being a video call.
import { PermanentError } from '@meetlink/errors';
import type { BookingSnapshot, TimelineCalendar } from '@meetlink/events';
import type { BookingStore, CalendarProvider, HostRef, JoinDetails } from '@meetlink/ports';
import type { StepContext, StepOutcome } from '@meetlink/queue';

export interface PatchCalendarEventDeps {
  /** One adapter per provider; an absent one means that provider is not configured here. */
  providers: { google?: CalendarProvider | undefined; outlook?: CalendarProvider | undefined };
  store: Pick<BookingStore, 'getMeeting' | 'getStatus'>;
  /** The step's note for the booking's timeline: what was written or removed, or why nothing was. */
  note?: StepContext['note'];
}

export const patchCalendarEvent = async (
  snapshot: BookingSnapshot,
  { providers, store, note = () => undefined }: PatchCalendarEventDeps,
): Promise<StepOutcome> => {
  const { booking } = snapshot;
  const { calendar } = booking;
  const notePatch = (
    action: TimelineCalendar['action'],
    reason: string | null,
    meetingId: string | null = null,
  ): void =>
    note({
      kind: 'calendar',
      version: snapshot.version,
      action,
      provider: calendar?.provider ?? null,
      eventId: calendar?.eventId ?? null,
      meetingId,
      reason,
    });
  if (!calendar) {
    notePatch('skipped', 'booking has no calendar reference');
    return { state: 'skipped', detail: 'booking has no calendar reference' };
  }
  const provider = providers[calendar.provider];
  if (!provider) {
    throw new PermanentError(
      'calendar_provider_not_configured',
      `no ${calendar.provider} credentials are configured for the calendar worker`,
    );
  }
  const host: HostRef = { memberId: booking.host.memberId, email: booking.host.email };
  const where = `${calendar.provider} event ${calendar.eventId}`;
  const isVideo = booking.service.location.kind === 'video_conference';

  if (snapshot.isCanceled || !isVideo) {
    const result = await provider.removeJoinBlock(calendar, host, null);
    const said = {
      removed: 'join block removed',
      unchanged: 'no join block to remove',
      event_gone: 'event already gone',
    };
    if (result === 'removed')
      notePatch('removed', snapshot.isCanceled ? 'booking canceled' : 'not a video call');
    else notePatch('skipped', said[result]);
    return { state: 'done', detail: `${where}: ${said[result]}` };
  }

  const record = await store.getMeeting(booking.bookingId);
  if (!record) {
    const conference = (await store.getStatus(booking.bookingId))?.steps.conference;
    const why = `no meeting to show (conference step ${conference?.lastError?.code ?? conference?.state ?? 'unknown'})`;
    notePatch('skipped', why);
    return { state: 'skipped', detail: `${where}: ${why}` };
  }
  const { meeting } = record;
  const details: JoinDetails = {
    topic: meeting.topic,
    joinUrl: meeting.joinUrl,
    meetingId: meeting.id,
    passcode: meeting.passcode,
    dialIn: meeting.dialIn,
    ...(booking.service.location.instructions ? { instructions: booking.service.location.instructions } : {}),
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    timezone: booking.host.timezone,
  };
  const result = await provider.applyJoinBlock(calendar, host, details);
  if (result === 'patched') notePatch('written', null, meeting.id);
  else notePatch('skipped', 'join block already current', meeting.id);
  return {
    state: 'done',
    detail: `${where}: join block ${result === 'patched' ? 'written' : 'already current'}`,
  };
};
