// GET /v1/bookings/:bookingId: the booking's newest snapshot, each step's checkpoint and the booking's
// timeline, oldest first (admin only).
import { Router } from 'express';
import type { RedisClient } from '@meetlink/redis';
import { BookingId } from '@meetlink/events';
import type { BookingStatusWithTimeline } from '@meetlink/events';
import type { BookingStore } from '@meetlink/ports';
import { ApiError } from '../api-error';
import { requireAdmin } from '../admin-auth';
import type { AdminCheck } from '../admin-auth';
import { noStore } from '../security-headers';
import { withRedis } from '../with-redis';

export interface BookingsRouteDeps {
  redis: RedisClient;
  store: BookingStore;
  admin: AdminCheck;
}

export const bookingsRouter = ({ redis, store, admin }: BookingsRouteDeps): Router => {
  const router = Router();
  router.get('/v1/bookings/:bookingId', requireAdmin(admin), noStore, async (req, res) => {
    const bookingId = BookingId.safeParse(req.params['bookingId']);
    if (!bookingId.success) {
      throw new ApiError(
        400,
        'invalid_booking_id',
        `bookingId ${bookingId.error.issues[0]?.message ?? 'is invalid'}`,
      );
    }
    const [status, timeline] = await withRedis(redis, () =>
      Promise.all([store.getStatus(bookingId.data), store.getTimeline(bookingId.data)]),
    );
    if (!status) throw new ApiError(404, 'booking_not_found', `no booking ${bookingId.data}`);
    const body: BookingStatusWithTimeline = { ...status, timeline };
    res.json(body);
  });
  return router;
};
