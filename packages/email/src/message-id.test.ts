import { buildMessageId, messageIdDomain } from './message-id';

describe('buildMessageId', () => {
  it('is the same for the same booking, kind and version, and differs otherwise', () => {
    const base = { bookingId: 'bk_1', kind: 'confirmation' as const, version: 2, domain: 'example.com' };
    expect(buildMessageId(base)).toBe('<bk_1.confirmation.v2@example.com>');
    expect(buildMessageId(base)).toBe(buildMessageId({ ...base }));
    expect(buildMessageId({ ...base, version: 3 })).not.toBe(buildMessageId(base));
    expect(buildMessageId({ ...base, kind: 'rescheduled' })).not.toBe(buildMessageId(base));
  });

  it('tells the reminders of one version apart by their offset', () => {
    const reminder = { bookingId: 'bk_1', kind: 'reminder' as const, version: 2, domain: 'example.com' };
    expect(buildMessageId({ ...reminder, reminderOffsetMinutes: 60 })).toBe(
      '<bk_1.reminder.v2.r60@example.com>',
    );
    expect(buildMessageId({ ...reminder, reminderOffsetMinutes: 1440 })).toBe(
      '<bk_1.reminder.v2.r1440@example.com>',
    );
  });
});

describe('messageIdDomain', () => {
  it.each([
    ['Meetlink <bookings@Example.com>', 'example.com'],
    ['bookings@mail.example.org', 'mail.example.org'],
    ['"Team, Inc" <a@b.example>', 'b.example'],
    ['not an address', 'meetlink.invalid'],
  ])('%s → %s', (from, domain) => {
    expect(messageIdDomain(from)).toBe(domain);
  });
});
