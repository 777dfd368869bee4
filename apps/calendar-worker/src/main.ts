// Composition root of the calendar worker.
import { createWorkerRuntime } from '@meetlink/queue';
import { loadConfig } from './config';
import { patchCalendarEvent } from './patch-calendar-event';

const runtime = createWorkerRuntime({ name: 'calendar-worker', ...loadConfig() });
runtime.run('calendar', (snapshot) => patchCalendarEvent(snapshot));
