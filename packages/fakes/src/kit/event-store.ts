// Events kept per owner (a Google calendar, an Outlook mailbox), and the ids removed for good, which
// auto-created events must not bring back (sandbox mode's autoCreateEvents).

export class EventStore<E> {
  private readonly owners = new Map<string, Map<string, E>>();
  private readonly removed = new Set<string>();

  constructor(private readonly autoCreate: boolean) {}

  /** The live record (not a copy); undefined when it never existed or was removed. */
  find(owner: string, eventId: string): E | undefined {
    return this.owners.get(owner)?.get(eventId);
  }

  /** An owner's events, oldest first. */
  list(owner: string): E[] {
    return [...(this.owners.get(owner)?.values() ?? [])];
  }

  put(owner: string, eventId: string, event: E): void {
    let events = this.owners.get(owner);
    if (!events) {
      events = new Map();
      this.owners.set(owner, events);
    }
    events.set(eventId, event);
    this.removed.delete(`${owner}/${eventId}`);
  }

  remove(owner: string, eventId: string): void {
    this.owners.get(owner)?.delete(eventId);
    this.removed.add(`${owner}/${eventId}`);
  }

  /**
   * The event an API call names; with autoCreate, one that was never there (nor removed) is made
   * first by `make`, as the booking system would have made it.
   */
  findOrCreate(owner: string, eventId: string, make: () => void): E | undefined {
    const found = this.find(owner, eventId);
    if (found || !this.autoCreate || this.removed.has(`${owner}/${eventId}`)) return found;
    make();
    return this.find(owner, eventId);
  }

  clear(): void {
    this.owners.clear();
    this.removed.clear();
  }
}
