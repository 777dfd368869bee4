// The join block's facts, derived once from Zoom's meeting and shared by the HTML, the text part
// and the ICS description. Its layout follows Zoom's own invitation text.
import { PermanentError } from '@meetlink/errors';
import { formatMeetingId } from '@meetlink/events';
import type { DialInNumber, MeetingDetails } from '@meetlink/events';

export interface OneTapEntry {
  /** What a person reads and a phone's data detector dials: `+13462487799,,81234567890#,,,,*123456#`. */
  label: string;
  /** The same as a tel: URI, with `#` percent-encoded (RFC 3966: a bare `#` starts a fragment). */
  href: string;
  place: string;
}

export interface DialInEntry {
  number: string;
  href: string;
  place: string;
}

export interface JoinDetails {
  joinUrl: string;
  /** Grouped as Zoom shows it: `812 3456 7890`. */
  meetingId: string;
  passcode: string | null;
  /** The numeric passcode for phone dial-in, where Zoom gave one. */
  phonePasscode: string | null;
  oneTap: OneTapEntry[];
  dialIn: DialInEntry[];
}

/** Zoom lists one-tap numbers for the first two dial-in numbers; so do we. */
const ONE_TAP_COUNT = 2;
/** Zoom can return dozens of numbers; an email shows the first few. */
const DIAL_IN_COUNT = 8;

/** Digits only, keeping a leading `+`: `+1 346 248 7799` → `+13462487799`. */
const dialable = (number: string): string =>
  `${number.trim().startsWith('+') ? '+' : ''}${number.replace(/\D/g, '')}`;

const placeOf = (entry: DialInNumber): string => {
  const where = entry.city
    ? `${entry.countryName ?? entry.country} (${entry.city})`
    : (entry.countryName ?? entry.country);
  return entry.type === 'tollfree' ? `${where}, toll-free` : where;
};

/** The join URL becomes an href: anything but http(s) is refused rather than rendered as a link. */
const checkJoinUrl = (joinUrl: string): string => {
  let url: URL;
  try {
    url = new URL(joinUrl);
  } catch (cause) {
    throw new PermanentError('email_input_invalid', 'The meeting join URL is not a URL', { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PermanentError('email_input_invalid', `The meeting join URL has the scheme ${url.protocol}`);
  }
  return joinUrl;
};

export const buildJoinDetails = (meeting: MeetingDetails): JoinDetails => {
  const phonePasscode = meeting.pstnPasscode ?? null;
  const tapSuffix = `,,${meeting.id}#${phonePasscode ? `,,,,*${phonePasscode}#` : ''}`;
  const numbers = meeting.dialIn.filter((entry) => dialable(entry.number).replace('+', '').length > 0);
  return {
    joinUrl: checkJoinUrl(meeting.joinUrl),
    meetingId: formatMeetingId(meeting.id),
    passcode: meeting.passcode,
    phonePasscode,
    oneTap: numbers.slice(0, ONE_TAP_COUNT).map((entry) => {
      const label = `${dialable(entry.number)}${tapSuffix}`;
      return { label, href: `tel:${label.replaceAll('#', '%23')}`, place: placeOf(entry) };
    }),
    dialIn: numbers.slice(0, DIAL_IN_COUNT).map((entry) => ({
      number: entry.number.trim(),
      href: `tel:${dialable(entry.number)}`,
      place: placeOf(entry),
    })),
  };
};

/** The join block as plain text: the text part of every email and the ICS DESCRIPTION. */
export const formatJoinDetailsText = (join: JoinDetails): string => {
  const lines = ['Join Zoom meeting', join.joinUrl, '', `Meeting ID: ${join.meetingId}`];
  if (join.passcode) lines.push(`Passcode: ${join.passcode}`);
  if (join.oneTap.length > 0) {
    lines.push('', 'One tap mobile', ...join.oneTap.map((tap) => `${tap.label} ${tap.place}`));
  }
  if (join.dialIn.length > 0) {
    lines.push('', 'Dial by your location', ...join.dialIn.map((entry) => `${entry.number} ${entry.place}`));
    lines.push(`Meeting ID: ${join.meetingId}`);
    if (join.phonePasscode) lines.push(`Passcode: ${join.phonePasscode}`);
  }
  return lines.join('\n');
};
