// Composition root of the email worker: booking emails on the "email" queue, reminders on "reminders".
import { loadOrExit } from '@meetlink/config';
import { createEmailRenderer, createSmtpMailer, messageIdDomain } from '@meetlink/email';
import { summarizeError } from '@meetlink/errors';
import { observeCall } from '@meetlink/observability';
import type { Mailer } from '@meetlink/ports';
import { createWorkerRuntime, fenced } from '@meetlink/queue';
import { bookingRetentionOf, createRedisEmailLog, createRedisBookingStore } from '@meetlink/store';
import { loadConfig } from './config';
import { sendBookingEmail } from './send-booking-email';
import { sendReminder } from './send-reminder';

const main = async (): Promise<void> => {
  const config = loadOrExit(() => loadConfig());
  const retention = bookingRetentionOf(config.BOOKING_RETENTION_DAYS);
  const runtime = createWorkerRuntime(
    { name: 'email-worker', ...config },
    { createStore: (redis, prefix) => createRedisBookingStore({ redis, prefix, timeline: retention }) },
  );
  // Pooled: one connection per job in flight at most, reused across messages (SMTP_POOL=false: one per message).
  const smtp = createSmtpMailer({
    smtpUrl: config.SMTP_URL,
    from: config.MAIL_FROM,
    pool: config.SMTP_POOL,
    maxConnections: config.WORKER_CONCURRENCY,
    maxMessages: config.SMTP_POOL_MAX_MESSAGES,
  });
  // Every message counts in the provider metrics (status `ok` or the error's code) and is a span.
  const send = { provider: 'smtp', operation: 'send', metrics: runtime.metrics };
  const mailer: Mailer = {
    send: (message) =>
      observeCall({ ...send, statusOf: (e) => summarizeError(e).code }, () => smtp.send(message)),
  };
  const deps = {
    renderer: await createEmailRenderer(),
    mailer,
    emailLog: createRedisEmailLog({
      redis: runtime.connection,
      prefix: config.REDIS_PREFIX,
      timeline: retention,
    }),
    store: runtime.store,
    mailDomain: messageIdDomain(config.MAIL_FROM),
    now: () => new Date(),
  };
  const remindersQueue = runtime.queue('reminders');
  runtime.run('email', (snapshot, { lease, note }) =>
    sendBookingEmail(snapshot, {
      ...deps,
      // A run that lost the booking's lease sends and records nothing more.
      mailer: fenced(deps.mailer, lease, ['send']),
      emailLog: fenced(deps.emailLog, lease, ['record']),
      remindersQueue,
      note,
    }),
  );
  runtime.consume('reminders', async (payload, job, token) => {
    const log = runtime.logger.child({ bookingId: payload.bookingId, jobId: job.id, queue: 'reminders' });
    const outcome = await sendReminder(payload, { ...deps, logger: log, job, token });
    log.info({ outcome, offsetMinutes: payload.offsetMinutes }, 'reminder handled');
  });
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
