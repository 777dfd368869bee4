// The intake API's Express app, built from its ports so tests can run it against a real Redis.
import express from 'express';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from '@meetlink/observability';
import type { TypedQueue } from '@meetlink/queue';
import type { BookingStore } from '@meetlink/store';
import { errorHandler, notFound } from './api-error';
import { bookingsRouter } from './routes/bookings';
import { eventsRouter } from './routes/events';
import { healthRouter } from './routes/health';

export interface AppDeps {
  redis: Redis;
  store: BookingStore;
  conferenceQueue: TypedQueue<'conference'>;
  webhookSecrets: readonly string[];
  adminToken: string;
  maxBodyBytes: number;
  logger: Logger;
  now?: () => Date;
}

export const createApp = ({ now = () => new Date(), ...deps }: AppDeps): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    const startedAt = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
      deps.logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) },
        'request',
      );
    });
    next();
  });
  app.use(healthRouter(deps.redis));
  app.use(eventsRouter({ ...deps, now }));
  app.use(bookingsRouter(deps));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
};
