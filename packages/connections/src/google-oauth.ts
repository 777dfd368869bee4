// Google's web-server flow: GOOGLE_OAUTH_AUTHORIZE_URL with access_type=offline and prompt=consent
// (without both, Google sends no refresh token on a second connect), scopes `openid email` and
// calendar.events; the code is exchanged at GOOGLE_OAUTH_TOKEN_URL. The member's email comes from
// the id_token, read without checking its signature: it arrives straight from Google's token
// endpoint over TLS and only labels the connection, it grants nothing. The cheap call is events.list
// on the primary calendar (calendar.events allows it; calendarList would need another scope).
import type { OAuthAppOptions, OAuthProvider } from './oauth-provider';
import { createOAuthFlow } from './oauth-provider';

export const GOOGLE_CONNECT_SCOPES = ['openid', 'email', 'https://www.googleapis.com/auth/calendar.events'];

export interface GoogleOAuthOptions extends OAuthAppOptions {
  authorizeUrl: string;
  tokenUrl: string;
  /** googleapis' rootUrl: the Calendar API is under {origin}/calendar/v3. */
  apiRootUrl: string;
}

const emailFromIdToken = (idToken: string | undefined): string | null => {
  const payload = idToken?.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      email?: unknown;
      sub?: unknown;
    };
    if (typeof claims.email === 'string') return claims.email;
    return typeof claims.sub === 'string' ? claims.sub : null;
  } catch {
    return null;
  }
};

export const createGoogleOAuth = (options: GoogleOAuthOptions): OAuthProvider => {
  const eventsUrl = `${new URL(options.apiRootUrl).origin}/calendar/v3/calendars/primary/events?maxResults=1`;
  return createOAuthFlow(options, {
    provider: 'google',
    vendor: 'Google',
    authorizeUrl: options.authorizeUrl,
    authorizeParams: {
      scope: GOOGLE_CONNECT_SCOPES.join(' '),
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
    },
    tokenUrl: options.tokenUrl,
    clientAuth: 'form',
    noRefreshTokenMessage:
      'Google granted no refresh token (offline access was not given); connect again and allow offline access',
    identify: (answer) => emailFromIdToken(answer.id_token),
    whoAmI: async (accessToken, getJson) => {
      const list = (await getJson('events.list (primary)', eventsUrl, accessToken)) as {
        summary?: unknown;
      };
      return { providerUserId: typeof list.summary === 'string' ? list.summary : null };
    },
  });
};
