import { Router } from 'express';
import type { OpsStatus } from '../../monitors/status.ts';
import { HttpError } from '../edge/errors.ts';
import { locals } from '../edge/locals.ts';

export type { OpsStatus };

/** The alerts that are a channel's state, which every app sending on it may know. */
const CHANNEL_ALERTS = new Set(['channel_failing', 'channel_failure_rate']);

/**
 * What an app credential may see of the platform: whether each channel is working (its own sends
 * depend on it) and how far the pipeline lags. Queue depths, the other alerts (their subjects and
 * details name queues, providers and apps) and the delivery counts are every tenant's traffic
 * together: only an operator (a console session, who works for the platform) sees them all.
 */
export function appView(status: OpsStatus): OpsStatus {
  return {
    at: status.at,
    queues: [],
    lag: status.lag,
    alerts: status.alerts.filter((a) => CHANNEL_ALERTS.has(a.kind)).map((a) => ({ kind: a.kind, subject: a.subject, since: a.since })),
    channels: status.channels.map((c) => ({ channel: c.channel, state: c.state })),
  };
}

/** Platform health as JSON for the console: all of it for an operator, what an app may see (appView) for app credentials. */
export function opsRouter(status?: () => Promise<OpsStatus>): Router {
  const router = Router();
  router.get('/ops/status', async (_req, res) => {
    if (!status) throw new HttpError(503, 'unavailable', 'this API process runs without monitoring');
    const full = await status();
    res.status(200).json(locals(res).operator ? full : appView(full));
  });
  return router;
}
