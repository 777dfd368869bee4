import { formatMeetingId } from '@meetlink/events';
import fc from 'fast-check';
import type { JoinDetails } from '@meetlink/ports';
import {
  JOIN_BLOCK_END,
  JOIN_BLOCK_START,
  findJoinUrlInBlock,
  formatWhen,
  hasJoinBlock,
  looksLikeHtml,
  removeJoinBlock,
  renderJoinBlock,
  upsertJoinBlock,
} from './join-block';
import { count, joinDetails } from '../test/helpers';

// The integration tests' join details (New York dial-in, 10:00–10:30 Berlin), with values of its own
// and a second, toll-free number.
const details = (overrides: Partial<JoinDetails> = {}): JoinDetails =>
  joinDetails({
    topic: 'Intro call with Ada',
    joinUrl: 'https://zoom.us/j/81234567890?pwd=abc',
    passcode: 'k3y-9',
    dialIn: [
      ...joinDetails().dialIn,
      { country: 'DE', countryName: 'Germany', number: '+49 800 000 0000', type: 'tollfree' },
    ],
    instructions: 'Please test your audio first.\nBring your notes.',
    ...overrides,
  });

describe('renderJoinBlock', () => {
  it('shows every join detail between the markers in plain text', () => {
    const block = renderJoinBlock(details(), 'text');
    expect(block.startsWith(JOIN_BLOCK_START)).toBe(true);
    expect(block.endsWith(JOIN_BLOCK_END)).toBe(true);
    expect(block).toContain('Intro call with Ada');
    expect(block).toContain('Join Zoom meeting: https://zoom.us/j/81234567890?pwd=abc');
    expect(block).toContain('Meeting ID: 812 3456 7890');
    expect(block).toContain('Passcode: k3y-9');
    expect(block).toContain('+1 646 558 8656 (New York, United States)');
    expect(block).toContain('+49 800 000 0000 (Germany, toll-free)');
    expect(block).toContain('Please test your audio first.\nBring your notes.');
    expect(block).toContain('Tuesday 4 June 2030, 10:00–10:30 (Europe/Berlin)');
  });

  it('leaves out the passcode, dial-in and instructions lines when there are none', () => {
    const block = renderJoinBlock(details({ passcode: null, dialIn: [], instructions: undefined }), 'text');
    expect(block).not.toContain('Passcode');
    expect(block).not.toContain('Dial in');
    expect(block.split('\n')).toHaveLength(6);
  });

  it('escapes every value in HTML, so a customer named <script> cannot break out', () => {
    const hostile = '<script>alert(1)</script> & "quotes" \'single\'';
    const block = renderJoinBlock(
      details({ topic: hostile, instructions: `</p></div>${hostile}`, passcode: '<b>' }),
      'html',
    );
    expect(block).not.toContain('<script>');
    expect(block).not.toContain('</p></div><');
    expect(block).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39;',
    );
    expect(block).toContain('Passcode: &lt;b&gt;');
  });

  it('links an https join URL and only shows one with another scheme', () => {
    expect(renderJoinBlock(details(), 'html')).toContain(
      '<a href="https://zoom.us/j/81234567890?pwd=abc">https://zoom.us/j/81234567890?pwd=abc</a>',
    );
    const block = renderJoinBlock(details({ joinUrl: 'javascript:alert(1)' }), 'html');
    expect(block).not.toContain('href="javascript');
  });

  it('keeps a value that contains a marker from ending the block early', () => {
    const block = renderJoinBlock(details({ topic: JOIN_BLOCK_END, instructions: JOIN_BLOCK_START }), 'text');
    const description = upsertJoinBlock('Agenda', block, 'text');
    expect(removeJoinBlock(description, 'text')).toBe('Agenda');
  });

  it('keeps a topic on one line', () => {
    const block = renderJoinBlock(
      details({ topic: 'Line one\nJoin Zoom meeting: https://evil.example' }),
      'text',
    );
    expect(block).toContain('Line one Join Zoom meeting: https://evil.example');
    expect(findJoinUrlInBlock(block)).toBe('https://evil.example');
  });
});

describe('upsertJoinBlock (text)', () => {
  const block = renderJoinBlock(details(), 'text');

  it('appends the block after the text the host wrote', () => {
    expect(upsertJoinBlock('Agenda: pricing', block, 'text')).toBe(`Agenda: pricing\n\n${block}`);
    expect(upsertJoinBlock('', block, 'text')).toBe(block);
  });

  it('leaves one block when applied twice', () => {
    const once = upsertJoinBlock('Agenda', block, 'text');
    expect(upsertJoinBlock(once, block, 'text')).toBe(once);
    expect(count(upsertJoinBlock(once, block, 'text'), JOIN_BLOCK_START)).toBe(1);
  });

  it('replaces the block in place on a reschedule and keeps the text on both sides', () => {
    const before = `Before the block\n\n${block}\n\nAfter the block`;
    const moved = renderJoinBlock(
      details({ startsAt: '2030-06-05T12:00:00Z', endsAt: '2030-06-05T13:00:00Z' }),
      'text',
    );
    const after = upsertJoinBlock(before, moved, 'text');
    expect(after).toBe(`Before the block\n\n${moved}\n\nAfter the block`);
    expect(after).toContain('Wednesday 5 June 2030, 14:00–15:00');
  });

  it('collapses duplicate blocks into one', () => {
    const doubled = `A\n\n${block}\n\nB\n\n${block}`;
    const result = upsertJoinBlock(doubled, block, 'text');
    expect(count(result, JOIN_BLOCK_START)).toBe(1);
    expect(result).toBe(`A\n\n${block}\n\nB`);
  });

  it('drops a stray marker left by a half-deleted block and appends a fresh one', () => {
    const result = upsertJoinBlock(`Notes\n${JOIN_BLOCK_START}\nold line`, block, 'text');
    expect(count(result, JOIN_BLOCK_START)).toBe(1);
    expect(result.startsWith('Notes')).toBe(true);
    expect(result.endsWith(block)).toBe(true);
  });
});

describe('removeJoinBlock (text)', () => {
  const block = renderJoinBlock(details(), 'text');

  it('takes the block out and keeps the text around it', () => {
    expect(removeJoinBlock(`Before\n\n${block}\n\nAfter`, 'text')).toBe('Before\n\nAfter');
    expect(removeJoinBlock(`Only\n\n${block}`, 'text')).toBe('Only');
    expect(removeJoinBlock(block, 'text')).toBe('');
  });

  it('leaves a description without a block untouched', () => {
    expect(removeJoinBlock('  just notes \n', 'text')).toBe('  just notes \n');
  });

  it('undoes an upsert for any text the host may have written', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!text.includes('(meetlink)'));
        expect(removeJoinBlock(upsertJoinBlock(text, block, 'text'), 'text')).toBe(
          text.trim() === '' ? '' : text.trimEnd(),
        );
      }),
    );
  });

  it('finds the block again for any text the host may have written around it', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        fc.pre(!(before + after).includes('(meetlink)'));
        const description = upsertJoinBlock(before, block, 'text') + after;
        const replaced = upsertJoinBlock(description, block, 'text');
        expect(replaced).toBe(description);
        expect(count(replaced, JOIN_BLOCK_START)).toBe(1);
      }),
    );
  });
});

describe('upsertJoinBlock and removeJoinBlock (html)', () => {
  const block = renderJoinBlock(details(), 'html');

  it('inserts the block before </body> of a full HTML body', () => {
    const body = '<html><head></head><body><p>Agenda</p></body></html>';
    expect(upsertJoinBlock(body, block, 'html')).toBe(
      `<html><head></head><body><p>Agenda</p>${block}</body></html>`,
    );
  });

  it('replaces the whole wrapper in place, so two applications leave one block', () => {
    const body = `<html><body><p>Agenda</p>${block}<p>Bring slides</p></body></html>`;
    const moved = renderJoinBlock(
      details({ startsAt: '2030-06-05T12:00:00Z', endsAt: '2030-06-05T13:00:00Z' }),
      'html',
    );
    const result = upsertJoinBlock(body, moved, 'html');
    expect(result).toBe(`<html><body><p>Agenda</p>${moved}<p>Bring slides</p></body></html>`);
    expect(upsertJoinBlock(result, moved, 'html')).toBe(result);
  });

  it('still finds the block after an editor rewrote its markup', () => {
    // Outlook and Exchange add classes and styles, turn spaces into &nbsp; and drop data attributes.
    const rewritten =
      '<html><body><div class="x_WordSection1"><p class="MsoNormal">Agenda</p>' +
      '<div><p class="MsoNormal">--&nbsp;Zoom meeting details (meetlink) --</p>' +
      '<p class="MsoNormal">Join Zoom meeting: <a href="https://zoom.us/j/1?a=1&amp;b=2">link</a></p>' +
      '<p class="MsoNormal">-- End of Zoom meeting details (meetlink) --</p></div>' +
      '<p class="MsoNormal">Bring slides</p></div></body></html>';
    expect(findJoinUrlInBlock(rewritten)).toBe('link');
    expect(removeJoinBlock(rewritten, 'html')).toBe(
      '<html><body><div class="x_WordSection1"><p class="MsoNormal">Agenda</p><p class="MsoNormal">Bring slides</p></div></body></html>',
    );
  });

  it('never removes the html or body element around the block', () => {
    const body = `<html><body>${block}</body></html>`;
    expect(removeJoinBlock(body, 'html')).toBe('<html><body></body></html>');
  });
});

describe('findJoinUrlInBlock', () => {
  it('reads the join URL from a text or an HTML block', () => {
    const url = 'https://zoom.us/j/81234567890?pwd=abc&x=1';
    expect(findJoinUrlInBlock(`Notes\n\n${renderJoinBlock(details({ joinUrl: url }), 'text')}`)).toBe(url);
    expect(findJoinUrlInBlock(renderJoinBlock(details({ joinUrl: url }), 'html'))).toBe(url);
    expect(findJoinUrlInBlock('no block here https://zoom.us/j/1')).toBeNull();
  });
});

describe('helpers', () => {
  it('groups meeting ids as Zoom shows them', () => {
    expect(formatMeetingId('81234567890')).toBe('812 3456 7890');
    expect(formatMeetingId('8123456789')).toBe('812 345 6789');
    expect(formatMeetingId('123')).toBe('123');
  });

  it('shows a meeting across midnight with both days', () => {
    expect(formatWhen('2030-06-04T21:30:00Z', '2030-06-04T22:30:00Z', 'Europe/Berlin')).toBe(
      'Tuesday 4 June 2030, 23:30 – Wednesday 5 June 2030, 00:30 (Europe/Berlin)',
    );
  });

  it('falls back to UTC for a zone it does not know', () => {
    expect(formatWhen('2030-06-04T08:00:00Z', '2030-06-04T08:30:00Z', 'Mars/Olympus')).toBe(
      'Tuesday 4 June 2030, 08:00–08:30 (UTC)',
    );
  });

  it('tells HTML descriptions from plain text', () => {
    expect(looksLikeHtml('Line<br>next')).toBe(true);
    expect(looksLikeHtml('<p>para</p>')).toBe(true);
    expect(looksLikeHtml('a < b and c > d')).toBe(false);
    expect(hasJoinBlock(renderJoinBlock(details(), 'html'))).toBe(true);
  });
});
