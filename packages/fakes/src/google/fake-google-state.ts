// Everything the fake Google remembers: users and the calendars they may write to, service accounts,
// OAuth clients and tokens, events per calendar, injected faults, the request log and the
// Retry-Afters it handed out.
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { emailDomain } from '../email-address';
import { notFound } from './google-errors';
import type {
  FakeGoogleEvent,
  FakeGoogleEventInput,
  FakeGoogleFault,
  FakeGoogleRequest,
  FakeGoogleServiceAccountInput,
} from './types';

export const CALENDAR_SCOPES = [
  'https://www.googleapis.com/auth/calendar',
  'https://www.googleapis.com/auth/calendar.events',
];

export interface ServiceAccountRecord {
  clientEmail: string;
  publicKey: KeyObject;
  domainWideDelegation: boolean;
  delegatedScopes: string[];
}

export interface AccessTokenRecord {
  /** The email the token acts as. */
  principal: string;
  scope: string;
  expiresAt: number;
  /** The refresh token it came from, so revoking the grant kills it too. */
  grantId?: string;
}

export interface RefreshTokenRecord {
  clientId: string;
  email: string;
  scope: string;
  accessTokenTtlSeconds: number;
  revoked: boolean;
}

export interface RequestRecord extends FakeGoogleRequest {
  seq: number;
}

type Pending = FakeGoogleFault & { remaining: number };

const lower = (value: string): string => value.toLowerCase();

/** Google event ids are base32hex: lowercase a–v and digits. */
const newEventId = (): string => {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return Array.from(randomBytes(26), (b) => alphabet[b % 32]).join('');
};

export class FakeGoogleState {
  private readonly users = new Map<string, { email: string; calendars: Set<string> }>();
  private readonly serviceAccounts = new Map<string, ServiceAccountRecord>();
  private readonly oauthClients = new Map<string, string>();
  private accessTokens = new Map<string, AccessTokenRecord>();
  private refreshTokens = new Map<string, RefreshTokenRecord>();
  private calendars = new Map<string, Map<string, FakeGoogleEvent>>();
  private purged = new Set<string>();
  private faults: Pending[] = [];
  private log: RequestRecord[] = [];
  private retryAfters: Array<{ seq: number; until: number }> = [];
  private etagCounter = 1_700_000_000_000;

  constructor(
    readonly now: () => Date,
    readonly acceptAddOnConferenceData: boolean,
    private readonly autoProvision: { users?: { domains?: string[] }; events: boolean } = { events: false },
  ) {}

  // ---- users, accounts, clients

  addUser(input: { email: string; calendars?: string[] }): void {
    const existing = this.users.get(lower(input.email));
    const calendars = new Set([...(existing?.calendars ?? []), ...(input.calendars ?? []).map(lower)]);
    this.users.set(lower(input.email), { email: input.email, calendars });
  }

  allUsers(): string[] {
    return [...this.users.values()].map((u) => u.email);
  }

  hasUser(email: string): boolean {
    return this.users.has(lower(email));
  }

  /** Whether `email` is a user, creating it first when users are auto-provisioned and it is one of theirs. */
  findOrProvisionUser(email: string): boolean {
    if (this.hasUser(email)) return true;
    const users = this.autoProvision.users;
    const domain = emailDomain(email);
    if (!users || !domain) return false;
    if (users.domains && !users.domains.some((allowed) => lower(allowed) === lower(domain))) return false;
    this.addUser({ email });
    return true;
  }

  addServiceAccount(input: FakeGoogleServiceAccountInput = {}): {
    client_email: string;
    private_key?: string;
  } {
    const clientEmail =
      input.clientEmail ?? `meetlink-${randomBytes(3).toString('hex')}@fake-project.iam.gserviceaccount.com`;
    let privateKey: string | undefined;
    let publicKey: KeyObject;
    if (input.publicKey) {
      publicKey = typeof input.publicKey === 'string' ? createPublicKey(input.publicKey) : input.publicKey;
    } else {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      publicKey = pair.publicKey;
      privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    }
    this.serviceAccounts.set(lower(clientEmail), {
      clientEmail,
      publicKey,
      domainWideDelegation: input.domainWideDelegation ?? true,
      delegatedScopes: input.delegatedScopes ?? CALENDAR_SCOPES,
    });
    return { client_email: clientEmail, ...(privateKey ? { private_key: privateKey } : {}) };
  }

  findServiceAccount(clientEmail: string): ServiceAccountRecord | undefined {
    return this.serviceAccounts.get(lower(clientEmail));
  }

  addOAuthClient(clientId: string, clientSecret: string): void {
    this.oauthClients.set(clientId, clientSecret);
  }

  oauthClientSecret(clientId: string): string | undefined {
    return this.oauthClients.get(clientId);
  }

  // ---- tokens

  issueAccessToken(record: Omit<AccessTokenRecord, 'expiresAt'>, ttlSeconds: number): string {
    const token = `ya29.fake-${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(token, { ...record, expiresAt: this.now().getTime() + ttlSeconds * 1000 });
    return token;
  }

  issueRefreshToken(record: RefreshTokenRecord): string {
    const token = `1//fake-${randomBytes(24).toString('base64url')}`;
    this.refreshTokens.set(token, record);
    return token;
  }

  findRefreshToken(token: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(token);
  }

  checkAccessToken(token: string): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    if (!record || record.expiresAt <= this.now().getTime()) return undefined;
    if (record.grantId && this.refreshTokens.get(record.grantId)?.revoked) return undefined;
    return record;
  }

  revokeUser(email: string): void {
    for (const [token, record] of this.refreshTokens) {
      if (lower(record.email) === lower(email)) {
        record.revoked = true;
        for (const [access, accessRecord] of this.accessTokens) {
          if (accessRecord.grantId === token) this.accessTokens.delete(access);
        }
      }
    }
  }

  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  // ---- calendars and events

  /** The calendar `calendarId` names for `principal`, or a 404 if they cannot see it. */
  resolveCalendar(principal: string, calendarId: string): string {
    const id = calendarId === 'primary' ? lower(principal) : lower(calendarId);
    const user = this.users.get(lower(principal));
    const reachable = id === lower(principal) || user?.calendars.has(id) === true;
    if (!reachable) throw notFound();
    return id;
  }

  private calendar(calendarId: string): Map<string, FakeGoogleEvent> {
    const id = lower(calendarId);
    let events = this.calendars.get(id);
    if (!events) {
      events = new Map();
      this.calendars.set(id, events);
    }
    return events;
  }

  nextEtag(): string {
    this.etagCounter += 1 + Math.floor(Math.random() * 1000);
    return `"${this.etagCounter}"`;
  }

  seedEvent(calendarId: string, input: FakeGoogleEventInput = {}): FakeGoogleEvent {
    const owner = calendarId.includes('@') ? calendarId : 'owner@example.com';
    if (calendarId.includes('@') && !this.hasUser(calendarId)) this.addUser({ email: calendarId });
    const id = input.id ?? newEventId();
    const at = this.now().toISOString();
    const startsAt = new Date(this.now().getTime() + 24 * 3_600_000);
    const event: FakeGoogleEvent = {
      kind: 'calendar#event',
      etag: this.nextEtag(),
      id,
      status: 'confirmed',
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${owner}`).toString('base64url')}`,
      created: at,
      updated: at,
      summary: 'Meeting',
      creator: { email: owner, self: true },
      organizer: { email: owner, self: true },
      start: { dateTime: startsAt.toISOString(), timeZone: 'UTC' },
      end: { dateTime: new Date(startsAt.getTime() + 30 * 60_000).toISOString(), timeZone: 'UTC' },
      iCalUID: `${id}@google.com`,
      sequence: 0,
      reminders: { useDefault: true },
      eventType: 'default',
      ...input,
    };
    this.calendar(calendarId).set(id, event);
    this.purged.delete(`${lower(calendarId)}/${id}`);
    return structuredClone(event);
  }

  /** The live record (not a copy); undefined when it never existed or was purged. */
  /** A calendar's events, oldest first, as events.list walks them. */
  listEvents(calendarId: string): FakeGoogleEvent[] {
    return [...(this.calendars.get(lower(calendarId))?.values() ?? [])];
  }

  findEvent(calendarId: string, eventId: string): FakeGoogleEvent | undefined {
    return this.calendars.get(lower(calendarId))?.get(eventId);
  }

  /**
   * The event an API call names; with autoCreateEvents, one that was never there (nor purged) is
   * made first, as the booking system would have made it.
   */
  findOrCreateEvent(calendarId: string, eventId: string): FakeGoogleEvent | undefined {
    const found = this.findEvent(calendarId, eventId);
    if (found || !this.autoProvision.events || this.purged.has(`${lower(calendarId)}/${eventId}`))
      return found;
    this.seedEvent(calendarId, {
      id: eventId,
      summary: 'Booked meeting',
      description: 'Booked through the booking system.',
    });
    return this.findEvent(calendarId, eventId);
  }

  requireEvent(calendarId: string, eventId: string): FakeGoogleEvent {
    const event = this.findEvent(calendarId, eventId);
    if (!event) throw new Error(`fake Google has no event ${eventId} in calendar ${calendarId}`);
    return event;
  }

  touch(event: FakeGoogleEvent): void {
    event.etag = this.nextEtag();
    event.updated = this.now().toISOString();
  }

  editEvent(calendarId: string, eventId: string, changes: FakeGoogleEventInput): FakeGoogleEvent {
    const event = this.requireEvent(calendarId, eventId);
    Object.assign(event, changes);
    this.touch(event);
    return structuredClone(event);
  }

  deleteEvent(calendarId: string, eventId: string, purge: boolean): void {
    const event = this.requireEvent(calendarId, eventId);
    if (purge) {
      this.calendars.get(lower(calendarId))?.delete(eventId);
      this.purged.add(`${lower(calendarId)}/${eventId}`);
      return;
    }
    event.status = 'cancelled';
    this.touch(event);
  }

  // ---- faults

  addFault(fault: FakeGoogleFault): void {
    if (fault.times > 0) this.faults.push({ ...fault, remaining: fault.times });
  }

  takeFault<K extends FakeGoogleFault['kind']>(
    kind: K,
    method: string,
    path: string,
  ): Extract<FakeGoogleFault, { kind: K }> | undefined {
    const applies = (fault: Pending): boolean => {
      if (fault.kind !== kind) return false;
      if (fault.kind === 'concurrent_edit') return true;
      if (fault.method && fault.method.toUpperCase() !== method) return false;
      if (fault.path) {
        fault.path.lastIndex = 0;
        return fault.path.test(path);
      }
      return path.startsWith('/calendar/v3/');
    };
    const fault = this.faults.find(applies);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    const { remaining: _remaining, ...rest } = fault;
    return rest as Extract<FakeGoogleFault, { kind: K }>;
  }

  // ---- request log

  logRequest(request: Pick<FakeGoogleRequest, 'method' | 'path' | 'query'>): RequestRecord {
    const record: RequestRecord = {
      ...request,
      seq: this.log.length,
      status: 0,
      at: this.now().getTime(),
      beforeRetryAfter: this.retryAfters.some((given) => this.now().getTime() < given.until),
    };
    this.log.push(record);
    return record;
  }

  recordRetryAfter(record: RequestRecord, seconds: number): void {
    this.retryAfters.push({ seq: record.seq, until: record.at + seconds * 1000 });
  }

  requests(): FakeGoogleRequest[] {
    return this.log.map(({ seq: _seq, ...request }) => structuredClone(request));
  }

  reset(): void {
    this.calendars.clear();
    this.purged.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.faults = [];
    this.log = [];
    this.retryAfters = [];
  }
}
