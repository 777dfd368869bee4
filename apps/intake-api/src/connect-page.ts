// The page a person sees after connecting in the browser. Every value is escaped.
import { escapeHtml } from '@meetlink/email';

export const renderConnectedPage = (
  vendor: string,
  { memberId, providerUserId }: { memberId: string; providerUserId: string | null },
): string =>
  [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(vendor)} connected</title>`,
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}</style>',
    '</head><body>',
    `<h1>${escapeHtml(vendor)} is connected</h1>`,
    `<p>Member <strong>${escapeHtml(memberId)}</strong> is connected${
      providerUserId ? ` as <strong>${escapeHtml(providerUserId)}</strong>` : ''
    }. Bookings now use this account. You can close this tab.</p>`,
    '</body></html>',
  ].join('');
