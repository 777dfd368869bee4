// Every template passes MJML's validator at strict level, and keeps Handlebars blocks where MJML
// leaves them alone (inside mj-text and mj-raw).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EMAIL_KINDS } from './email-input';
import { loadMjml, mjmlOptions, readMjmlTemplate, TEMPLATES_DIR } from './templates';

describe('MJML templates', () => {
  it.each(EMAIL_KINDS)('%s is valid at strict level, partials included', async (kind) => {
    const mjml2html = await loadMjml();
    const result = await mjml2html(await readMjmlTemplate(kind), {
      ...mjmlOptions(kind),
      validationLevel: 'strict',
    });
    expect(result.errors).toEqual([]);
    expect(result.html).toContain('{{customerName}}');
  });

  it('strict validation does reject an invalid template', async () => {
    const mjml2html = await loadMjml();
    const invalid = '<mjml><mj-body><mj-section><mj-text>loose</mj-text></mj-section></mj-body></mjml>';
    await expect(mjml2html(invalid, { validationLevel: 'strict' })).rejects.toThrow(
      /mj-text cannot be used inside mj-section/,
    );
  });

  it('puts Handlebars blocks only inside mj-text and mj-raw', async () => {
    const files = [
      ...(await readdir(TEMPLATES_DIR)).map((f) => join(TEMPLATES_DIR, f)),
      ...(await readdir(join(TEMPLATES_DIR, 'partials'))).map((f) => join(TEMPLATES_DIR, 'partials', f)),
    ].filter((file) => file.endsWith('.mjml'));
    expect(files.length).toBeGreaterThanOrEqual(EMAIL_KINDS.length + 5);
    for (const file of files) {
      const outside = (await readFile(file, 'utf8'))
        .replace(/<mj-text[^>]*>[\s\S]*?<\/mj-text>/g, '')
        .replace(/<mj-raw[^>]*>[\s\S]*?<\/mj-raw>/g, '');
      expect({ file, blocks: outside.match(/\{\{\s*[#/^]|\{\{\s*else/g) ?? [] }).toEqual({
        file,
        blocks: [],
      });
    }
  });
});
