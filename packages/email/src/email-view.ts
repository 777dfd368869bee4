// Everything a template shows, computed once per email: the templates only place and escape it.
import { PermanentError } from '@meetlink/errors';
import type { EmailInput, EmailKind } from './email-input';
import { describeLeadTime, describeTimeZone, formatShortStart, formatTimeSpan } from './format-time';
import type { JoinDetails } from './join-details';
import { buildJoinDetails, formatJoinDetailsText } from './join-details';

export interface EmailView {
  kind: EmailKind;
  subject: string;
  /** The preheader most clients show after the subject. */
  preview: string;
  /** The customer's locale, set as `lang` on the dates it formatted. */
  locale: string;
  customerName: string;
  hostName: string;
  serviceName: string;
  when: string;
  timeZone: string;
  hostWhen: string;
  hostTimeZone: string;
  isSameTimeZone: boolean;
  previousWhen: string | null;
  leadTime: string | null;
  reason: string | null;
  /** The service's instructions, one entry per non-empty line. */
  instructions: string[] | null;
  /** A meeting-link email that replaces a link the customer was sent before. */
  isLinkChange: boolean;
  /** A video meeting whose link is not there yet: the customer is told it follows. */
  isLinkPending: boolean;
  join: JoinDetails | null;
  joinText: string | null;
  hasInvite: boolean;
  isCanceled: boolean;
}

/** Subjects are one header line: control characters and runs of whitespace become one space. */
// eslint-disable-next-line no-control-regex
const oneLine = (value: string): string => value.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();

const subjectFor = (
  kind: EmailKind,
  what: string,
  short: string,
  leadTime: string | null,
  isLinkChange: boolean,
): string => {
  switch (kind) {
    case 'confirmation':
      return `Confirmed: ${what} on ${short}`;
    case 'rescheduled':
      return `Rescheduled: ${what}, now on ${short}`;
    case 'canceled':
      return `Canceled: ${what} on ${short}`;
    case 'reminder':
      return leadTime ? `Reminder: ${what} in ${leadTime} (${short})` : `Reminder: ${what} on ${short}`;
    case 'meeting_link':
      return isLinkChange
        ? `Your meeting link changed: ${what} on ${short}`
        : `Your meeting link: ${what} on ${short}`;
  }
};

const previewFor = (kind: EmailKind, short: string, hasJoin: boolean): string => {
  if (kind === 'canceled') return `${short} is canceled.`;
  return hasJoin ? `${short} · Join link, meeting ID and dial-in inside.` : `${short}`;
};

export const buildEmailView = (input: EmailInput): EmailView => {
  const { kind, booking } = input;
  const { customer, host, service } = booking;
  if (kind === 'meeting_link' && !input.meeting) {
    throw new PermanentError('email_input_invalid', 'A meeting_link email needs a meeting');
  }
  const join = kind !== 'canceled' && input.meeting ? buildJoinDetails(input.meeting) : null;
  const locale = customer.locale;
  const isLinkChange = kind === 'meeting_link' && input.isLinkChange === true;
  const short = formatShortStart(booking.startsAt, locale, customer.timezone);
  const leadTime =
    kind === 'reminder' && input.reminderOffsetMinutes !== undefined
      ? describeLeadTime(input.reminderOffsetMinutes)
      : null;
  const bookingReason = 'reason' in booking ? booking.reason : undefined;
  const reason = kind === 'canceled' ? (input.reason ?? bookingReason ?? '').trim() : '';
  const instructionLines =
    kind === 'canceled'
      ? []
      : (service.location.instructions ?? '')
          .split(/\r\n|\r|\n/)
          .map((line) => line.trim())
          .filter((line) => line.length > 0);
  return {
    kind,
    subject: oneLine(subjectFor(kind, `${service.name} with ${host.name}`, short, leadTime, isLinkChange)),
    preview: oneLine(previewFor(kind, short, join !== null)),
    locale,
    customerName: customer.name,
    hostName: host.name,
    serviceName: service.name,
    when: formatTimeSpan(booking, locale, customer.timezone),
    timeZone: describeTimeZone(locale, customer.timezone, booking.startsAt),
    hostWhen: formatTimeSpan(booking, locale, host.timezone),
    hostTimeZone: describeTimeZone(locale, host.timezone, booking.startsAt),
    isSameTimeZone: host.timezone === customer.timezone,
    previousWhen:
      kind === 'rescheduled' && input.previous
        ? formatTimeSpan(input.previous, locale, customer.timezone)
        : null,
    leadTime,
    reason: reason.length > 0 ? reason : null,
    instructions: instructionLines.length > 0 ? instructionLines : null,
    isLinkChange,
    isLinkPending: kind !== 'canceled' && !join && service.location.kind === 'video_conference',
    join,
    joinText: join ? formatJoinDetailsText(join) : null,
    hasInvite: kind !== 'reminder',
    isCanceled: kind === 'canceled',
  };
};
