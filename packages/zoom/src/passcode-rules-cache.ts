// Which passcode rules a create uses, so that an ordinary create is one Zoom call. Zoom sets the rules
// for the account (or a group in it), so a grant's hosts share one read: the Server-to-Server token
// speaks for the whole account, a member's own token for that member. A host Zoom refused a passcode
// for (a group with rules of its own, or rules an admin tightened) gets its own rules from then on.
import { assertSatisfiable } from './passcode-policy';
import type { MeetingPasswordRequirement } from './passcode-policy';

export interface PasscodeRulesCacheOptions {
  /** How long rules are reused before they are read again. */
  ttlMs: number;
  now: () => number;
}

export interface PasscodeRulesLookup {
  /** The bearer token the rules are read with: the grant whose hosts share them. */
  grant: string;
  userId: string;
  /** Read `userId`'s own rules now and keep them as theirs: Zoom refused a passcode made for the cached ones. */
  afresh?: boolean;
}

export interface PasscodeRulesCache {
  /** The rules for `lookup`, cached, or from `read` (Zoom's answer for `lookup.userId`). */
  rulesFor(
    lookup: PasscodeRulesLookup,
    read: () => Promise<MeetingPasswordRequirement>,
  ): Promise<MeetingPasswordRequirement>;
}

interface Cached {
  requirement: MeetingPasswordRequirement;
  until: number;
}

/** A read's answer, and for whom: every host of the grant, or only the host it was read for. */
interface Read {
  requirement: MeetingPasswordRequirement;
  isShared: boolean;
  userKey: string | null;
}

/** Grants seen within one TTL stay few (one S2S token, one per member who connected): prune past this. */
const PRUNE_ABOVE = 256;

const isSatisfiable = (requirement: MeetingPasswordRequirement): boolean => {
  try {
    assertSatisfiable(requirement);
    return true;
  } catch {
    return false;
  }
};

export const createPasscodeRulesCache = ({ ttlMs, now }: PasscodeRulesCacheOptions): PasscodeRulesCache => {
  const byGrant = new Map<string, Cached>();
  /** Hosts with rules of their own; kept past their expiry as a sign to read theirs, not the grant's. */
  const byUser = new Map<string, Cached>();
  /** One read at a time per grant or host: a cold cache under concurrent creates reads once. */
  const reading = new Map<string, Promise<Read>>();

  const keep = (map: Map<string, Cached>, key: string, entry: Cached): void => {
    if (map.size >= PRUNE_ABOVE) {
      const at = now();
      for (const [old, cached] of map) if (cached.until <= at) map.delete(old);
    }
    map.set(key, entry);
  };

  const rulesFor: PasscodeRulesCache['rulesFor'] = (lookup, read) => {
    const { grant, userId, afresh = false } = lookup;
    // 'me' is the grant's own user (a member's token): its rules are the grant's.
    const userKey = userId === 'me' ? null : userId.toLowerCase();
    const own = userKey === null ? undefined : byUser.get(userKey);
    const at = now();
    if (!afresh) {
      if (own && own.until > at) return Promise.resolve(own.requirement);
      const shared = own ? undefined : byGrant.get(grant);
      if (shared && shared.until > at) return Promise.resolve(shared.requirement);
    }
    const readsOwn = userKey !== null && (afresh || own !== undefined);
    // A read after a refusal never joins one that may have started before it.
    const flight = afresh
      ? `afresh\u0000${userKey ?? grant}`
      : readsOwn
        ? `user\u0000${userKey}`
        : `grant\u0000${grant}`;
    const pending = reading.get(flight);
    if (pending) {
      // Another host's rules that stayed theirs (no passcode meets them) are no answer for this one.
      return pending.then((answer) =>
        answer.isShared || answer.userKey === userKey ? answer.requirement : rulesFor(lookup, read),
      );
    }
    const started = read()
      .then((requirement): Read => {
        const entry = { requirement, until: now() + ttlMs };
        if (readsOwn && userKey !== null) keep(byUser, userKey, entry);
        // The newest rules read through a grant are its other hosts' best guess (an admin who
        // tightened them shows up for all); rules no passcode meets stay with the host that has them.
        const isShared = isSatisfiable(requirement) || userKey === null;
        if (isShared) keep(byGrant, grant, entry);
        else if (userKey !== null) keep(byUser, userKey, entry);
        return { requirement, isShared, userKey };
      })
      .finally(() => reading.delete(flight));
    reading.set(flight, started);
    return started.then((answer) => answer.requirement);
  };
  return { rulesFor };
};
