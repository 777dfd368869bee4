// GET /metrics: this process's Prometheus metrics (the intake's counters, every queue's job counts,
// the process metrics), admin only: the bearer token a Prometheus scrape config carries, or Basic.
import { Router } from 'express';
import type { Metrics } from '@meetlink/observability';
import { requireAdmin } from '../admin-auth';
import type { AdminCheck } from '../admin-auth';
import { noStore } from '../security-headers';

export interface MetricsRouteDeps {
  registry: Metrics['registry'];
  admin: AdminCheck;
}

export const metricsRouter = ({ registry, admin }: MetricsRouteDeps): Router => {
  const router = Router();
  router.get('/metrics', requireAdmin(admin), noStore, async (_req, res) => {
    const text = await registry.metrics();
    res.type(registry.contentType).send(text);
  });
  return router;
};
