// Google access tokens: a service account with domain-wide delegation (the JWT bearer grant of
// RFC 7523, `sub` = the host's email), or a member's own OAuth tokens. google-auth-library's JWT
// client posts to a hard-coded https://oauth2.googleapis.com/token, so the grant is signed here and
// sent to the configured token URL, which lets the same code run against the fake.
import { createSign } from 'node:crypto';
import { PermanentError } from '@meetlink/errors';
import type { MemberConnectionStore } from '@meetlink/store';
import type { AccessTokenSource } from './access-tokens';
import { combineTokenSources, createCachedTokenSource, createMemberTokenSource } from './access-tokens';
import { OAuthGrantError } from './oauth-token';
import type { RequestToken } from './oauth-token';

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

export interface GoogleTokenSourceOptions {
  tokenUrl: string;
  requestToken: RequestToken;
  serviceAccount?: GoogleServiceAccount;
  connections?: MemberConnectionStore;
  /** Our OAuth client, to refresh members' tokens. */
  oauthClient?: { clientId: string; clientSecret: string };
  now?: () => Date;
}

export const createGoogleTokenSource = ({
  tokenUrl,
  requestToken,
  serviceAccount,
  connections,
  oauthClient,
  now = () => new Date(),
}: GoogleTokenSourceOptions): AccessTokenSource => {
  const app = serviceAccount
    ? createCachedTokenSource({
        keyOf: (host) => host.email.toLowerCase(),
        now,
        fetchToken: async (host) => {
          const assertion = signServiceAccountJwt(
            serviceAccount,
            { scope: GOOGLE_CALENDAR_SCOPE, aud: tokenUrl, sub: host.email },
            now(),
          );
          try {
            return await requestToken({ grant_type: JWT_BEARER_GRANT, assertion });
          } catch (error) {
            if (!(error instanceof OAuthGrantError)) throw error;
            const providerResponse = {
              status: error.status,
              error: error.error,
              error_description: error.description,
            };
            if (error.error === 'unauthorized_client') {
              throw new PermanentError(
                'google_delegation_not_authorized',
                `Google refused delegation to ${host.email}: the service account ${serviceAccount.client_email} is not authorized for ${GOOGLE_CALENDAR_SCOPE} in the Workspace admin console (${error.message})`,
                { providerResponse },
              );
            }
            throw new PermanentError(
              'google_delegation_refused',
              `Google refused a token for ${host.email} through ${serviceAccount.client_email}: ${error.message}`,
              { providerResponse },
            );
          }
        },
      })
    : undefined;

  const member = connections
    ? createMemberTokenSource({
        connections,
        provider: 'google',
        vendor: 'Google',
        now,
        ...(oauthClient
          ? {
              refresh: (tokens) =>
                requestToken({
                  grant_type: 'refresh_token',
                  refresh_token: tokens.refreshToken,
                  client_id: oauthClient.clientId,
                  client_secret: oauthClient.clientSecret,
                }),
            }
          : {}),
      })
    : undefined;

  return combineTokenSources('Google', { ...(member ? { member } : {}), ...(app ? { app } : {}) });
};
