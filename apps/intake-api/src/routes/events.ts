// POST /v1/events: a signed booking event in, the booking snapshot stored, the conference job queued.
// The signature is checked before any budget: a request that fails it spends its address's budget
// for unverified requests, a signed one its signing secret's, so junk from an address never locks
// out the signed events that come from the same address.
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import type { ErrorRequestHandler, Request } from 'express';
import type { RedisClient } from '@meetlink/redis';
import { BookingEvent, EventType, verifyWebhookSigner, WebhookVerificationError } from '@meetlink/events';
import type { BookingSnapshot, VerifiedWebhook } from '@meetlink/events';
import type { IntakeEventOutcome, Logger, Metrics } from '@meetlink/observability';
import type { TypedQueue } from '@meetlink/queue';
import type { BookingStore } from '@meetlink/ports';
import { ApiError, toApiError } from '../api-error';
import { applyRateCount, clientAddress } from '../rate-limit';
import type { RateBudget } from '../rate-limit';
import { markOutcomeLogged } from '../request-log';
import { withRedis } from '../with-redis';

export interface EventsRouteDeps {
  redis: RedisClient;
  store: BookingStore;
  conferenceQueue: TypedQueue<'conference'>;
  webhookSecrets: readonly string[];
  maxBodyBytes: number;
  logger: Logger;
  now: () => Date;
  /** `signed`: counted per signing secret; `unverified`: requests failing verification, per address. */
  budgets: { signed: RateBudget; unverified: RateBudget };
  /** meetlink_intake_events_total: what became of each event; absent: not counted. */
  metrics?: Pick<Metrics, 'intakeEvents'> | undefined;
}

const isJson = (req: Request): boolean => Boolean(req.is(['application/json', 'application/*+json']));

const requireJson: express.RequestHandler = (req, _res, next) => {
  if (!isJson(req)) {
    next(new ApiError(415, 'unsupported_media_type', 'Content-Type must be application/json'));
    return;
  }
  next();
};

const verify = (req: Request, body: Buffer, secrets: readonly string[], now: Date): VerifiedWebhook => {
  try {
    return verifyWebhookSigner({
      secrets,
      headers: {
        'webhook-id': req.get('webhook-id'),
        'webhook-timestamp': req.get('webhook-timestamp'),
        'webhook-signature': req.get('webhook-signature'),
      },
      body,
      now: Math.floor(now.getTime() / 1000),
    });
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw new ApiError(401, error.code, error.message);
    throw error;
  }
};

const parseEvent = (body: Buffer): BookingEvent => {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
  const result = BookingEvent.safeParse(json);
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    throw new ApiError(
      400,
      'validation_failed',
      `${details.length} invalid field(s): ${details.map((d) => d.path || '(root)').join(', ')}`,
      details,
    );
  }
  return result.data;
};

/** Names a signing secret in Redis keys without putting the secret there. */
const fingerprintOf = (secret: string): string =>
  createHash('sha256').update(secret.trim()).digest('hex').slice(0, 16);

const isVerified = (res: { locals: Record<string, unknown> }): boolean => res.locals['isVerified'] === true;

export const eventsRouter = ({
  redis,
  store,
  conferenceQueue,
  webhookSecrets,
  maxBodyBytes,
  logger,
  now,
  budgets,
  metrics,
}: EventsRouteDeps): Router => {
  const router = Router();
  const fingerprints = webhookSecrets.map(fingerprintOf);
  const count = (outcome: IntakeEventOutcome): void => metrics?.intakeEvents.inc({ outcome });

  // Whatever fails before the signature is verified (415, 413, 401, an aborted body) spends the
  // address's budget for unverified requests; once that is spent the answer is 429 instead.
  const chargeUnverified: ErrorRequestHandler = async (error: unknown, req, res, next) => {
    if (isVerified(res) || res.headersSent) {
      next(error);
      return;
    }
    const counted = await budgets.unverified.consume(clientAddress(req));
    const limited = counted
      ? applyRateCount(
          res,
          counted,
          (limit) => `more than ${limit} requests a minute that fail verification from this address`,
        )
      : undefined;
    next(limited ?? error);
  };

  router.post(
    '/v1/events',
    requireJson,
    express.raw({ type: () => true, limit: maxBodyBytes }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const receivedAt = now();
      const { webhookId, secretIndex } = verify(req, body, webhookSecrets, receivedAt);
      res.locals['isVerified'] = true;
      const counted = await budgets.signed.consume(`s${fingerprints[secretIndex] ?? secretIndex}`);
      const limited = counted
        ? applyRateCount(
            res,
            counted,
            (limit) => `more than ${limit} signed events a minute under this signing secret`,
          )
        : undefined;
      if (limited) throw limited;
      const event = parseEvent(body);
      const { bookingId, version } = event.data;
      const snapshot: BookingSnapshot = {
        bookingId,
        version,
        eventId: event.id,
        eventType: event.type,
        isCanceled: event.type === EventType.canceled,
        booking: event.data,
        receivedAt: receivedAt.toISOString(),
      };
      // One object per line, not a child logger per event: a child serialises and redacts its
      // bindings when it is made, which cost as much again as the line itself.
      const about = { bookingId, version, eventId: event.id, webhookId };

      // store.accept also files the version as not yet queued, in the same script: should the enqueue
      // below never happen (RedisClient lost in between, a crash), the stranded-version sweeper queues it.
      const outcome = await withRedis(redis, () => store.accept(snapshot, webhookId));
      if (outcome === 'stale') {
        logger.info(about, 'stale version ignored');
        markOutcomeLogged(res);
        count('stale');
        res.status(200).json({ status: 'ignored', reason: 'stale_version', eventId: event.id, bookingId });
        return;
      }
      if (outcome !== 'duplicate') {
        // 'replay': the same webhook came back, maybe after a crash between storing and queueing.
        // The job id is deterministic, so adding it again is a no-op if it is already there.
        await withRedis(redis, async () => {
          await conferenceQueue.add({ bookingId, version });
          await store.markEnqueued(bookingId, version);
        });
      }
      logger.info({ ...about, outcome }, 'event accepted');
      markOutcomeLogged(res);
      count(outcome === 'accepted' ? 'accepted' : 'duplicate');
      res
        .status(202)
        .json({ eventId: event.id, bookingId, status: outcome === 'accepted' ? 'accepted' : 'duplicate' });
    },
  );
  router.use('/v1/events', chargeUnverified);
  // Last, so the code counted is the one answered (a spent budget turns a 401 into a 429).
  const countRejected: ErrorRequestHandler = (error: unknown, _req, _res, next) => {
    count(`rejected_${toApiError(error).code}`);
    next(error);
  };
  router.use('/v1/events', countRejected);
  return router;
};
