import { Router } from 'express';
import { recordConversion } from '../../commands/conversions.ts';
import { whyNone, whyNotification, type WhyDeps } from '../../commands/why.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf, locals } from '../edge/locals.ts';
import { conversionBodySchema, NOTIFICATION_ID, whyQuerySchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

/** The auditor's "why" (time travel over the log) and the app's conversion reports. */
export function whyRouter(deps: WhyDeps, now: () => Date): Router {
  const router = Router();

  router.get('/notifications/:id/why', async (req, res) => {
    const id = req.params.id;
    const answer = NOTIFICATION_ID.test(id) ? await whyNotification(deps, appIdOf(res), id) : undefined;
    if (!answer) throw new HttpError(404, 'notification_not_found', `notification ${id} does not exist`);
    res.status(200).json(answer);
  });

  router.get('/why', async (req, res) => {
    const q = parse(whyQuerySchema, req.query, 'query');
    res.status(200).json(await whyNone(deps, appIdOf(res), { userId: q.userId, eventId: q.eventId, ...(q.channel && { channel: q.channel }) }, now()));
  });

  router.post('/notifications/:id/conversions', async (req, res) => {
    const id = req.params.id;
    const body = parse(conversionBodySchema, req.body ?? {});
    const ctx = { appId: appIdOf(res), requestId: locals(res).requestId, now: now() };
    const result = NOTIFICATION_ID.test(id) ? await recordConversion(deps.store, ctx, id, body) : undefined;
    if (!result) throw new HttpError(404, 'notification_not_found', `notification ${id} does not exist`);
    res.status(202).json({ id, name: body.name ?? 'conversion', recorded: result.recorded });
  });

  return router;
}
