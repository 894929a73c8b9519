import { Router } from 'express';
import { redrive, type RedriveDeps } from '../../commands/redrive.ts';
import { HttpError } from '../edge/errors.ts';
import { contextOf } from '../edge/locals.ts';
import { redriveBodySchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

/** POST /v1/redrive: 202 once the redriven notifications are in the log (the dispatcher publishes them). */
export function redriveRouter(deps: Omit<RedriveDeps, 'failed'> & { failed?: RedriveDeps['failed'] }, now: () => Date): Router {
  const router = Router();
  router.post('/redrive', async (req, res) => {
    const body = parse(redriveBodySchema, req.body);
    const failed = deps.failed;
    if (!failed) throw new HttpError(503, 'unavailable', 'redrive needs the projection store, which this API process was started without');
    const result = await redrive({ ...deps, failed }, contextOf(res, now()), {
      status: body.status,
      from: new Date(body.from),
      to: new Date(body.to),
      ...(body.channel && { channel: body.channel }),
      ...(body.reason && { reason: body.reason }),
      ...(body.dryRun !== undefined && { dryRun: body.dryRun }),
      ...(body.id !== undefined && { id: body.id }),
    });
    res.status(202).json(result);
  });
  return router;
}
