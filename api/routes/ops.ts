import { Router } from 'express';
import type { OpsStatus } from '../../monitors/status.ts';
import { HttpError } from '../edge/errors.ts';

export type { OpsStatus };

/** Platform health as JSON for the console; the composition root supplies it from the metrics and the alerter. */
export function opsRouter(status?: () => Promise<OpsStatus>): Router {
  const router = Router();
  router.get('/ops/status', async (_req, res) => {
    if (!status) throw new HttpError(503, 'unavailable', 'this API process runs without monitoring');
    res.status(200).json(await status());
  });
  return router;
}
