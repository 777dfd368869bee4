// Composition root of the calendar worker.
import { loadOrExit } from '@meetlink/config';
import { createWorkerRuntime } from '@meetlink/queue';
import { loadConfig } from './config';
import { patchCalendarEvent } from './patch-calendar-event';

const runtime = createWorkerRuntime({ name: 'calendar-worker', ...loadOrExit(() => loadConfig()) });
runtime.run('calendar', (snapshot) => patchCalendarEvent(snapshot));
