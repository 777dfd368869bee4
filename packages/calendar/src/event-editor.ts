// The read-modify-write both calendar adapters run: read the event, work out the change, write it
// only over the version read (If-Match), and after a 412 read again, a few times, before giving up.
// The vendor says how to read, what to change and how to write; the loop and its answers are here.
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { CalendarRef } from '@meetlink/events';
import type { CalendarProvider, JoinDetails } from '@meetlink/ports';
import { eventGoneWhileWriting } from './transient-errors';
import type { HostTokens, WithToken } from './with-host-token';

/** The event reference of one vendor's events. */
export type CalendarRefOf<Provider extends CalendarRef['provider']> = Extract<
  CalendarRef,
  { provider: Provider }
>;

/** A write over the version read: done, overtaken by another edit (412), or the event is gone. */
export type WriteOutcome = 'patched' | 'conflict' | 'gone';

export interface EventEditing<Provider extends CalendarRef['provider'], Event, Change> {
  vendor: 'Google' | 'Outlook';
  provider: Provider;
  /** Re-reads after a 412 before giving up with a retryable `calendar_edit_conflict`. */
  maxConflictRetries: number;
  /** The host's token for each operation: its reads and writes share one. */
  tokens: HostTokens;
  /** The event as the host sees it; null when it does not exist (or not for this host). */
  read: (ref: CalendarRefOf<Provider>, withToken: WithToken) => Promise<Event | null>;
  isCancelled: (event: Event) => boolean;
  /** The message of the permanent failure to apply a block to an event that is missing or cancelled. */
  describeAbsent: (ref: CalendarRefOf<Provider>, cancelled: boolean) => string;
  /** The change that puts these join details into the event; null when it already shows them. */
  planApply: (event: Event, details: JoinDetails) => Change | null;
  /** The change that takes our join details out of the event; null when there is nothing of ours. */
  planRemove: (event: Event, joinUrl: string | null) => Change | null;
  write: (
    ref: CalendarRefOf<Provider>,
    withToken: WithToken,
    event: Event,
    change: Change,
  ) => Promise<WriteOutcome>;
}

export const createEventEditor = <Provider extends CalendarRef['provider'], Event, Change>(
  editing: EventEditing<Provider, Event, Change>,
): CalendarProvider => {
  type Ref = CalendarRefOf<Provider>;
  const { vendor, maxConflictRetries } = editing;

  const narrow = (ref: CalendarRef): Ref => {
    if (ref.provider !== editing.provider) {
      throw new PermanentError(
        'calendar_provider_mismatch',
        `a ${ref.provider} event was handed to the ${vendor} adapter`,
      );
    }
    return ref as Ref;
  };

  /** Runs one read-and-write until it is not overtaken by a concurrent edit (the host, the booking system). */
  const untilSettled = async <Result>(
    ref: Ref,
    edit: () => Promise<Result | 'conflict'>,
  ): Promise<Result> => {
    for (let attempt = 0; attempt <= maxConflictRetries; attempt += 1) {
      const outcome = await edit();
      if (outcome !== 'conflict') return outcome;
    }
    throw new RetryableError(
      'calendar_edit_conflict',
      `${vendor} event ${ref.eventId} kept changing under us (412 ${maxConflictRetries + 1} times)`,
      { retryAfterMs: 1_000 },
    );
  };

  return {
    applyJoinBlock: (anyRef, host, details) => {
      const ref = narrow(anyRef);
      const withToken = editing.tokens(host);
      return untilSettled(ref, async () => {
        const event = await editing.read(ref, withToken);
        if (!event || editing.isCancelled(event)) {
          throw new PermanentError(
            event ? 'calendar_event_gone' : 'calendar_event_not_found',
            editing.describeAbsent(ref, event !== null),
          );
        }
        const change = editing.planApply(event, details);
        if (change === null) return 'unchanged';
        const outcome = await editing.write(ref, withToken, event, change);
        if (outcome === 'gone') throw eventGoneWhileWriting(vendor, ref.eventId);
        return outcome;
      });
    },

    removeJoinBlock: (anyRef, host, joinUrl) => {
      const ref = narrow(anyRef);
      const withToken = editing.tokens(host);
      return untilSettled(ref, async () => {
        const event = await editing.read(ref, withToken);
        if (!event || editing.isCancelled(event)) return 'event_gone';
        const change = editing.planRemove(event, joinUrl);
        if (change === null) return 'unchanged';
        const outcome = await editing.write(ref, withToken, event, change);
        if (outcome === 'gone') return 'event_gone';
        return outcome === 'patched' ? 'removed' : 'conflict';
      });
    },
  };
};
