// Regenerates schema/booking-events.schema.json from the zod schemas: `npm run schema`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEventsJsonSchema, serializeJsonSchema } from '../src/index';

const target = join(__dirname, '..', 'schema', 'booking-events.schema.json');
writeFileSync(target, serializeJsonSchema(buildEventsJsonSchema()));
console.log(`wrote ${target}`);
