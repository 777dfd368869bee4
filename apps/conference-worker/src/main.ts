// Composition root of the conference worker.
import { loadOrExit } from '@meetlink/config';
import { createWorkerRuntime } from '@meetlink/queue';
import { loadConfig } from './config';
import { reconcileMeeting } from './reconcile-meeting';

const runtime = createWorkerRuntime({ name: 'conference-worker', ...loadOrExit(() => loadConfig()) });
const deps = { calendarQueue: runtime.queue('calendar'), emailQueue: runtime.queue('email') };
runtime.run('conference', (snapshot) => reconcileMeeting(snapshot, deps));
