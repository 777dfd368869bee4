// HTML the fakes' own pages (consent screens, the SMTP sink) are built with.

/** Everything from a request or a message goes through this before it lands on a page. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
