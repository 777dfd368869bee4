import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEventsJsonSchema, serializeJsonSchema } from '@meetlink/events';

describe('the checked-in JSON Schema', () => {
  it('matches the zod schemas (run `npm run schema` when this fails)', () => {
    const checkedIn = readFileSync(join(__dirname, '..', 'schema', 'booking-events.schema.json'), 'utf8');
    expect(checkedIn).toBe(serializeJsonSchema(buildEventsJsonSchema()));
  });

  it('describes the three event types', () => {
    const text = serializeJsonSchema(buildEventsJsonSchema());
    for (const type of ['booking.created', 'booking.rescheduled', 'booking.canceled'])
      expect(text).toContain(`"${type}"`);
  });
});
