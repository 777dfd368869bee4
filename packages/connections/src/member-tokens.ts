// What every user of a member's own tokens does the same way: read the connection (decrypting it),
// refuse one that is missing or dead, and tell a refresh token that was merely replaced by another
// process from one the vendor really refused.
import { PermanentError, RetryableError } from '@meetlink/errors';
import { TokenDecryptionError } from './member-connections';
import type {
  ConnectionProvider,
  ConnectionTokens,
  MemberConnection,
  MemberConnectionStore,
} from './member-connections';

export interface MemberTokenRef {
  connections: MemberConnectionStore;
  memberId: string;
  provider: ConnectionProvider;
  /** 'Zoom', 'Google', 'Microsoft': for messages. */
  vendor: string;
}

/** The connection as stored; unreadable ciphertext is permanent, an unreachable store is not. */
export const readMemberConnection = async ({
  connections,
  memberId,
  provider,
  vendor,
}: MemberTokenRef): Promise<MemberConnection | null> => {
  try {
    return await connections.get(memberId, provider);
  } catch (error) {
    if (error instanceof TokenDecryptionError) {
      throw new PermanentError(
        'connection_unreadable',
        `member ${memberId}'s ${vendor} tokens: ${error.message}`,
        {
          cause: error,
        },
      );
    }
    throw new RetryableError(
      'connection_store_unavailable',
      `member ${memberId}'s ${vendor} connection could not be read`,
      {
        cause: error,
      },
    );
  }
};

export const connectionRevoked = (
  memberId: string,
  vendor: string,
  state: string,
  reason?: string,
): PermanentError =>
  new PermanentError(
    'connection_revoked',
    `member ${memberId}'s ${vendor} connection is ${state}${reason ? ` (${reason})` : ''}: they must connect again`,
  );

/** The tokens of a live connection; `member_not_connected` or `connection_revoked` otherwise. */
export const usableTokens = (
  { memberId, vendor }: Pick<MemberTokenRef, 'memberId' | 'vendor'>,
  connection: MemberConnection | null,
): ConnectionTokens => {
  if (!connection) {
    throw new PermanentError('member_not_connected', `member ${memberId} has not connected ${vendor}`);
  }
  if (connection.state !== 'connected' || !connection.tokens) {
    throw connectionRevoked(memberId, vendor, connection.state, connection.lastError?.code);
  }
  return connection.tokens;
};

/**
 * The vendor answered `invalid_grant` to `refused`. If another process replaced the pair meanwhile,
 * ours was merely stale: the newer tokens are returned. Otherwise the connection is marked broken and
 * `connection_revoked` thrown.
 */
export const settleRefusedRefresh = async (
  ref: MemberTokenRef,
  refused: ConnectionTokens,
  details: { message: string; providerResponse?: unknown },
): Promise<ConnectionTokens> => {
  const again = await readMemberConnection(ref);
  if (again?.state === 'connected' && again.tokens && again.tokens.refreshToken !== refused.refreshToken) {
    return again.tokens;
  }
  await ref.connections.markBroken(ref.memberId, ref.provider, {
    code: 'invalid_grant',
    message: details.message,
  });
  throw new PermanentError(
    'connection_revoked',
    `member ${ref.memberId}'s ${ref.vendor} refresh token was refused`,
    details.providerResponse === undefined ? {} : { providerResponse: details.providerResponse },
  );
};
