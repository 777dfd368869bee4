// Google access tokens: a service account with domain-wide delegation (the JWT bearer grant of
// RFC 7523, `sub` = the host's email), or a member's own OAuth connection. google-auth-library's JWT
// client posts to a hard-coded https://oauth2.googleapis.com/token, so the grant is signed here and
// sent to the configured token URL, which lets the same code run against the fake.
import { createSign } from 'node:crypto';
import { PermanentError } from '@meetlink/errors';
import type { AccessTokenSource } from '@meetlink/ports';
import { createTokenEndpointClient, endpointTransport, OAuthGrantError } from './token-endpoint';
import { combineTokenSources, createAppTokenCache, memberTokenSourceFrom } from './token-sources';
import type { TokenSourceDeps } from './token-sources';

export const DEFAULT_GOOGLE_OAUTH_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GOOGLE_CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface GoogleServiceAccount {
  client_email: string;
  private_key: string;
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** The signed assertion: RS256 over `header.claims`, valid for one hour (Google's maximum). */
export const signServiceAccountJwt = (
  account: GoogleServiceAccount,
  claims: { scope: string; aud: string; sub?: string },
  now: Date,
): string => {
  const iat = Math.floor(now.getTime() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({
      iss: account.client_email,
      scope: claims.scope,
      aud: claims.aud,
      iat,
      exp: iat + 3600,
      ...(claims.sub ? { sub: claims.sub } : {}),
    }),
  );
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(account.private_key);
  return `${header}.${payload}.${base64url(signature)}`;
};

export interface GoogleTokenSourceOptions extends TokenSourceDeps {
  /** GOOGLE_OAUTH_TOKEN_URL. */
  tokenUrl?: string | undefined;
  serviceAccount?: GoogleServiceAccount | undefined;
  /** Our OAuth client (GOOGLE_CLIENT_ID / _SECRET, both or neither), to refresh members' tokens. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

export const createGoogleTokenSource = (options: GoogleTokenSourceOptions): AccessTokenSource => {
  const tokenUrl = options.tokenUrl ?? DEFAULT_GOOGLE_OAUTH_TOKEN_URL;
  const { serviceAccount, clientId, clientSecret } = options;
  const now = options.now ?? (() => new Date());
  const endpoint = (client?: { clientId: string; clientSecret: string }) =>
    createTokenEndpointClient({
      url: tokenUrl,
      vendor: 'Google',
      ...endpointTransport(options),
      ...(client ? { client: { ...client, auth: 'form' as const } } : {}),
    });
  const assertionGrant = endpoint();
  const app = serviceAccount
    ? createAppTokenCache({
        keyOf: (host) => host.email.toLowerCase(),
        userIdOf: (host) => host.email,
        now,
        fetchToken: async (host) => {
          const assertion = signServiceAccountJwt(
            serviceAccount,
            { scope: GOOGLE_CALENDAR_SCOPE, aud: tokenUrl, sub: host.email },
            now(),
          );
          try {
            return await assertionGrant({ grant_type: JWT_BEARER_GRANT, assertion });
          } catch (error) {
            if (!(error instanceof OAuthGrantError)) throw error;
            const providerResponse = {
              status: error.status,
              error: error.error,
              error_description: error.description,
            };
            const reason = `${error.error}${error.description ? `: ${error.description}` : ''}`;
            if (error.error === 'unauthorized_client') {
              throw new PermanentError(
                'google_delegation_not_authorized',
                `Google refused delegation to ${host.email}: the service account ${serviceAccount.client_email} is not authorized for ${GOOGLE_CALENDAR_SCOPE} in the Workspace admin console (${reason})`,
                { providerResponse },
              );
            }
            throw new PermanentError(
              'google_delegation_refused',
              `Google refused a token for ${host.email} through ${serviceAccount.client_email}: ${reason}`,
              { providerResponse },
            );
          }
        },
      })
    : undefined;

  const refreshGrant = clientId && clientSecret ? endpoint({ clientId, clientSecret }) : undefined;
  const member = memberTokenSourceFrom(options, {
    provider: 'google',
    vendor: 'Google',
    ...(refreshGrant
      ? {
          refresh: (tokens) =>
            refreshGrant({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }),
        }
      : {}),
  });

  return combineTokenSources('Google', { member, app });
};
