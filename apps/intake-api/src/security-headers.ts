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
  const headers = isHttps
    ? { ...HEADERS, 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }
    : HEADERS;
  return (_req, res, next) => {
    res.set(headers);
    next();
  };
};

/** For answers that carry or complete credentials: never cached by a browser or proxy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
