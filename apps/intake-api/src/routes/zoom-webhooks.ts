// POST /webhooks/zoom: Zoom's event notifications. Every request (the endpoint check included: an
// unsigned one would turn the endpoint into an HMAC oracle for our secret token) must carry a valid
// x-zm-signature over the raw body with a fresh x-zm-request-timestamp, and a signature is accepted
// once (a replayed delivery is refused). Then: endpoint.url_validation → {plainToken,
// encryptedToken}; app_deauthorized → the member's Zoom tokens purged, connection revoked;
// meeting.deleted / meeting.updated → recorded with the booking and reconciled. Answers stay fast:
// a few Redis calls, no provider call.
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import type { RedisClient } from '@meetlink/redis';
import { z } from 'zod';
import type { Logger } from '@meetlink/observability';
import type { TypedQueue } from '@meetlink/queue';
import type { MeetingEventLog } from '@meetlink/store';
import type { BookingStore } from '@meetlink/ports';
import type { MemberConnectionStore, ProviderUserIndex } from '@meetlink/connections';
import { ApiError } from '../api-error';
import { recordZoomMeetingEvent } from '../record-zoom-meeting-event';
import { withRedis } from '../with-redis';
import {
  ZOOM_TIMESTAMP_TOLERANCE_S,
  ZoomSignatureError,
  answerUrlValidation,
  verifyZoomSignature,
} from '../zoom-webhook-signature';

export const ZOOM_WEBHOOK_MAX_BODY_BYTES = 64 * 1024;

export interface ZoomWebhookDeps {
  redis: RedisClient;
  prefix: string;
  /** ZOOM_WEBHOOK_SECRET_TOKEN; empty: the endpoint answers 501. */
  secretTokens: readonly string[];
  /** The user-OAuth app's client id: an app_deauthorized for another app is not ours. */
  userAppClientId: string | undefined;
  store: BookingStore;
  events: MeetingEventLog;
  conferenceQueue: TypedQueue<'conference'>;
  connections: MemberConnectionStore | null;
  userIndex: ProviderUserIndex;
  logger: Logger;
  now: () => Date;
}

const Envelope = z.object({
  event: z.string().min(1),
  event_ts: z.number().optional(),
  payload: z.record(z.string(), z.unknown()),
});

const UrlValidation = z.object({ plainToken: z.string().min(1).max(512) });

const Deauthorized = z.object({
  user_id: z.string().min(1),
  account_id: z.string().optional(),
  client_id: z.string().optional(),
  deauthorization_time: z.string().optional(),
});

const MeetingPayload = z.object({
  operator: z.string().optional(),
  object: z.looseObject({ id: z.union([z.number(), z.string().regex(/^\d+$/)]) }),
});

const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    throw new ApiError(400, 'validation_failed', `${what}: ${details.length} invalid field(s)`, details);
  }
  return result.data;
};

export const zoomWebhooksRouter = (deps: ZoomWebhookDeps): Router => {
  const { redis, prefix, secretTokens, logger, now } = deps;
  const router = Router();

  const revokeDeauthorized = async (payload: z.infer<typeof Deauthorized>) => {
    if (deps.userAppClientId && payload.client_id && payload.client_id !== deps.userAppClientId) {
      return { status: 'ignored', reason: 'other_app' } as const;
    }
    const connections = deps.connections;
    if (!connections) return { status: 'ignored', reason: 'member_connections_disabled' } as const;
    const members = await deps.userIndex.membersOf('zoom', payload.user_id);
    const at =
      payload.deauthorization_time && !Number.isNaN(Date.parse(payload.deauthorization_time))
        ? Date.parse(payload.deauthorization_time)
        : now().getTime();
    const revoked: string[] = [];
    for (const memberId of members) {
      const summary = await connections.getSummary(memberId, 'zoom');
      // A member who connected again after this deauthorization (a late retry of the event) keeps it.
      if (!summary || summary.providerUserId !== payload.user_id) continue;
      if (summary.connectedAt && Date.parse(summary.connectedAt) > at) continue;
      await connections.markRevoked(memberId, 'zoom', {
        code: 'app_deauthorized',
        message: `the Zoom user removed the app (${new Date(at).toISOString()}); the member must connect Zoom again`,
      });
      await deps.userIndex.unlink('zoom', payload.user_id, memberId);
      revoked.push(memberId);
    }
    return { status: 'ok', revoked: revoked.length } as const;
  };

  router.post(
    '/webhooks/zoom',
    (req, _res, next) => {
      if (secretTokens.length === 0) {
        next(new ApiError(501, 'zoom_webhooks_not_configured', 'ZOOM_WEBHOOK_SECRET_TOKEN is not set'));
        return;
      }
      if (!req.is(['application/json', 'application/*+json'])) {
        next(new ApiError(415, 'unsupported_media_type', 'Content-Type must be application/json'));
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit: ZOOM_WEBHOOK_MAX_BODY_BYTES }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signature = req.get('x-zm-signature');
      let secret: string;
      try {
        secret = verifyZoomSignature({
          secretTokens,
          signature,
          timestamp: req.get('x-zm-request-timestamp'),
          body,
          now: now(),
        });
      } catch (error) {
        if (error instanceof ZoomSignatureError) {
          logger.warn({ code: error.code, path: req.path }, 'zoom webhook refused');
          throw new ApiError(401, error.code, error.message);
        }
        throw error;
      }
      // The same signed bytes twice: a replay, not a Zoom retry (Zoom signs each attempt anew). Keyed
      // by the signature as verified (hex is case-insensitive), so re-casing it is the same delivery.
      const seenKey = `${prefix}:zoom-webhook-seen:${createHash('sha256')
        .update((signature ?? '').toLowerCase())
        .digest('hex')}`;
      const isFirst = await withRedis(redis, () =>
        redis.set(seenKey, '1', 'EX', 2 * ZOOM_TIMESTAMP_TOLERANCE_S + 60, 'NX'),
      );
      if (isFirst !== 'OK') {
        logger.warn({ path: req.path }, 'zoom webhook replay refused');
        throw new ApiError(409, 'webhook_replayed', 'this signed delivery was already received');
      }

      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw new ApiError(400, 'invalid_json', 'request body is not valid JSON');
      }
      const envelope = parse(Envelope, json, 'zoom event');
      const log = logger.child({ zoomEvent: envelope.event });

      switch (envelope.event) {
        case 'endpoint.url_validation': {
          const { plainToken } = parse(UrlValidation, envelope.payload, 'endpoint.url_validation');
          log.info('zoom endpoint validated');
          res.json(answerUrlValidation(secret, plainToken));
          return;
        }
        case 'app_deauthorized': {
          const payload = parse(Deauthorized, envelope.payload, 'app_deauthorized');
          const outcome = await withRedis(redis, () => revokeDeauthorized(payload));
          log.info({ zoomUserId: payload.user_id, ...outcome }, 'zoom app deauthorized');
          res.json(outcome);
          return;
        }
        case 'meeting.deleted':
        case 'meeting.updated': {
          const payload = parse(MeetingPayload, envelope.payload, envelope.event);
          const { id, ...rest } = payload.object;
          const outcome = await withRedis(redis, () =>
            recordZoomMeetingEvent(
              {
                event: envelope.event as 'meeting.deleted' | 'meeting.updated',
                eventTs: envelope.event_ts ?? now().getTime(),
                meetingId: String(id),
                operator: payload.operator ?? null,
                fields: envelope.event === 'meeting.updated' ? rest : {},
              },
              { store: deps.store, events: deps.events, conferenceQueue: deps.conferenceQueue, now },
            ),
          );
          log.info({ meetingId: String(id), ...outcome }, 'zoom meeting event');
          res.json(outcome);
          return;
        }
        default:
          log.info('zoom event not handled');
          res.json({ status: 'ignored', reason: 'unhandled_event' });
      }
    },
  );
  return router;
};
