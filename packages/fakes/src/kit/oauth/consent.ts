// The authorize endpoint of the authorization code flow, as the three fakes serve it: who is "signed
// in" at the provider in the browser, whether they will allow or deny the app, the redirect back
// with `code` and `state` (RFC 6749 §4.1.2) or `error` (§4.1.2.1), and the HTML pages a person sees
// instead of a redirect (a bad client or redirect URI is never redirected to).
import express from 'express';
import type { Request, Response, Router } from 'express';
import { escapeHtml } from '../html';
import { formField } from './client-auth';

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

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

const sendPage = (res: Response, status: number, html: string): void => {
  res.status(status).type('html').set('cache-control', 'no-store').send(html);
};

/** The account chooser: one link per user, each carrying `fake_user`. */
const renderChooser = (
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
  sendPage(
    res,
    200,
    page(
      `${provider} (fake): choose an account`,
      users.length ? `<ul>${links}</ul>` : '<p>This fake has no users; add one first.</p>',
    ),
  );
};

type RedirectParams = Record<string, string | undefined>;

/** 302 back to the app with `params` added to its redirect URI's query. */
const redirectBack = (res: Response, redirectUri: string, params: RedirectParams): void => {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  res.set('cache-control', 'no-store').redirect(302, url.toString());
};

/** One authorize request as the endpoint read it. */
export interface AuthorizeAsk {
  req: Request;
  /** '' when absent, as are the others. */
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  /** A non-empty query parameter. */
  param: (name: string) => string | undefined;
}

/** An error the provider shows in the browser instead of redirecting. */
export interface AuthorizeErrorPage {
  status: number;
  message: string;
}

/** The provider's sign-in site as the browser sees it: who is signed in there, and its origin. */
export interface ConsentSite {
  session: ConsentSession;
  origin: () => string;
}

export interface AuthorizeEndpointSpec {
  path: string;
  /** 'Zoom': the pages are titled 'Zoom (fake)'. */
  provider: string;
  /** The page for a client the provider does not know (checked first); undefined for a known one. */
  unknownClient(ask: AuthorizeAsk): AuthorizeErrorPage | undefined;
  /** The page for a redirect URI the client did not register. */
  redirectMismatch(ask: AuthorizeAsk): AuthorizeErrorPage;
  /** A page for a request the provider refuses before it looks at response_type. */
  refusePage?(ask: AuthorizeAsk): AuthorizeErrorPage | undefined;
  /** The redirect for a request (with response_type=code) the provider refuses before sign-in. */
  refuseRedirect?(ask: AuthorizeAsk): RedirectParams | undefined;
  /** Who may sign in for this request. */
  users(ask: AuthorizeAsk): ConsentUser[];
  /** What a denial says besides `error=access_denied`. */
  denial?: Record<string, string>;
  /** The user allowed the app: the parameters of the redirect back (the code, `state`, …). */
  consent(ask: AuthorizeAsk, user: ConsentUser): RedirectParams;
}

export const authorizeEndpoint = ({ session, origin }: ConsentSite, spec: AuthorizeEndpointSpec): Router => {
  const router = express.Router();
  const errorPage = (res: Response, { status, message }: AuthorizeErrorPage): void =>
    sendPage(res, status, page(`${spec.provider} (fake)`, `<p>${escapeHtml(message)}</p>`));

  router.get(spec.path, (req, res) => {
    const param = (name: string): string | undefined => formField(req.query, name);
    const ask: AuthorizeAsk = {
      req,
      clientId: param('client_id') ?? '',
      redirectUri: param('redirect_uri') ?? '',
      state: param('state'),
      param,
    };
    const unknown = spec.unknownClient(ask);
    if (unknown) return errorPage(res, unknown);
    if (!session.isAllowedRedirect(ask.clientId, ask.redirectUri))
      return errorPage(res, spec.redirectMismatch(ask));
    const refusedPage = spec.refusePage?.(ask);
    if (refusedPage) return errorPage(res, refusedPage);
    if (param('response_type') !== 'code')
      return redirectBack(res, ask.redirectUri, { error: 'unsupported_response_type', state: ask.state });
    const refused = spec.refuseRedirect?.(ask);
    if (refused) return redirectBack(res, ask.redirectUri, refused);
    const users = spec.users(ask);
    const user = session.pickUser(users, param('fake_user'));
    if (!user) return renderChooser(res, spec.provider, new URL(req.originalUrl, origin()), users);
    if (session.willDeny)
      return redirectBack(res, ask.redirectUri, { error: 'access_denied', ...spec.denial, state: ask.state });
    return redirectBack(res, ask.redirectUri, spec.consent(ask, user));
  });
  return router;
};
