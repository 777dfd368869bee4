// Faithful local fakes of the vendors the pipeline talks to, for tests and sandbox mode only.
export { startFakeZoom } from './zoom/start-fake-zoom';
export {
  DEFAULT_PASSWORD_REQUIREMENT,
  findPasscodeViolations,
  generatePasscode,
  longestConsecutiveRun,
  normalizePasswordRequirement,
} from './zoom/passcode-rules';
export type {
  FakeZoom,
  FakeZoomFault,
  FakeZoomMeeting,
  FakeZoomMeetingSettings,
  FakeZoomRequest,
  FakeZoomRetryAfter,
  FakeZoomUserInput,
  MeetingPasswordRequirement,
  StartFakeZoomOptions,
} from './zoom/types';
export { startSmtpSink } from './smtp/start-smtp-sink';
export type {
  ParsedAttachment,
  ParsedMessage,
  SmtpSink,
  SmtpSinkFault,
  StartSmtpSinkOptions,
} from './smtp/types';
export { startFakeGoogleCalendar } from './google/start-fake-google-calendar';
export type {
  FakeGoogleCalendar,
  FakeGoogleConferenceData,
  FakeGoogleEvent,
  FakeGoogleEventInput,
  FakeGoogleFault,
  FakeGoogleRequest,
  FakeGoogleServiceAccountInput,
  StartFakeGoogleCalendarOptions,
} from './google/types';
export { startFakeGraph } from './graph/start-fake-graph';
export type {
  FakeGraph,
  FakeGraphEvent,
  FakeGraphEventInput,
  FakeGraphFault,
  FakeGraphItemBody,
  FakeGraphLocation,
  FakeGraphRequest,
  StartFakeGraphOptions,
} from './graph/types';
export { signZoomWebhook, urlValidationEvent } from './zoom/webhook-events';
export type { HostMeetingChanges, SignedZoomWebhook, ZoomWebhookEvent } from './zoom/webhook-events';
export * from './fixtures';
export { cleanUpRedisPrefix, deleteRedisKeys, freshRedisPrefix } from './redis-keyspace';
export type { ClosableQueue, RedisKeyspace } from './redis-keyspace';
export { codeThrownBy, errorThrownBy } from './thrown';
export { CONSECUTIVE_RUN_CASES } from './zoom/passcode-cases';
