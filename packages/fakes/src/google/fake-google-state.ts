// Everything the fake Google remembers: users and the calendars they may write to, service accounts,
// OAuth clients, tokens and authorization codes, events per calendar, injected faults, the request log
// and the Retry-Afters it handed out.
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { emailDomain } from '../kit/email-address';
import { EventStore } from '../kit/event-store';
import { OAuthFakeState } from '../kit/fake-state';
import { faultHits } from '../kit/fault-queue';
import type { OAuthLooks } from '../kit/oauth/tokens';
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

/** Whom an access token speaks for. */
export interface AccessTokenRecord {
  /** The email the token acts as. */
  principal: string;
  scope: string;
}

/** A user's grant to an OAuth client, behind its refresh token (never rotated, as Google does). */
export interface RefreshGrant {
  clientId: string;
  email: string;
  scope: string;
  accessTokenTtlSeconds: number;
}

/** What a consent gave, until its code is exchanged. */
export interface CodeGrant {
  clientId: string;
  email: string;
  scope: string;
  redirectUri: string;
  /** A refresh token comes with the exchange. */
  offline: boolean;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export type RequestRecord = FakeGoogleRequest;

/** Google's token strings; its authorization codes live 10 minutes. */
const LOOKS: OAuthLooks = {
  access: ['ya29.fake-', 24],
  refresh: ['1//fake-', 24],
  code: ['4/0fake-', 24],
  codeTtlMs: 10 * 60_000,
};

const inApi = (path: string): boolean => path.startsWith('/calendar/v3/');

const faultApplies = (fault: FakeGoogleFault, target: { method: string; path: string }): boolean =>
  fault.kind === 'concurrent_edit' || faultHits(fault, target, inApi);

const lower = (value: string): string => value.toLowerCase();

/** Google event ids are base32hex: lowercase a–v and digits. */
const newEventId = (): string => {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return Array.from(randomBytes(26), (b) => alphabet[b % 32]).join('');
};

export class FakeGoogleState extends OAuthFakeState<
  FakeGoogleFault,
  RequestRecord,
  AccessTokenRecord,
  RefreshGrant,
  CodeGrant
> {
  private readonly users = new Map<string, { email: string; calendars: Set<string> }>();
  private readonly serviceAccounts = new Map<string, ServiceAccountRecord>();
  private readonly oauthClients = new Map<string, OAuthClient>();
  private readonly events: EventStore<FakeGoogleEvent>;
  private etagCounter = 1_700_000_000_000;

  constructor(
    now: () => Date,
    readonly acceptAddOnConferenceData: boolean,
    private readonly autoProvision: { users?: { domains?: string[] }; events: boolean } = { events: false },
  ) {
    super(now, faultApplies, LOOKS);
    this.events = new EventStore(autoProvision.events);
  }

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
    this.oauthClients.set(clientId, { clientId, clientSecret });
  }

  findOAuthClient(clientId: string): OAuthClient | undefined {
    return this.oauthClients.get(clientId);
  }

  // ---- tokens

  /** The user's grants are revoked: refresh is invalid_grant, and their access tokens die with them. */
  revokeUser(email: string): void {
    this.tokens.revokeGrants((grant) => lower(grant.email) === lower(email));
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
    this.events.put(lower(calendarId), id, event);
    return structuredClone(event);
  }

  /** A calendar's events, oldest first, as events.list walks them. */
  listEvents(calendarId: string): FakeGoogleEvent[] {
    return this.events.list(lower(calendarId));
  }

  /** The live record (not a copy); undefined when it never existed or was purged. */
  findEvent(calendarId: string, eventId: string): FakeGoogleEvent | undefined {
    return this.events.find(lower(calendarId), eventId);
  }

  /**
   * The event an API call names; with autoCreateEvents, one that was never there (nor purged) is
   * made first, as the booking system would have made it.
   */
  findOrCreateEvent(calendarId: string, eventId: string): FakeGoogleEvent | undefined {
    return this.events.findOrCreate(lower(calendarId), eventId, () =>
      this.seedEvent(calendarId, {
        id: eventId,
        summary: 'Booked meeting',
        description: 'Booked through the booking system.',
      }),
    );
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
      this.events.remove(lower(calendarId), eventId);
      return;
    }
    event.status = 'cancelled';
    this.touch(event);
  }

  /** Forget events, tokens, faults and requests; keep users, service accounts and OAuth clients. */
  override reset(): void {
    super.reset();
    this.events.clear();
  }
}
