// The response headers helmet would set, for an API that also serves a few small HTML pages (the
// connect result): nothing may frame, sniff, prefetch or load anything, and no URL (connect links
// and OAuth callbacks carry signed values) leaks through a Referer.
import type { RequestHandler } from 'express';

const HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
};

/** HSTS only where the public URL is https: browsers ignore it over http, and it must not pin localhost. */
export const securityHeaders = ({ isHttps }: { isHttps: boolean }): RequestHandler => {
  const headers = Object.entries(
    isHttps ? { ...HEADERS, 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : HEADERS,
  );
  // Straight to Node: Express's res.set would coerce and re-check each value on every request.
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
};

/**
 * The ops dashboard (bull-board at /admin/queues) is a single-page app: its page, scripts, styles and
 * images come from our own origin (`<base href>` points at it, so base-uri must allow 'self'), it
 * polls its own API, and it sets inline styles. Nothing else is relaxed: no inline or eval'd script
 * (its config is an inert JSON `<script>`), no third-party origin (the Google Fonts stylesheet its
 * page links stays blocked; the UI falls back to system fonts), no framing, no form posts.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; " +
  "connect-src 'self'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

/** Replaces the API's CSP for the routes below it; every other header stays. */
export const contentSecurityPolicy =
  (policy: string): RequestHandler =>
  (_req, res, next) => {
    res.set('Content-Security-Policy', policy);
    next();
  };

/** For answers that carry or complete credentials: never cached by a browser or proxy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
