// The sink's web page (sandbox mode): the received emails in a list, each shown as the customer would
// see it. A message's HTML is untrusted: it is served under a CSP sandbox into a sandboxed iframe,
// and everything else on these pages is escaped.
import type { Response, Router } from 'express';
import express from 'express';
import { escapeHtml } from '../kit/html';
import type { ParsedMessage } from './types';

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2937; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
  th { color: #6b7280; font-weight: 600; }
  a { color: #0b5cff; }
  iframe { width: 100%; max-width: 720px; height: 900px; border: 1px solid #d1d5db; resize: vertical; }
  pre { background: #f9fafb; border: 1px solid #e5e7eb; padding: 12px; white-space: pre-wrap; max-width: 720px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
  dt { color: #6b7280; }
  .empty { color: #6b7280; }
</style></head><body>${body}</body></html>`;

const listPage = (messages: ParsedMessage[]): string => {
  const rows = [...messages]
    .reverse()
    .map(
      (
        m,
      ) => `<tr><td>${escapeHtml(m.id)}</td><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', '))}</td>
<td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || '(no subject)')}</a></td>
<td>${m.attachments.map((a) => escapeHtml(a.filename ?? a.contentType)).join(', ')}</td></tr>`,
    )
    .join('\n');
  return page(
    'SMTP sink',
    `<h1>SMTP sink</h1><p>${messages.length} email(s) received, newest first. <a href="/api/messages">JSON</a></p>
${messages.length === 0 ? '<p class="empty">Nothing yet.</p>' : `<table><thead><tr><th>#</th><th>received</th><th>to</th><th>subject</th><th>attachments</th></tr></thead><tbody>${rows}</tbody></table>`}`,
  );
};

const messagePage = (m: ParsedMessage): string => {
  const base = `/messages/${encodeURIComponent(m.id)}`;
  const facts: [string, string][] = [
    ['From', m.from],
    ['To', m.to.join(', ')],
    ['Subject', m.subject],
    ['Date', m.headers['date'] ?? ''],
    ['Message-ID', m.messageId ?? ''],
    ['Received', m.receivedAt],
  ];
  const attachments = m.attachments
    .map(
      (a, index) =>
        `<li><a href="${base}/attachments/${index}">${escapeHtml(a.filename ?? `part ${index}`)}</a> ${escapeHtml(a.contentType)}${a.method ? ` (METHOD:${escapeHtml(a.method)})` : ''}, ${a.size} bytes</li>`,
    )
    .join('');
  return page(
    m.subject || '(no subject)',
    `<p><a href="/">← all emails</a> · <a href="${base}/raw">raw .eml</a></p>
<h1>${escapeHtml(m.subject || '(no subject)')}</h1>
<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
${attachments ? `<h2>Attachments</h2><ul>${attachments}</ul>` : ''}
<h2>HTML</h2>
${m.html === null ? '<p class="empty">No HTML part.</p>' : `<iframe title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox" src="${base}/html"></iframe>`}
<h2>Text</h2>
${m.text === null ? '<p class="empty">No text part.</p>' : `<pre>${escapeHtml(m.text)}</pre>`}`,
  );
};

const summary = (m: ParsedMessage) => ({
  id: m.id,
  receivedAt: m.receivedAt,
  envelope: m.envelope,
  from: m.from,
  to: m.to,
  subject: m.subject,
  messageId: m.messageId,
  html: m.html,
  text: m.text,
  headers: m.headers,
  attachments: m.attachments.map((a, index) => ({
    filename: a.filename,
    contentType: a.contentType,
    method: a.method,
    size: a.size,
    url: `/messages/${encodeURIComponent(m.id)}/attachments/${index}`,
  })),
});

export const sinkPages = (store: { messages(): ParsedMessage[]; clear(): void }): Router => {
  const router = express.Router();
  const find = (id: string | undefined, res: Response): ParsedMessage | undefined => {
    const found = store.messages().find((m) => m.id === id);
    if (!found) res.status(404).type('text/plain').send('No such message');
    return found;
  };

  router.get('/', (_req, res) => {
    res.type('html').send(listPage(store.messages()));
  });
  router.get('/api/messages', (_req, res) => {
    res.json(store.messages().map(summary));
  });
  router.delete('/api/messages', (_req, res) => {
    store.clear();
    res.status(204).end();
  });
  router.get('/messages/:id', (req, res) => {
    const m = find(req.params.id, res);
    if (m) res.type('html').send(messagePage(m));
  });
  router.get('/messages/:id/html', (req, res) => {
    const m = find(req.params.id, res);
    if (!m) return;
    // No scripts, no requests except images; links open outside the sandbox.
    res.set(
      'content-security-policy',
      "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'",
    );
    res.type('html').send(m.html ?? '');
  });
  router.get('/messages/:id/text', (req, res) => {
    const m = find(req.params.id, res);
    if (m) res.type('text/plain; charset=utf-8').send(m.text ?? '');
  });
  router.get('/messages/:id/raw', (req, res) => {
    const m = find(req.params.id, res);
    if (!m) return;
    res.set('content-disposition', `attachment; filename="message-${m.id}.eml"`);
    res.type('message/rfc822').send(m.raw);
  });
  router.get('/messages/:id/attachments/:index', (req, res) => {
    const m = find(req.params.id, res);
    if (!m) return;
    const attachment = m.attachments[Number(req.params.index)];
    if (!attachment) {
      res.status(404).type('text/plain').send('No such attachment');
      return;
    }
    const filename = (attachment.filename ?? `attachment-${req.params.index}`).replace(/[^\w.-]/g, '_');
    res.set('content-disposition', `attachment; filename="${filename}"`);
    res.set('x-content-type-options', 'nosniff');
    res.type(attachment.contentType).send(attachment.content);
  });
  return router;
};
