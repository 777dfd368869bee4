// Puts the join details into the organizer's calendar event named by the booking, keeps them current
// through reschedules, and takes them out when the booking is canceled or stops being a video call.
import { PermanentError } from '@meetlink/errors';
import type { BookingSnapshot } from '@meetlink/events';
import type { CalendarProvider, HostRef, JoinDetails } from '@meetlink/ports';
import type { StepOutcome } from '@meetlink/queue';
import type { BookingStore } from '@meetlink/store';

export interface PatchCalendarEventDeps {
  /** One adapter per provider; an absent one means that provider is not configured here. */
  providers: { google?: CalendarProvider | undefined; outlook?: CalendarProvider | undefined };
  store: Pick<BookingStore, 'getMeeting' | 'getStatus'>;
}

export const patchCalendarEvent = async (
  snapshot: BookingSnapshot,
  { providers, store }: PatchCalendarEventDeps,
): Promise<StepOutcome> => {
  const { booking } = snapshot;
  const { calendar } = booking;
  if (!calendar) return { state: 'skipped', detail: 'booking has no calendar reference' };
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
    return { state: 'done', detail: `${where}: ${said[result]}` };
  }

  const record = await store.getMeeting(booking.bookingId);
  if (!record) {
    const conference = (await store.getStatus(booking.bookingId))?.steps.conference;
    return {
      state: 'skipped',
      detail: `${where}: no meeting to show (conference step ${conference?.lastError?.code ?? conference?.state ?? 'unknown'})`,
    };
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
  return {
    state: 'done',
    detail: `${where}: join block ${result === 'patched' ? 'written' : 'already current'}`,
  };
};
