// @meetlink/ports: types only. The interfaces workers depend on and adapters implement.
export type { AccessToken, AccessTokenSource } from './access-token-source';
export type { ApplyResult, CalendarProvider, JoinDetails, RemoveResult } from './calendar-provider';
export type { ConferenceProvider, MeetingSpec } from './conference-provider';
export type { HostRef } from './host-ref';
export type { IcsMethod, Mailer, MailMessage, SentMail } from './mailer';
export type {
  AcceptOutcome,
  AttemptEnd,
  BookingStore,
  StepPatch,
  UnqueuedBooking,
  UpdateStepOptions,
} from './booking-store';
