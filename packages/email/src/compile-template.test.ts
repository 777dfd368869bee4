import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sampleBooking } from '@meetlink/fakes';
import type { CanceledBooking } from '@meetlink/events';
import Handlebars from 'handlebars';
import { compileTemplate } from './compile-template';
import type { EmailInput } from './email-input';
import { EMAIL_KINDS } from './email-input';
import { buildEmailView } from './email-view';
import { sampleMeeting } from './samples';
import {
  compileMjmlTemplate,
  createTextEnvironment,
  HTML_COMPILE_OPTIONS,
  TEMPLATES_DIR,
  templateBaseName,
  TEXT_COMPILE_OPTIONS,
} from './templates';

const handlebars = (source: string, options: CompileOptions = HTML_COMPILE_OPTIONS) =>
  Handlebars.create().compile(source, options);

describe('compileTemplate', () => {
  it('renders every template, HTML and text, exactly as Handlebars does', async () => {
    const base = sampleBooking({ bookingId: 'bk_compile', startsAt: new Date('2030-03-06T15:00:00Z') });
    const hostile = {
      ...base,
      customer: { ...base.customer, name: `O'Brien & <b>"Sons"</b> \`=`, timezone: 'Asia/Tokyo' },
      service: {
        ...base.service,
        location: { ...base.service.location, instructions: 'Line one\n\n  line two & <three>' },
      },
    };
    const canceled: CanceledBooking = { ...base, reason: 'Host is ill' };
    const inputs = (kind: EmailInput['kind']): EmailInput[] => [
      { kind, booking: base, meeting: sampleMeeting(), reminderOffsetMinutes: 60 },
      { kind, booking: hostile, meeting: sampleMeeting({ dialIn: [], passcode: null }), isLinkChange: true },
      {
        kind,
        booking: kind === 'canceled' ? canceled : base,
        meeting: kind === 'meeting_link' ? sampleMeeting() : null,
      },
      {
        kind,
        booking: base,
        meeting: sampleMeeting(),
        previous: { startsAt: base.startsAt, endsAt: base.endsAt },
      },
    ];
    const textEnv = await createTextEnvironment();
    // A copy: Handlebars swaps each source for its compiled function once it has used it.
    const partials = { ...(textEnv.partials as Record<string, string>) };
    for (const kind of EMAIL_KINDS) {
      const html = await compileMjmlTemplate(kind);
      const text = await readFile(join(TEMPLATES_DIR, `${templateBaseName(kind)}.txt`), 'utf8');
      const ours = {
        html: compileTemplate(html, { escape: true }),
        text: compileTemplate(text, { escape: false, partials }),
      };
      const theirs = { html: handlebars(html), text: textEnv.compile(text, TEXT_COMPILE_OPTIONS) };
      for (const input of inputs(kind)) {
        const view = buildEmailView(input);
        expect({ kind, html: ours.html(view) }).toEqual({ kind, html: theirs.html(view) });
        expect({ kind, text: ours.text(view) }).toEqual({ kind, text: theirs.text(view) });
      }
    }
  });

  it('escapes a value as Handlebars does, and leaves it alone with escaping off', () => {
    const source = '<p title="{{value}}">{{value}}</p>';
    const view = { value: `<a href="x">&'\`=</a>` };
    expect(compileTemplate(source, { escape: true })(view)).toBe(handlebars(source)(view));
    expect(compileTemplate(source, { escape: true })(view)).toContain('&lt;a href&#x3D;&quot;x&quot;&gt;');
    expect(compileTemplate(source, { escape: false })(view)).toBe(
      `<p title="${view.value}">${view.value}</p>`,
    );
  });

  it('takes the else branch for false, null, 0, an empty string and an empty list', () => {
    const render = compileTemplate('{{#if value}}yes{{else}}no{{/if}}', { escape: true });
    expect([false, null, 0, '', [], true, 1, 'x', ['x'], {}].map((value) => render({ value }))).toEqual([
      'no',
      'no',
      'no',
      'no',
      'no',
      'yes',
      'yes',
      'yes',
      'yes',
      'yes',
    ]);
  });

  it('repeats an each block per item with the item as context, and takes its else for none', () => {
    const render = compileTemplate('{{#each items}}[{{name}}]{{else}}none{{/each}}', { escape: true });
    expect(render({ items: [{ name: 'a' }, { name: '<b>' }] })).toBe('[a][&lt;b&gt;]');
    expect(render({ items: [] })).toBe('none');
    expect(render({ items: null })).toBe('none');
  });

  it('indents a standalone partial line by line, as Handlebars does', () => {
    const source = 'Top\n  {{> block}}\nBottom {{value}}\n';
    const partials = { block: 'first {{value}}\n{{#if value}}\nsecond\n{{/if}}\n' };
    const env = Handlebars.create();
    env.registerPartial(partials);
    const view = { value: 'v' };
    expect(compileTemplate(source, { escape: false, partials })(view)).toBe(
      env.compile(source, TEXT_COMPILE_OPTIONS)(view),
    );
    expect(compileTemplate(source, { escape: false, partials })(view)).toBe(
      'Top\n  first v\n  second\nBottom v\n',
    );
  });

  it('fails on a field the view does not have, in a block argument too (Handlebars would take the else)', () => {
    expect(() => compileTemplate('{{join.missing}}', { escape: true })({ join: {} })).toThrow(
      '"missing" not defined',
    );
    expect(() => compileTemplate('{{#if nope}}x{{/if}}', { escape: true })({})).toThrow('"nope" not defined');
  });

  it('refuses to print an object, which Handlebars would print as [object Object]', () => {
    expect(() => compileTemplate('{{join}}', { escape: true })({ join: { joinUrl: 'x' } })).toThrow(
      'of a object, not a text',
    );
  });

  it.each([
    ['a helper call', '{{lowercase name}}'],
    ['a helper other than if and each', '{{#with join}}x{{/with}}'],
    ['a parent path', '{{#each items}}{{../name}}{{/each}}'],
    ['@data', '{{#each items}}{{@index}}{{/each}}'],
    ['an unknown partial', '{{> nowhere}}'],
    ['a partial inside itself', '{{> self}}'],
  ])('refuses %s when the template is compiled', (_what, source) => {
    expect(() => compileTemplate(source, { escape: true, partials: { self: '{{> self}}' } })).toThrow(
      /not supported/,
    );
  });
});
