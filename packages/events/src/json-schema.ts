import { z } from 'zod';
import { BookingEvent } from './booking';

/** The JSON Schema of every public event, as upstream integrators read it. */
export const buildEventsJsonSchema = (): Record<string, unknown> => ({
  ...z.toJSONSchema(BookingEvent, { target: 'draft-2020-12', io: 'input' }),
  $id: 'https://meetlink.dev/schema/booking-events.schema.json',
  title: 'Meetlink booking events',
  description:
    'Events that an upstream booking system sends to POST /v1/events, signed with Standard Webhooks.',
});

export const serializeJsonSchema = (schema: Record<string, unknown>): string =>
  JSON.stringify(schema, null, 2) + '\n';
