import { Router } from 'express';
import type { Channel } from '../../../domain/events.ts';
import { HttpError } from '../errors.ts';
import { appIdOf } from '../locals.ts';
import { analyticsQuerySchema } from '../schemas.ts';
import { parse } from '../validate.ts';

export type AnalyticsSummary = (query: { appId: string; from: Date; to: Date; channel?: Channel }) => Promise<unknown>;

const DAY = 86_400_000;
const MAX_RANGE_DAYS = 366;

/** Counts come from the analytics projection (eventually consistent: it follows the log). */
export function analyticsRouter(summary: AnalyticsSummary | undefined, now: () => Date): Router {
  const router = Router();
  router.get('/analytics/summary', async (req, res) => {
    const q = parse(analyticsQuerySchema, req.query, 'query');
    const to = q.to ? new Date(q.to) : now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY);
    if (from.getTime() >= to.getTime()) throw new HttpError(400, 'invalid_request', 'to: must be after from', { field: 'to' });
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) {
      throw new HttpError(400, 'invalid_request', `from: the range may span at most ${MAX_RANGE_DAYS} days`, { field: 'from' });
    }
    if (!summary) throw new HttpError(503, 'unavailable', 'analytics need the projection store, which this API process was started without');
    const result = await summary({ appId: appIdOf(res), from, to, ...(q.channel ? { channel: q.channel } : {}) });
    res.status(200).json(result);
  });
  return router;
}
