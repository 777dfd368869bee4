// Everything the fake Zoom remembers, and the lookups its routes share: which user a path names for a
// given token, which meetings a token may touch, the request log and the Retry-Afters it handed out.
import { randomBytes } from 'node:crypto';
import { emailDomain } from '../kit/email-address';
import { OAuthFakeState } from '../kit/fake-state';
import { faultHits } from '../kit/fault-queue';
import type { MeetingHost } from './meeting-record';
import { normalizePasswordRequirement } from './passcode-rules';
import { DailyCreateUpdateLimit } from './rate-limits';
import { ZOOM_LOOKS, ZoomApps } from './oauth-apps';
import type { CodeGrant, Principal, UserGrant } from './oauth-apps';
import type {
  FakeZoomFault,
  FakeZoomMeeting,
  FakeZoomRequest,
  FakeZoomRetryAfter,
  FakeZoomUserInput,
} from './types';
import { meetingNotFound, userNotFound } from './zoom-errors';

export interface UserRecord extends MeetingHost {
  accountId: string;
  createdAt: Date;
}

/** A request as logged, with what the Retry-After check needs. */
export interface RequestRecord extends FakeZoomRequest {
  countsTowardDailyLimit: boolean;
}

interface PageCursor {
  userId: string;
  type: string;
  offset: number;
}

const isV2 = (path: string): boolean => path === '/v2' || path.startsWith('/v2/');

/** A fault without `path` hits /v2 calls only, so a token fetch in front of an API call does not use it up. */
const faultApplies = (fault: FakeZoomFault, target: { method: string; path: string }): boolean =>
  (fault.kind !== 'status' && fault.kind !== 'rate_limit') || faultHits(fault, target, isV2);

export class FakeZoomState extends OAuthFakeState<
  FakeZoomFault,
  RequestRecord,
  Principal,
  UserGrant,
  CodeGrant,
  FakeZoomRetryAfter
> {
  readonly apps = new ZoomApps();
  readonly daily: DailyCreateUpdateLimit;
  private readonly users = new Map<string, UserRecord>();
  private readonly meetingsById = new Map<number, FakeZoomMeeting>();
  private deleted: FakeZoomMeeting[] = [];
  private cursors = new Map<string, PageCursor>();

  constructor(
    now: () => Date,
    dailyLimit: number,
    /** The account whose S2S token may name any email as a user (see StartFakeZoomOptions). */
    private readonly autoProvisionAccountId?: string,
  ) {
    super(now, faultApplies, ZOOM_LOOKS);
    this.daily = new DailyCreateUpdateLimit(dailyLimit);
  }

  addUser(input: FakeZoomUserInput): void {
    this.users.set(input.id, {
      id: input.id,
      email: input.email,
      accountId: input.accountId,
      timezone: input.timezone ?? 'UTC',
      requirement: normalizePasswordRequirement(input.passwordRequirement),
      requirePasscode: input.requirePasscode ?? true,
      createdAt: this.now(),
    });
  }

  findUser(idOrEmail: string): UserRecord | undefined {
    const byId = this.users.get(idOrEmail);
    if (byId) return byId;
    const email = idOrEmail.toLowerCase();
    return [...this.users.values()].find((user) => user.email.toLowerCase() === email);
  }

  allUsers(): UserRecord[] {
    return [...this.users.values()];
  }

  requireUser(userId: string): UserRecord {
    const user = this.users.get(userId);
    if (!user) throw new Error(`fake Zoom has no user ${userId}; addUser first`);
    return user;
  }

  /**
   * The user `param` names, as `principal` may see it: an account's token reaches every user of the
   * account by id or email (and, in the auto-provisioned account, an email nobody has yet becomes a
   * user); a user's token reaches only that user, also as 'me'.
   */
  resolveUser(principal: Principal, param: string): UserRecord {
    if (principal.kind === 'user') {
      const self = this.users.get(principal.userId);
      if (self && (param === 'me' || param === self.id || param.toLowerCase() === self.email.toLowerCase())) {
        return self;
      }
      throw userNotFound(param);
    }
    const user = param === 'me' ? undefined : (this.findUser(param) ?? this.provision(principal, param));
    if (!user || user.accountId !== principal.accountId) throw userNotFound(param);
    return user;
  }

  /** A new user of the auto-provisioned account for an email no user has yet, else undefined. */
  private provision(principal: Principal, email: string): UserRecord | undefined {
    if (principal.accountId !== this.autoProvisionAccountId || emailDomain(email) === undefined)
      return undefined;
    // Zoom user ids are 22 characters of base64url, e.g. 'KDcuGIm1QgePTO8WbOqwIQ'.
    const id = randomBytes(16).toString('base64url');
    this.addUser({ id, email, accountId: principal.accountId });
    return this.users.get(id);
  }

  /** A live meeting `principal` may act on; 3001 for one that is gone or out of its reach. */
  resolveMeeting(principal: Principal, param: string): FakeZoomMeeting {
    const meeting = /^\d+$/.test(param) ? this.meetingsById.get(Number(param)) : undefined;
    const host = meeting ? this.users.get(meeting.hostUserId) : undefined;
    const reachable =
      meeting &&
      host &&
      (principal.kind === 'user' ? principal.userId === host.id : principal.accountId === host.accountId);
    if (!meeting || !reachable) throw meetingNotFound(param);
    return meeting;
  }

  hasMeetingId(id: number): boolean {
    return this.meetingsById.has(id) || this.deleted.some((m) => m.id === id);
  }

  saveMeeting(meeting: FakeZoomMeeting): void {
    this.meetingsById.set(meeting.id, meeting);
  }

  deleteMeeting(meeting: FakeZoomMeeting): void {
    this.meetingsById.delete(meeting.id);
    this.deleted.push(meeting);
  }

  meetings(): FakeZoomMeeting[] {
    return [...this.meetingsById.values()];
  }

  deletedMeetings(): FakeZoomMeeting[] {
    return [...this.deleted];
  }

  /** An opaque next_page_token for the rest of a listing. */
  saveCursor(cursor: PageCursor): string {
    const token = randomBytes(24).toString('base64url');
    this.cursors.set(token, cursor);
    return token;
  }

  findCursor(token: string): PageCursor | undefined {
    return this.cursors.get(token);
  }

  /** Marks whether `record` arrived while a Retry-After given to an earlier request still ran. */
  checkRetryAfter(record: RequestRecord): void {
    record.beforeRetryAfter = this.log.isBeforeRetryAfter(record, (given) =>
      given.userId === undefined
        ? record.path.startsWith('/v2')
        : record.countsTowardDailyLimit && record.userId === given.userId,
    );
  }

  recordRetryAfter(
    record: RequestRecord,
    retryAfter: Omit<FakeZoomRetryAfter, 'path' | 'userId'>,
    userId?: string,
  ): void {
    this.log.giveRetryAfter(record, { ...retryAfter, path: record.path, ...(userId ? { userId } : {}) });
  }

  lastRetryAfter(): FakeZoomRetryAfter | undefined {
    const last = this.log.lastRetryAfter();
    return last ? { ...last } : undefined;
  }

  requests(): FakeZoomRequest[] {
    return this.log.list(({ countsTowardDailyLimit: _counts, ...request }) => request);
  }

  /** Every token and code of that user stops working (124 on the API, invalid_grant at the token endpoint). */
  revokeUser(userId: string): void {
    this.tokens.dropAccess((principal) => principal.kind === 'user' && principal.userId === userId);
    this.tokens.revokeGrants((grant) => grant.userId === userId);
    this.codes.drop((code) => code.userId === userId);
  }

  /** Forget meetings, requests, faults, tokens, codes and counters; keep accounts, users and apps. */
  override reset(): void {
    super.reset();
    this.codes.clear();
    this.meetingsById.clear();
    this.deleted = [];
    this.cursors.clear();
    this.daily.clear();
  }
}
