// What the three fakes' authorize pages share: who is "signed in" at the provider in the browser,
// whether they will allow or deny the app, the redirect back with `code` and `state` (RFC 6749
// §4.1.2) or `error` (§4.1.2.1), and the HTML pages a person sees instead of a redirect.
import type { Response } from 'express';

export interface ConsentUser {
  /** What `signIn` and `fake_user` take. */
  id: string;
  label: string;
}

/** The browser's session at the provider, as a test or sandbox user sets it up. */
export class ConsentSession {
  private signedIn: string | null = null;
  private answer: 'allow' | 'deny' = 'allow';
  private readonly redirectUris = new Map<string, string[]>();

  signIn(userId: string | null, options: { deny?: boolean } = {}): void {
    this.signedIn = userId;
    this.answer = options.deny ? 'deny' : 'allow';
  }

  get signedInUser(): string | null {
    return this.signedIn;
  }

  get willDeny(): boolean {
    return this.answer === 'deny';
  }

  /** The app's registered redirect URIs; an app with none registered accepts any http(s) URI. */
  registerRedirectUris(clientId: string, uris: readonly string[] | undefined): void {
    if (uris && uris.length > 0) this.redirectUris.set(clientId, [...uris]);
  }

  isAllowedRedirect(clientId: string, uri: string): boolean {
    const registered = this.redirectUris.get(clientId);
    if (registered) return registered.includes(uri);
    try {
      return ['http:', 'https:'].includes(new URL(uri).protocol);
    } catch {
      return false;
    }
  }

  /**
   * The user the consent is given as: the one signed in, the one picked on the chooser page
   * (`fake_user`), or the only user there is. Undefined: show the chooser.
   */
  pickUser(users: readonly ConsentUser[], picked: string | undefined): ConsentUser | undefined {
    const wanted = picked ?? this.signedIn ?? undefined;
    if (wanted !== undefined) {
      const lower = wanted.toLowerCase();
      return users.find((u) => u.id === wanted || u.label.toLowerCase() === lower);
    }
    return users.length === 1 ? users[0] : undefined;
  }

  reset(): void {
    this.signedIn = null;
    this.answer = 'allow';
  }
}

const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** An error the provider shows in the browser instead of redirecting (bad client or redirect URI). */
export const renderAuthorizeError = (res: Response, status: number, title: string, message: string): void => {
  res
    .status(status)
    .type('html')
    .set('cache-control', 'no-store')
    .send(page(title, `<p>${escapeHtml(message)}</p>`));
};

/** The account chooser: one link per user, each carrying `fake_user`. */
export const renderChooser = (
  res: Response,
  provider: string,
  requestUrl: URL,
  users: readonly ConsentUser[],
): void => {
  const links = users
    .map((user) => {
      const url = new URL(requestUrl);
      url.searchParams.set('fake_user', user.id);
      return `<li><a href="${escapeHtml(url.pathname + url.search)}">Sign in as ${escapeHtml(user.label)} and allow</a></li>`;
    })
    .join('');
  res
    .status(200)
    .type('html')
    .set('cache-control', 'no-store')
    .send(
      page(
        `${provider} (fake): choose an account`,
        users.length ? `<ul>${links}</ul>` : '<p>This fake has no users; add one first.</p>',
      ),
    );
};

/** 302 back to the app with `params` added to its redirect URI's query. */
export const redirectBack = (
  res: Response,
  redirectUri: string,
  params: Record<string, string | undefined>,
): void => {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  res.set('cache-control', 'no-store').redirect(302, url.toString());
};

export const queryParam = (query: unknown, name: string): string | undefined => {
  const value = (query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
