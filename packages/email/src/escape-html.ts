// The one HTML escape of the tree, for text put into HTML by hand (calendar join blocks, reconnect
// notices, the connect page); the MJML templates escape through Handlebars.
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
