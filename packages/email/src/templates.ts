// Loads the templates from packages/email/templates: MJML for the HTML part (partials through
// mj-include) and Handlebars text for the plain-text part. MJML runs here, once per template; the
// Handlebars environments serve the benchmark's baseline, which compiles on every email.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type mjml2html from 'mjml';
import { compileTemplate } from './compile-template';
import type { EmailKind } from './email-input';
import { EMAIL_KINDS } from './email-input';
import type { EmailView } from './email-view';

/** Beside src/ and dist/ alike, so the built package finds them too. */
export const TEMPLATES_DIR = join(__dirname, '..', 'templates');
const PARTIALS_DIR = join(TEMPLATES_DIR, 'partials');

export const templateBaseName = (kind: EmailKind): string => kind.replaceAll('_', '-');
export const mjmlTemplatePath = (kind: EmailKind): string =>
  join(TEMPLATES_DIR, `${templateBaseName(kind)}.mjml`);

/** mjml2html; MJML 5 returns a Promise. */
export type Mjml2Html = typeof mjml2html;
type MjmlOptions = NonNullable<Parameters<Mjml2Html>[1]>;

let mjmlModule: Promise<Mjml2Html> | undefined;
/** `require('mjml')` takes a few hundred milliseconds: loaded on first use, once per process. */
export const loadMjml = (): Promise<Mjml2Html> => {
  // mjml is CommonJS (`module.exports = mjml2html`): import() hands it over as `default`, which
  // @types/mjml (`export =`) does not describe.
  mjmlModule ??= (import('mjml') as unknown as Promise<{ default: Mjml2Html }>).then(
    (module) => module.default,
  );
  return mjmlModule;
};

/** mj-include is off by default in MJML 5; the partials sit under the template's own folder. */
export const mjmlOptions = (kind: EmailKind): MjmlOptions => ({
  validationLevel: 'strict',
  ignoreIncludes: false,
  filePath: mjmlTemplatePath(kind),
  keepComments: false,
  // No web fonts: the system font stack renders everywhere without a request to Google.
  fonts: {},
});

/** The MJML source of a template, includes unresolved. */
export const readMjmlTemplate = (kind: EmailKind): Promise<string> =>
  readFile(mjmlTemplatePath(kind), 'utf8');

/** MJML → HTML that still holds the Handlebars placeholders. Throws on any MJML validation error. */
export const compileMjmlTemplate = async (kind: EmailKind): Promise<string> => {
  const mjml2html = await loadMjml();
  const { html } = await mjml2html(await readMjmlTemplate(kind), mjmlOptions(kind));
  return html;
};

/** HTML-escaping on: every `{{value}}` from a booking or a meeting is escaped; `{{{ }}}` is never used. */
export const HTML_COMPILE_OPTIONS: CompileOptions = { strict: true, knownHelpersOnly: true };
/** The text part is not HTML: no escaping. */
export const TEXT_COMPILE_OPTIONS: CompileOptions = { strict: true, knownHelpersOnly: true, noEscape: true };

export type CompiledTemplate = (view: EmailView) => string;

export interface CompiledTemplates {
  html: CompiledTemplate;
  text: CompiledTemplate;
}

/** The text partials (`partials/*.txt`) by name. */
const readTextPartials = async (): Promise<Record<string, string>> => {
  const files = (await readdir(PARTIALS_DIR)).filter((file) => file.endsWith('.txt'));
  const entries = await Promise.all(
    files.map(async (file) => [file.replace(/\.txt$/, ''), await readFile(join(PARTIALS_DIR, file), 'utf8')]),
  );
  return Object.fromEntries(entries) as Record<string, string>;
};

/** The Handlebars environment with the text partials registered, apart from the global one. */
export const createTextEnvironment = async (): Promise<typeof Handlebars> => {
  const env = Handlebars.create();
  for (const [name, source] of Object.entries(await readTextPartials())) env.registerPartial(name, source);
  return env;
};

/** Every template compiled to a plain function (see compile-template.ts); rejects if any is invalid. */
export const compileTemplates = async (): Promise<Record<EmailKind, CompiledTemplates>> => {
  const partials = await readTextPartials();
  const entries = await Promise.all(
    EMAIL_KINDS.map(async (kind): Promise<[EmailKind, CompiledTemplates]> => {
      const [html, text] = await Promise.all([
        compileMjmlTemplate(kind),
        readFile(join(TEMPLATES_DIR, `${templateBaseName(kind)}.txt`), 'utf8'),
      ]);
      return [
        kind,
        {
          html: compileTemplate(html, { escape: true }),
          text: compileTemplate(text, { escape: false, partials }),
        },
      ];
    }),
  );
  return Object.fromEntries(entries) as Record<EmailKind, CompiledTemplates>;
};
