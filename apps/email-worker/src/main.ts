// Composition root of the email worker.
import { loadOrExit } from '@meetlink/config';
import { createWorkerRuntime } from '@meetlink/queue';
import { loadConfig } from './config';
import { sendBookingEmail } from './send-booking-email';

const runtime = createWorkerRuntime({ name: 'email-worker', ...loadOrExit(() => loadConfig()) });
runtime.run('email', (snapshot) => sendBookingEmail(snapshot));
