// Everything the fake Graph remembers: app registrations, mailboxes, tokens and authorization codes,
// events per mailbox, injected faults, the request log and the Retry-Afters it handed out.
import { randomBytes, randomUUID } from 'node:crypto';
import { emailDomain } from '../kit/email-address';
import { EventStore } from '../kit/event-store';
import { OAuthFakeState } from '../kit/fake-state';
import { faultHits } from '../kit/fault-queue';
import type { OAuthLooks } from '../kit/oauth/tokens';
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

/** A user's delegated grant behind its refresh tokens; revoking it kills every one of them at once. */
export interface RefreshGrant {
  tenantId: string;
  clientId: string;
  userId: string;
  scope: string;
  accessTokenTtlSeconds: number;
}

/** What a consent gave, until its code is redeemed. */
export interface CodeGrant {
  clientId: string;
  userId: string;
  tenantId: string;
  /** Resource scopes only, as full URIs. */
  scope: string;
  oidc: Set<string>;
  redirectUri: string;
}

export type RequestRecord = FakeGraphRequest;

export const API_PREFIX = '/v1.0';
/** Entra ID's token strings (opaque here; a real Graph token is a JWT the client never needs to read); its codes live 10 minutes. */
const LOOKS: OAuthLooks = {
  access: ['eyJ0eXAiOiJKV1QifQ.fake-', 24],
  refresh: ['0.fake-', 32],
  code: ['0.fakeAuthCode-', 32],
  codeTtlMs: 10 * 60_000,
};

const inApi = (path: string): boolean => path.startsWith(`${API_PREFIX}/`);

const faultApplies = (fault: FakeGraphFault, target: { method: string; path: string }): boolean =>
  fault.kind === 'concurrent_edit' || faultHits(fault, target, inApi);

const lower = (value: string): string => value.toLowerCase();

export const newChangeKey = (): string => randomBytes(18).toString('base64');

export class FakeGraphState extends OAuthFakeState<
  FakeGraphFault,
  RequestRecord,
  Principal,
  RefreshGrant,
  CodeGrant
> {
  private readonly apps = new Map<string, AppRecord>();
  private readonly users = new Map<string, UserRecord>();
  private readonly events: EventStore<FakeGraphEvent>;
  private teams: Array<{ userId: string; eventId: string; joinUrl: string }> = [];

  constructor(
    now: () => Date,
    private readonly autoProvision: { tenantId?: string; events: boolean } = { events: false },
  ) {
    super(now, faultApplies, LOOKS);
    this.events = new EventStore(autoProvision.events);
  }

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

  /** The user's grants are revoked: refresh is AADSTS50173, and the access tokens die with them. */
  revokeUser(userId: string): void {
    const user = this.findUser(userId);
    this.tokens.revokeGrants((grant) => grant.userId === (user?.id ?? userId));
  }

  // ---- events

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
    this.events.put(user.id, id, event);
    return structuredClone(event);
  }

  /** The live record for a path's user (id or UPN) and event id. */
  findEvent(userId: string, eventId: string): FakeGraphEvent | undefined {
    const user = this.findUser(userId);
    return user ? this.events.find(user.id, eventId) : undefined;
  }

  /**
   * The event an API call names in `user`'s mailbox; with autoCreateEvents, one that was never there
   * (nor deleted) is made first, as the booking system would have made it.
   */
  findOrCreateEvent(user: UserRecord, eventId: string): FakeGraphEvent | undefined {
    return this.events.findOrCreate(user.id, eventId, () =>
      this.seedEvent(user.id, {
        id: eventId,
        subject: 'Booked meeting',
        body: { contentType: 'html', content: '<p>Booked through the booking system.</p>' },
        bodyPreview: 'Booked through the booking system.',
      }),
    );
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
    this.events.remove(user.id, eventId);
  }

  recordTeamsMeeting(userId: string, eventId: string, joinUrl: string): void {
    this.teams.push({ userId, eventId, joinUrl });
  }

  teamsMeetingsCreated(): Array<{ userId: string; eventId: string; joinUrl: string }> {
    return this.teams.map((t) => ({ ...t }));
  }

  /** Forget events, tokens, faults, requests and Teams meetings; keep apps and users. */
  override reset(): void {
    super.reset();
    this.events.clear();
    this.teams = [];
  }
}
