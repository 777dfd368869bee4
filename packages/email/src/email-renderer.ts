// Renders booking emails. MJML runs once per template when the renderer is created, and each
// template becomes a plain function (compile-template.ts); each email then costs one call per part,
// plus the ICS.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { EmailInput, EmailKind, IcsMethod, RenderedEmail } from './email-input';
import { EMAIL_KINDS } from './email-input';
import type { EmailView } from './email-view';
import { buildEmailView } from './email-view';
import { buildIcs, icsSequence } from './ics';
import { sampleMeeting, selfCheckBooking } from './samples';
import type { CompiledTemplates } from './templates';
import {
  compileMjmlTemplate,
  compileTemplates,
  createTextEnvironment,
  HTML_COMPILE_OPTIONS,
  TEMPLATES_DIR,
  templateBaseName,
  TEXT_COMPILE_OPTIONS,
} from './templates';

export interface EmailRendererOptions {
  /** The clock for the ICS DTSTAMP. Default: the system clock. */
  now?: () => Date;
  /** Right-hand side of each event UID (`<bookingId>@<uidDomain>`); keep it stable once in use. */
  uidDomain?: string;
}

export interface EmailRenderer {
  render(input: EmailInput): RenderedEmail;
}

const icsMethodFor = (kind: EmailKind): IcsMethod | null => {
  if (kind === 'canceled') return 'CANCEL';
  // A reminder changes nothing about the event; another REQUEST would only re-prompt calendars.
  if (kind === 'reminder') return null;
  return 'REQUEST';
};

/** Handlebars' conditionals leave blank lines behind: at most one empty line in a row, no trailing blanks. */
const tidyText = (text: string): string =>
  `${text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;

const assemble = (
  input: EmailInput,
  view: EmailView,
  html: string,
  text: string,
  options: EmailRendererOptions,
): RenderedEmail => {
  const method = icsMethodFor(input.kind);
  const reason = view.reason ?? undefined;
  const sequence = Math.max(
    icsSequence(input.booking.version, method !== 'CANCEL' && input.meeting !== null),
    input.sequence ?? 0,
  );
  return {
    subject: view.subject,
    html,
    text: tidyText(text),
    ics: method
      ? {
          method,
          sequence,
          content: buildIcs({
            booking: input.booking,
            meeting: method === 'CANCEL' ? null : input.meeting,
            join: method === 'CANCEL' ? null : view.join,
            method,
            sequence,
            now: (options.now ?? (() => new Date()))(),
            ...(reason ? { reason } : {}),
            ...(options.uidDomain ? { uidDomain: options.uidDomain } : {}),
          }),
        }
      : null,
  };
};

/** Loads and compiles every template (MJML at strict validation); rejects if any template is invalid. */
export const createEmailRenderer = async (options: EmailRendererOptions = {}): Promise<EmailRenderer> => {
  const templates: Record<EmailKind, CompiledTemplates> = await compileTemplates();
  const render = (input: EmailInput): RenderedEmail => {
    const view = buildEmailView(input);
    const template = templates[input.kind];
    return assemble(input, view, template.html(view), template.text(view), options);
  };
  // A field a template names that the view lacks fails only when rendered: render every kind now, and
  // fail at start-up rather than on a customer's email.
  const booking = selfCheckBooking();
  for (const kind of EMAIL_KINDS) {
    render({ kind, booking, meeting: sampleMeeting(), reminderOffsetMinutes: 60, reason: 'self-check' });
  }
  return { render };
};

export interface PerEmailMjmlRenderer {
  render(input: EmailInput): Promise<RenderedEmail>;
}

/**
 * The baseline the benchmark compares against: MJML and Handlebars' compiler run for every email.
 * Same output as `createEmailRenderer`, many times the cost; not for production use.
 */
export const createPerEmailMjmlRenderer = async (
  options: EmailRendererOptions = {},
): Promise<PerEmailMjmlRenderer> => {
  const textEnv = await createTextEnvironment();
  const textSources = Object.fromEntries(
    await Promise.all(
      EMAIL_KINDS.map(async (kind) => [
        kind,
        await readFile(join(TEMPLATES_DIR, `${templateBaseName(kind)}.txt`), 'utf8'),
      ]),
    ),
  ) as Record<EmailKind, string>;
  return {
    render: async (input) => {
      const view = buildEmailView(input);
      const html = Handlebars.create().compile<EmailView>(
        await compileMjmlTemplate(input.kind),
        HTML_COMPILE_OPTIONS,
      )(view);
      const text = textEnv.compile<EmailView>(textSources[input.kind], TEXT_COMPILE_OPTIONS)(view);
      return assemble(input, view, html, text, options);
    },
  };
};
