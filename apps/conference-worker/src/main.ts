// Composition root of the conference worker.
import { createWorkerRuntime } from '@meetlink/queue';
import { loadConfig } from './config';
import { reconcileMeeting } from './reconcile-meeting';

const runtime = createWorkerRuntime({ name: 'conference-worker', ...loadConfig() });
const deps = { calendarQueue: runtime.queue('calendar'), emailQueue: runtime.queue('email') };
runtime.run('conference', (snapshot) => reconcileMeeting(snapshot, deps));
