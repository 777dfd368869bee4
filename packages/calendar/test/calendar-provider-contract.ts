// What every CalendarProvider adapter must do, whatever the vendor: one conformance suite, which each
// adapter's test file runs against its own fake. What only one vendor does stays in that file.
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { CalendarRef } from '@meetlink/events';
import type { AccessTokenSource, CalendarProvider, HostRef } from '@meetlink/ports';
import { JOIN_BLOCK_START } from '../src';
import { count, countingTokens, joinDetails, rejectionOf } from './helpers';

/** One vendor's adapter on its fake, as the suite drives it (called inside the tests, after set-up). */
export interface ContractVendor {
  host: HostRef;
  /** The adapter with the file's credentials; `maxConflictRetries` and `watchTokens` as given. */
  provider(options?: {
    maxConflictRetries?: number;
    watchTokens?: (source: AccessTokenSource) => AccessTokenSource;
  }): CalendarProvider;
  /** The adapter with no credentials at all and no member connection. */
  providerWithoutCredentials(): CalendarProvider;
  ref(eventId: string): CalendarRef;
  /** A new event in the host's calendar, with this text the host wrote and this location; its id. */
  seed(text?: string, location?: string): string;
  /** The event's text as stored (Google's description, Outlook's HTML body) and its location. */
  text(eventId: string): string;
  location(eventId: string): string;
  /** The host changes the location meanwhile. */
  setLocation(eventId: string, location: string): void;
  delete(eventId: string): void;
  /** An event id the fake does not know. */
  missingEventId: string;
  /** The concurrent edit the fake made (see VendorFake) is still in the event: ours did not overwrite it. */
  keepsConcurrentEdit(eventId: string): boolean;
  fake: VendorFake;
}

/** What the suite asks of the vendor's fake itself: both fakes share these, from the fake kit. */
export interface VendorFake {
  /** The next `times` writes find that someone else saved the event first (412). */
  inject(fault: { kind: 'concurrent_edit'; times: number }): void;
  /** Every access token issued so far stops working: the next call is answered 401. */
  expireAccessTokens(): void;
  /** Every request, in order; a token request with its grant type. */
  requests(): readonly { method: string; status: number; grantType?: string }[];
}

export const describeCalendarProviderContract = (vendor: ContractVendor): void => {
  describe('as every CalendarProvider', () => {
    const { host } = vendor;
    const patchStatuses = () =>
      vendor.fake
        .requests()
        .filter((request) => request.method === 'PATCH')
        .map((request) => request.status);
    const tokensIssued = () => vendor.fake.requests().filter((request) => request.grantType).length;
    // One adapter per test, as a worker holds one: its token cache lives as long as the test.
    let provider: CalendarProvider;
    beforeEach(() => {
      provider = vendor.provider();
    });
    const apply = (eventId: string, adapter = provider) =>
      adapter.applyJoinBlock(vendor.ref(eventId), host, joinDetails());
    const remove = (eventId: string, joinUrl: string | null) =>
      provider.removeJoinBlock(vendor.ref(eventId), host, joinUrl);

    it('writes one block and nothing more when applied twice', async () => {
      const id = vendor.seed('Agenda');
      await expect(apply(id)).resolves.toBe('patched');
      await expect(apply(id)).resolves.toBe('unchanged');
      expect(count(vendor.text(id), JOIN_BLOCK_START)).toBe(1);
      expect(patchStatuses().filter((status) => status === 200)).toHaveLength(1);
    });

    it('reads the event again and retries when someone else saved it first (412), keeping their edit', async () => {
      const id = vendor.seed('Agenda');
      vendor.fake.inject({ kind: 'concurrent_edit', times: 1 });
      await expect(apply(id)).resolves.toBe('patched');
      expect(patchStatuses()).toEqual([412, 200]);
      expect(vendor.keepsConcurrentEdit(id)).toBe(true);
      expect(count(vendor.text(id), JOIN_BLOCK_START)).toBe(1);
    });

    it("asks for the host's token once an operation, its re-read after a 412 included", async () => {
      const tokens = countingTokens();
      const watched = vendor.provider({ watchTokens: tokens.watch });
      const id = vendor.seed('Agenda');
      vendor.fake.inject({ kind: 'concurrent_edit', times: 1 });
      await expect(apply(id, watched)).resolves.toBe('patched');
      expect(tokens.asks()).toBe(1);
      await expect(watched.removeJoinBlock(vendor.ref(id), host, null)).resolves.toBe('removed');
      expect(tokens.asks()).toBe(2);
    });

    it('gives up with a retryable conflict when the event keeps changing', async () => {
      vendor.fake.inject({ kind: 'concurrent_edit', times: 100 });
      const error = await rejectionOf(apply(vendor.seed(), vendor.provider({ maxConflictRetries: 2 })));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.code).toBe('calendar_edit_conflict');
      expect(patchStatuses()).toHaveLength(3);
    });

    it('fails permanently for an event that does not exist', async () => {
      const error = await rejectionOf(apply(vendor.missingEventId));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.code).toBe('calendar_event_not_found');
    });

    it('takes the block out and clears the location it set, keeping the host text', async () => {
      const id = vendor.seed('Agenda');
      await apply(id);
      await expect(remove(id, joinDetails().joinUrl)).resolves.toBe('removed');
      expect(vendor.text(id)).not.toContain(JOIN_BLOCK_START);
      expect(vendor.text(id)).toContain('Agenda');
      expect(vendor.location(id)).toBe('');
      await expect(remove(id, joinDetails().joinUrl)).resolves.toBe('unchanged');
    });

    it('finds the join URL in the block when the caller does not know it', async () => {
      const id = vendor.seed('Agenda');
      await apply(id);
      await expect(remove(id, null)).resolves.toBe('removed');
      expect(vendor.location(id)).toBe('');
    });

    it('leaves a location that is not ours alone', async () => {
      const id = vendor.seed('Agenda', 'Room 4, Main Street 1');
      await apply(id);
      vendor.setLocation(id, 'Room 4, Main Street 1');
      await expect(remove(id, joinDetails().joinUrl)).resolves.toBe('removed');
      expect(vendor.location(id)).toBe('Room 4, Main Street 1');
    });

    it('answers event_gone for a deleted event, writing nothing', async () => {
      const id = vendor.seed();
      vendor.delete(id);
      await expect(remove(id, null)).resolves.toBe('event_gone');
      expect(patchStatuses()).toHaveLength(0);
    });

    it('gets a new token once when the vendor answers 401', async () => {
      const id = vendor.seed();
      await apply(id);
      const issued = tokensIssued();
      vendor.fake.expireAccessTokens();
      await expect(remove(id, null)).resolves.toBe('removed');
      expect(tokensIssued()).toBe(issued + 1);
    });

    it('fails with member_not_connected with neither app credentials nor a member connection', async () => {
      const error = await rejectionOf(apply(vendor.seed(), vendor.providerWithoutCredentials()));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.code).toBe('member_not_connected');
    });
  });
};
