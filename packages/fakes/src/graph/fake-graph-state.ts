// Everything the fake Graph remembers: app registrations, mailboxes, tokens, events per mailbox,
// injected faults, the request log and the Retry-Afters it handed out.
import { randomBytes, randomUUID } from 'node:crypto';
import { emailDomain } from '../email-address';
import { invalidUser } from './graph-errors';
import type { FakeGraphEvent, FakeGraphEventInput, FakeGraphFault, FakeGraphRequest } from './types';

export interface AppRecord {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  applicationPermissions: string[];
}

export interface UserRecord {
  id: string;
  userPrincipalName: string;
  tenantId?: string;
}

export type Principal =
  | { kind: 'app'; tenantId: string; clientId: string; roles: string[] }
  | { kind: 'user'; userId: string; clientId: string; scope: string };

interface AccessTokenRecord {
  principal: Principal;
  expiresAt: number;
  grantId?: string;
}

export interface RefreshTokenRecord {
  tenantId: string;
  clientId: string;
  userId: string;
  scope: string;
  accessTokenTtlSeconds: number;
  /** Revoked grants: every refresh token of the user dies at once. */
  revoked: boolean;
}

export interface RequestRecord extends FakeGraphRequest {
  seq: number;
}

type Pending = FakeGraphFault & { remaining: number };

const lower = (value: string): string => value.toLowerCase();

export const newChangeKey = (): string => randomBytes(18).toString('base64');

export class FakeGraphState {
  private readonly apps = new Map<string, AppRecord>();
  private readonly users = new Map<string, UserRecord>();
  private accessTokens = new Map<string, AccessTokenRecord>();
  private refreshTokens = new Map<string, RefreshTokenRecord>();
  private mailboxes = new Map<string, Map<string, FakeGraphEvent>>();
  private faults: Pending[] = [];
  private log: RequestRecord[] = [];
  private retryAfters: Array<{ until: number }> = [];
  private teams: Array<{ userId: string; eventId: string; joinUrl: string }> = [];
  /** `<user id>/<event id>` of deleted events, which autoCreateEvents must not bring back. */
  private deleted = new Set<string>();

  constructor(
    readonly now: () => Date,
    private readonly autoProvision: { tenantId?: string; events: boolean } = { events: false },
  ) {}

  // ---- apps and users

  addApp(input: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    applicationPermissions?: string[];
  }): void {
    this.apps.set(input.clientId, {
      tenantId: input.tenantId,
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      applicationPermissions: input.applicationPermissions ?? ['Calendars.ReadWrite'],
    });
  }

  findApp(clientId: string): AppRecord | undefined {
    return this.apps.get(clientId);
  }

  addUser(input: UserRecord): void {
    this.users.set(input.id, { ...input });
  }

  allUsers(): UserRecord[] {
    return [...this.users.values()];
  }

  /** By object id or user principal name, case-insensitively. */
  findUser(idOrUpn: string): UserRecord | undefined {
    const wanted = lower(idOrUpn);
    return [...this.users.values()].find(
      (u) => lower(u.id) === wanted || lower(u.userPrincipalName) === wanted,
    );
  }

  /**
   * The mailbox an app token of `tenantId` names; when that tenant's users are auto-provisioned, an
   * email no mailbox has becomes one, with a new object id.
   */
  findOrProvisionUser(idOrUpn: string, tenantId: string): UserRecord | undefined {
    const found = this.findUser(idOrUpn);
    if (found || tenantId !== this.autoProvision.tenantId || emailDomain(idOrUpn) === undefined) return found;
    const user = { id: randomUUID(), userPrincipalName: idOrUpn, tenantId };
    this.users.set(user.id, user);
    return user;
  }

  requireUser(idOrUpn: string): UserRecord {
    const user = this.findUser(idOrUpn);
    if (!user) throw invalidUser(idOrUpn);
    return user;
  }

  private ensureUser(idOrUpn: string): UserRecord {
    const found = this.findUser(idOrUpn);
    if (found) return found;
    const user = {
      id: idOrUpn,
      userPrincipalName: idOrUpn.includes('@') ? idOrUpn : `${idOrUpn}@example.com`,
    };
    this.users.set(user.id, user);
    return user;
  }

  // ---- tokens

  issueAccessToken(principal: Principal, ttlSeconds: number, grantId?: string): string {
    // Opaque here; a real Graph token is a JWT the client never needs to read.
    const token = `eyJ0eXAiOiJKV1QifQ.fake-${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(token, {
      principal,
      expiresAt: this.now().getTime() + ttlSeconds * 1000,
      ...(grantId ? { grantId } : {}),
    });
    return token;
  }

  issueRefreshToken(record: RefreshTokenRecord): string {
    const token = `0.fake-${randomBytes(32).toString('base64url')}`;
    this.refreshTokens.set(token, record);
    return token;
  }

  findRefreshToken(token: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(token);
  }

  checkAccessToken(
    token: string,
  ): { ok: true; principal: Principal } | { ok: false; reason: 'unknown' | 'expired' } {
    const record = this.accessTokens.get(token);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.grantId && this.refreshTokens.get(record.grantId)?.revoked)
      return { ok: false, reason: 'unknown' };
    if (record.expiresAt <= this.now().getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, principal: record.principal };
  }

  revokeUser(userId: string): void {
    const user = this.findUser(userId);
    for (const record of this.refreshTokens.values()) {
      if (record.userId === (user?.id ?? userId)) record.revoked = true;
    }
  }

  expireAccessTokens(): void {
    const past = this.now().getTime() - 1;
    for (const record of this.accessTokens.values()) record.expiresAt = past;
  }

  // ---- events

  private mailbox(userId: string): Map<string, FakeGraphEvent> {
    let events = this.mailboxes.get(userId);
    if (!events) {
      events = new Map();
      this.mailboxes.set(userId, events);
    }
    return events;
  }

  seedEvent(idOrUpn: string, input: FakeGraphEventInput = {}): FakeGraphEvent {
    const user = this.ensureUser(idOrUpn);
    const id = input.id ?? `AAMkAD${randomBytes(48).toString('base64url')}=`;
    const changeKey = newChangeKey();
    const at = this.now().toISOString();
    const startsAt = new Date(this.now().getTime() + 24 * 3_600_000);
    const fmt = (d: Date): string => d.toISOString().replace('Z', '0000');
    const event: FakeGraphEvent = {
      '@odata.etag': `W/"${changeKey}"`,
      id,
      createdDateTime: at,
      lastModifiedDateTime: at,
      changeKey,
      categories: [],
      iCalUId: `040000008200E00074C5B7101A82E008${randomBytes(16).toString('hex').toUpperCase()}`,
      subject: 'Meeting',
      bodyPreview: '',
      importance: 'normal',
      sensitivity: 'normal',
      isAllDay: false,
      isCancelled: false,
      isOrganizer: true,
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
      responseRequested: true,
      showAs: 'busy',
      type: 'singleInstance',
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
      onlineMeetingUrl: null,
      isOnlineMeeting: false,
      onlineMeetingProvider: 'unknown',
      onlineMeeting: null,
      body: { contentType: 'html', content: '' },
      start: { dateTime: fmt(startsAt), timeZone: 'UTC' },
      end: { dateTime: fmt(new Date(startsAt.getTime() + 30 * 60_000)), timeZone: 'UTC' },
      location: {
        displayName: '',
        locationType: 'default',
        uniqueIdType: 'unknown',
        address: {},
        coordinates: {},
      },
      locations: [],
      attendees: [],
      organizer: { emailAddress: { name: user.userPrincipalName, address: user.userPrincipalName } },
      ...input,
    };
    this.mailbox(user.id).set(id, event);
    this.deleted.delete(`${user.id}/${id}`);
    return structuredClone(event);
  }

  /** The live record for a path's user (id or UPN) and event id. */
  findEvent(userId: string, eventId: string): FakeGraphEvent | undefined {
    const user = this.findUser(userId);
    return user ? this.mailboxes.get(user.id)?.get(eventId) : undefined;
  }

  /**
   * The event an API call names in `user`'s mailbox; with autoCreateEvents, one that was never there
   * (nor deleted) is made first, as the booking system would have made it.
   */
  findOrCreateEvent(user: UserRecord, eventId: string): FakeGraphEvent | undefined {
    const found = this.findEvent(user.id, eventId);
    if (found || !this.autoProvision.events || this.deleted.has(`${user.id}/${eventId}`)) return found;
    this.seedEvent(user.id, {
      id: eventId,
      subject: 'Booked meeting',
      body: { contentType: 'html', content: '<p>Booked through the booking system.</p>' },
      bodyPreview: 'Booked through the booking system.',
    });
    return this.findEvent(user.id, eventId);
  }

  requireEvent(userId: string, eventId: string): FakeGraphEvent {
    const event = this.findEvent(userId, eventId);
    if (!event) throw new Error(`fake Graph has no event ${eventId} for ${userId}`);
    return event;
  }

  touch(event: FakeGraphEvent): void {
    event.changeKey = newChangeKey();
    event['@odata.etag'] = `W/"${event.changeKey}"`;
    event.lastModifiedDateTime = this.now().toISOString();
  }

  editEvent(userId: string, eventId: string, changes: FakeGraphEventInput): FakeGraphEvent {
    const event = this.requireEvent(userId, eventId);
    Object.assign(event, structuredClone(changes));
    this.touch(event);
    return structuredClone(event);
  }

  deleteEvent(userId: string, eventId: string): void {
    const user = this.requireUser(userId);
    this.requireEvent(userId, eventId);
    this.mailboxes.get(user.id)?.delete(eventId);
    this.deleted.add(`${user.id}/${eventId}`);
  }

  recordTeamsMeeting(userId: string, eventId: string, joinUrl: string): void {
    this.teams.push({ userId, eventId, joinUrl });
  }

  teamsMeetingsCreated(): Array<{ userId: string; eventId: string; joinUrl: string }> {
    return this.teams.map((t) => ({ ...t }));
  }

  // ---- faults

  addFault(fault: FakeGraphFault): void {
    if (fault.times > 0) this.faults.push({ ...fault, remaining: fault.times });
  }

  takeFault<K extends FakeGraphFault['kind']>(
    kind: K,
    method: string,
    path: string,
    apiPrefix: string,
  ): Extract<FakeGraphFault, { kind: K }> | undefined {
    const applies = (fault: Pending): boolean => {
      if (fault.kind !== kind) return false;
      if (fault.kind === 'concurrent_edit') return true;
      if (fault.method && fault.method.toUpperCase() !== method) return false;
      if (fault.path) {
        fault.path.lastIndex = 0;
        return fault.path.test(path);
      }
      return path.startsWith(`${apiPrefix}/`);
    };
    const fault = this.faults.find(applies);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    const { remaining: _remaining, ...rest } = fault;
    return rest as Extract<FakeGraphFault, { kind: K }>;
  }

  // ---- request log

  logRequest(request: Pick<FakeGraphRequest, 'method' | 'path' | 'query'>): RequestRecord {
    const at = this.now().getTime();
    const record: RequestRecord = {
      ...request,
      seq: this.log.length,
      status: 0,
      at,
      beforeRetryAfter: this.retryAfters.some((given) => at < given.until),
    };
    this.log.push(record);
    return record;
  }

  recordRetryAfter(record: RequestRecord, seconds: number): void {
    this.retryAfters.push({ until: record.at + seconds * 1000 });
  }

  requests(): FakeGraphRequest[] {
    return this.log.map(({ seq: _seq, ...request }) => structuredClone(request));
  }

  reset(): void {
    this.mailboxes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.faults = [];
    this.log = [];
    this.retryAfters = [];
    this.teams = [];
    this.deleted.clear();
  }
}
