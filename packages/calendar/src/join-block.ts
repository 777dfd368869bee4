// The join block: the meeting's join details, rendered as plain text or HTML between two stable
// marker lines, so it can be found again in an event description or body that the host (or the
// booking system) also writes in. Upserting replaces the block in place; text around it is kept.
import { formatMeetingId } from '@meetlink/events';
import type { DialInNumber } from '@meetlink/events';
import { escapeHtml } from '@meetlink/email';
import type { JoinDetails } from '@meetlink/ports';

export type BlockFormat = 'text' | 'html';

/** Visible marker lines: comments and data attributes do not survive every calendar's HTML editor. */
export const JOIN_BLOCK_START = '-- Zoom meeting details (meetlink) --';
export const JOIN_BLOCK_END = '-- End of Zoom meeting details (meetlink) --';
const MARKER_TAG = '(meetlink)';
const JOIN_LINE_LABEL = 'Join Zoom meeting:';

// ---------------------------------------------------------------------------------------------
// Rendering

/** A value that happens to contain a marker must not end (or start) the block early. */
const defuseMarkers = (value: string): string => value.split(MARKER_TAG).join('(meetlink\u200b)');

/** One-line fields: a newline in a topic must not forge extra lines of the block. */
const oneLine = (value: string): string => defuseMarkers(value.replace(/\s+/g, ' ').trim());

const multiLine = (value: string): string[] =>
  defuseMarkers(value.replace(/\r\n?/g, '\n'))
    .split('\n')
    .map((line) => line.trimEnd());

// An Intl.DateTimeFormat costs tens of microseconds to build and a block needs two in the host's
// zone, so they are kept per zone (a zone ICU does not know gets UTC's). Hosts' zones are few: the
// cache is bounded only so that junk cannot grow it.
const MAX_CACHED_ZONES = 500;
interface ZoneFormats {
  /** The zone the block names: the host's, or UTC for one ICU does not know. */
  zone: string;
  day: Intl.DateTimeFormat;
  time: Intl.DateTimeFormat;
}
const zoneFormats = new Map<string, ZoneFormats>();

/** Throws a RangeError for a zone ICU does not know. */
const buildZoneFormats = (zone: string): ZoneFormats => ({
  zone,
  day: new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }),
  time: new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
});

const formatsOf = (timeZone: string): ZoneFormats => {
  let formats = zoneFormats.get(timeZone);
  if (formats === undefined) {
    try {
      formats = buildZoneFormats(timeZone);
    } catch {
      formats = buildZoneFormats('UTC');
    }
    if (zoneFormats.size >= MAX_CACHED_ZONES) zoneFormats.clear();
    zoneFormats.set(timeZone, formats);
  }
  return formats;
};

/** "Tuesday 4 June 2024, 10:00–10:30 (Europe/Berlin)", in the host's zone. */
export const formatWhen = (startsAt: string, endsAt: string, timeZone: string): string => {
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const { zone, day, time } = formatsOf(timeZone);
  const startDay = day.format(start).replace(',', '');
  const endDay = day.format(end).replace(',', '');
  const startTime = time.format(start);
  const endTime = time.format(end);
  const range =
    startDay === endDay
      ? `${startDay}, ${startTime}–${endTime}`
      : `${startDay}, ${startTime} – ${endDay}, ${endTime}`;
  return `${range} (${zone})`;
};

const dialInLabel = (number: DialInNumber): string => {
  const place = [number.city, number.countryName ?? number.country].filter(Boolean).join(', ');
  const details = [place, number.type === 'tollfree' ? 'toll-free' : ''].filter(Boolean).join(', ');
  return details ? `${number.number} (${details})` : number.number;
};

const isWebUrl = (value: string): boolean => /^https?:\/\/[^\s<>"']+$/i.test(value);

interface BlockLines {
  topic: string;
  when: string;
  joinUrl: string;
  meetingId: string;
  passcode: string | null;
  dialIn: Array<{ label: string; tel: string }>;
  instructions: string[];
}

const blockLines = (details: JoinDetails): BlockLines => ({
  topic: oneLine(details.topic),
  when: formatWhen(details.startsAt, details.endsAt, details.timezone),
  joinUrl: oneLine(details.joinUrl),
  meetingId: oneLine(formatMeetingId(details.meetingId)),
  passcode: details.passcode === null ? null : oneLine(details.passcode),
  dialIn: details.dialIn.map((number) => ({
    label: oneLine(dialInLabel(number)),
    tel: number.number.replace(/[^\d+]/g, ''),
  })),
  instructions: details.instructions?.trim() ? multiLine(details.instructions.trim()) : [],
});

const renderText = (lines: BlockLines): string => {
  const out = [JOIN_BLOCK_START];
  if (lines.topic) out.push(lines.topic);
  out.push(lines.when, `${JOIN_LINE_LABEL} ${lines.joinUrl}`, `Meeting ID: ${lines.meetingId}`);
  if (lines.passcode) out.push(`Passcode: ${lines.passcode}`);
  if (lines.dialIn.length > 0) {
    out.push('', 'Dial in by phone:', ...lines.dialIn.map((d) => `  ${d.label}`));
  }
  if (lines.instructions.length > 0) out.push('', ...lines.instructions);
  out.push(JOIN_BLOCK_END);
  return out.join('\n');
};

const renderHtml = (lines: BlockLines): string => {
  const e = escapeHtml;
  // A join URL that is not http(s) is shown, never linked: no javascript: in an href.
  const link = isWebUrl(lines.joinUrl)
    ? `<a href="${e(lines.joinUrl)}">${e(lines.joinUrl)}</a>`
    : e(lines.joinUrl);
  const paragraphs = [`<p>${e(JOIN_BLOCK_START)}</p>`];
  paragraphs.push(`<p>${lines.topic ? `<strong>${e(lines.topic)}</strong><br>` : ''}${e(lines.when)}</p>`);
  const access = [`${e(JOIN_LINE_LABEL)} ${link}`, `Meeting ID: ${e(lines.meetingId)}`];
  if (lines.passcode) access.push(`Passcode: ${e(lines.passcode)}`);
  paragraphs.push(`<p>${access.join('<br>')}</p>`);
  if (lines.dialIn.length > 0) {
    const numbers = lines.dialIn.map((d) =>
      d.tel ? `<a href="tel:${e(d.tel)}">${e(d.label)}</a>` : e(d.label),
    );
    paragraphs.push(`<p>Dial in by phone:<br>${numbers.join('<br>')}</p>`);
  }
  if (lines.instructions.length > 0) paragraphs.push(`<p>${lines.instructions.map(e).join('<br>')}</p>`);
  paragraphs.push(`<p>${e(JOIN_BLOCK_END)}</p>`);
  return `<div data-meetlink="join-details">${paragraphs.join('')}</div>`;
};

/** The block for one meeting. In HTML every value is escaped. */
export const renderJoinBlock = (details: JoinDetails, format: BlockFormat): string =>
  format === 'html' ? renderHtml(blockLines(details)) : renderText(blockLines(details));

// ---------------------------------------------------------------------------------------------
// Finding the block

/** Marker text as it may come back: an HTML editor may turn spaces into &nbsp;. */
const markerPattern = (marker: string): string =>
  marker
    .split(' ')
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('(?:[ \\t]|&nbsp;|&#160;|\\u00a0)+');

const START_RE = new RegExp(markerPattern(JOIN_BLOCK_START), 'g');
const END_RE = new RegExp(markerPattern(JOIN_BLOCK_END), 'g');

interface Span {
  start: number;
  end: number;
}

const findAll = (re: RegExp, text: string): Span[] =>
  [...text.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));

/** Wrapper elements the block is rendered in (or an editor may put it in); never html/body. */
const WRAPPER_TAGS = new Set(['div', 'p', 'span', 'font', 'strong', 'b', 'em', 'i', 'u', 'section']);

interface Tag {
  name: string;
  at: number;
}

/** Opening tags right before `from` (only whitespace between), innermost first. */
const openingTagsBefore = (html: string, from: number): Tag[] => {
  const tags: Tag[] = [];
  let pos = from;
  for (;;) {
    let p = pos;
    while (p > 0 && /\s/.test(html[p - 1] ?? '')) p -= 1;
    if (html[p - 1] !== '>') return tags;
    const lt = html.lastIndexOf('<', p - 1);
    if (lt === -1) return tags;
    const match = /^<([a-zA-Z][\w-]*)\b[^<>]*>$/.exec(html.slice(lt, p));
    const name = match?.[1]?.toLowerCase();
    if (!name || !WRAPPER_TAGS.has(name) || html.slice(lt, p).endsWith('/>')) return tags;
    tags.push({ name, at: lt });
    pos = lt;
  }
};

/** Closing tags right after `from` (only whitespace between), innermost first. */
const closingTagsAfter = (html: string, from: number): Tag[] => {
  const tags: Tag[] = [];
  let pos = from;
  for (;;) {
    let p = pos;
    while (p < html.length && /\s/.test(html[p] ?? '')) p += 1;
    const match = /^<\/([a-zA-Z][\w-]*)\s*>/.exec(html.slice(p));
    const name = match?.[1]?.toLowerCase();
    if (!match || !name || !WRAPPER_TAGS.has(name)) return tags;
    pos = p + match[0].length;
    tags.push({ name, at: pos });
  }
};

/** Widens a marker-to-marker span over the wrapper elements that open before it and close after it. */
const widenHtml = (html: string, span: Span): Span => {
  const before = openingTagsBefore(html, span.start);
  const after = closingTagsAfter(html, span.end);
  let pairs = 0;
  while (pairs < before.length && pairs < after.length && before[pairs]?.name === after[pairs]?.name)
    pairs += 1;
  if (pairs === 0) return span;
  return { start: before[pairs - 1]?.at ?? span.start, end: after[pairs - 1]?.at ?? span.end };
};

interface Found {
  /** Whole blocks, start marker to end marker, in order. */
  blocks: Span[];
  /** Markers without a partner: the block was half deleted by hand. */
  orphans: Span[];
}

const findBlocks = (existing: string, format: BlockFormat): Found => {
  const starts = findAll(START_RE, existing);
  const ends = findAll(END_RE, existing);
  const blocks: Span[] = [];
  const orphans: Span[] = [];
  let endIndex = 0;
  for (let i = 0; i < starts.length; i += 1) {
    const start = starts[i] as Span;
    const nextStart = starts[i + 1]?.start ?? Number.POSITIVE_INFINITY;
    while (endIndex < ends.length && (ends[endIndex] as Span).start < start.end) {
      orphans.push(ends[endIndex] as Span);
      endIndex += 1;
    }
    const end = ends[endIndex];
    if (end && end.start < nextStart) {
      blocks.push({ start: start.start, end: end.end });
      endIndex += 1;
    } else {
      orphans.push(start);
    }
  }
  orphans.push(...ends.slice(endIndex));
  const widen = (span: Span): Span => (format === 'html' ? widenHtml(existing, span) : span);
  return { blocks: blocks.map(widen), orphans: orphans.map(widen).sort((a, b) => a.start - b.start) };
};

// ---------------------------------------------------------------------------------------------
// Editing

/** Joins the text around a removed span; in plain text the blank line between them is restored. */
const joinAround = (before: string, after: string, format: BlockFormat): string => {
  if (format === 'html') return before + after;
  if (before.trim() === '' && after.trim() === '') return '';
  if (after.trim() === '') return before.trimEnd();
  if (before.trim() === '') return after.trimStart();
  return `${before.trimEnd()}\n\n${after.trimStart()}`;
};

/** Cuts non-overlapping spans out of `text`, optionally putting `replacement.text` in place of `replacement.at`. */
const cut = (
  text: string,
  spans: Span[],
  format: BlockFormat,
  replacement?: { at: Span; text: string },
): string => {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let result = text;
  // Right to left, so earlier offsets stay valid.
  for (let i = sorted.length - 1; i >= 0; i -= 1) {
    const span = sorted[i] as Span;
    const before = result.slice(0, span.start);
    const after = result.slice(span.end);
    result = span === replacement?.at ? before + replacement.text + after : joinAround(before, after, format);
  }
  return result;
};

const insertBlock = (existing: string, block: string, format: BlockFormat): string => {
  if (format === 'html') {
    const bodyEnd = existing.search(/<\/body\s*>/i);
    return bodyEnd === -1 ? existing + block : existing.slice(0, bodyEnd) + block + existing.slice(bodyEnd);
  }
  return existing.trim() === '' ? block : `${existing.trimEnd()}\n\n${block}`;
};

/**
 * Puts `block` into `existing`: in place of the first block already there (further copies and
 * stray markers are removed), else after the existing text (in HTML, before `</body>`).
 */
export const upsertJoinBlock = (existing: string, block: string, format: BlockFormat): string => {
  const { blocks, orphans } = findBlocks(existing, format);
  const first = blocks[0];
  if (!first) return insertBlock(cut(existing, orphans, format), block, format);
  return cut(existing, [...blocks, ...orphans], format, { at: first, text: block });
};

/** Takes every join block (and stray marker) out of `existing`; the text around it is kept. */
export const removeJoinBlock = (existing: string, format: BlockFormat): string => {
  const { blocks, orphans } = findBlocks(existing, format);
  if (blocks.length === 0 && orphans.length === 0) return existing;
  return cut(existing, [...blocks, ...orphans], format);
};

export const hasJoinBlock = (existing: string): boolean => findBlocks(existing, 'text').blocks.length > 0;

const decodeEntities = (text: string): string =>
  text
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** A block's visible text, so HTML that an editor rewrote still compares equal. */
const visibleText = (markup: string): string =>
  decodeEntities(markup.replace(/<br\s*\/?>|<\/p\s*>|<\/div\s*>/gi, '\n').replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Whether `existing` already holds exactly this block (one copy, no stray markers), judged by its
 * visible text: then writing it again would change nothing.
 */
export const hasCurrentJoinBlock = (existing: string, block: string): boolean => {
  const { blocks, orphans } = findBlocks(existing, 'text');
  const only = blocks[0];
  if (!only || blocks.length !== 1 || orphans.length > 0) return false;
  return visibleText(existing.slice(only.start, only.end)) === visibleText(block);
};

/** The join URL written in the (first) block, if there is one: tells whether a location is ours. */
export const findJoinUrlInBlock = (existing: string): string | null => {
  const block = findBlocks(existing, 'text').blocks[0];
  if (!block) return null;
  const text = decodeEntities(
    existing
      .slice(block.start, block.end)
      .replace(/<br\s*\/?>|<\/p\s*>|<\/div\s*>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  );
  const labelAt = text.indexOf(JOIN_LINE_LABEL);
  if (labelAt === -1) return null;
  const match = /^\s*(\S+)/.exec(text.slice(labelAt + JOIN_LINE_LABEL.length));
  return match?.[1] ?? null;
};

/** Whether a description is HTML (Google's editor saves HTML): then the block is written as HTML too. */
export const looksLikeHtml = (value: string): boolean =>
  /<(?:br|p|div|span|a|b|i|u|ul|ol|li|strong|em|html|body)\b[^>]*>/i.test(value);
