import { Router } from 'express';
import { createSchedule, deleteSchedule, readSchedule } from '../../commands/schedules.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf, contextOf } from '../edge/locals.ts';
import { checkParams, type ParamsLimits } from '../edge/paramsLimits.ts';
import { SCHEDULE_ID, scheduleBodySchema } from '../edge/scheduleSchemas.ts';
import { parse } from '../edge/validate.ts';

/** POST /v1/schedules, GET and DELETE /v1/schedules/:id: recurring schedules, per app (another app's schedule is 404). */
export function schedulesRouter(deps: { store: EventStore; paramsLimits: ParamsLimits }, now: () => Date): Router {
  const router = Router();

  router.post('/schedules', async (req, res) => {
    const raw = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    if (Object.hasOwn(raw, 'params')) checkParams(raw.params, deps.paramsLimits);
    const body = parse(scheduleBodySchema, req.body);
    // A topic's subscribers are read at each occurrence (commands/topicSend.ts), not fixed here.
    const target =
      body.topic !== undefined
        ? { userIds: [], single: false, topic: body.topic }
        : body.userIds
          ? { userIds: [...new Set(body.userIds)], single: false }
          : { userIds: [body.userId!], single: true };
    const created = await createSchedule(deps.store, contextOf(res, now()), {
      target,
      templateId: body.templateId,
      params: body.params ?? {},
      cron: body.cron,
      ...(body.timezone !== undefined && { timezone: body.timezone }),
    });
    res.status(201).json(created);
  });

  router.get('/schedules/:id', async (req, res) => {
    const id = req.params.id;
    const view = SCHEDULE_ID.test(id) ? await readSchedule(deps.store, appIdOf(res), id, now()) : undefined;
    if (!view) throw new HttpError(404, 'schedule_not_found', `schedule ${id} does not exist`);
    res.status(200).json(view);
  });

  router.delete('/schedules/:id', async (req, res) => {
    const id = req.params.id;
    const deleted = SCHEDULE_ID.test(id) && (await deleteSchedule(deps.store, contextOf(res, now()), id));
    if (!deleted) throw new HttpError(404, 'schedule_not_found', `schedule ${id} does not exist`);
    res.status(204).end();
  });

  return router;
}
