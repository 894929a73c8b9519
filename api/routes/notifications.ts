import { Router } from 'express';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { cancelByEventId, cancelNotification } from '../../commands/cancel.ts';
import { viewOf } from '../../commands/notificationQueries.ts';
import { requestNotifications, type NotifyDeps } from '../../commands/notifications.ts';
import { fromArchive, readAppNotification } from '../../commands/readNotification.ts';
import { sendToTopic } from '../../commands/topicSend.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf, contextOf } from '../edge/locals.ts';
import { cancelByEventBodySchema, NOTIFICATION_ID, notificationBodySchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';
import { checkParams, type ParamsLimits } from '../edge/paramsLimits.ts';

const DAY = 86_400_000;

export function notificationsRouter(deps: NotifyDeps & { store: EventStore; maxScheduleDays: number; paramsLimits: ParamsLimits }, now: () => Date): Router {
  const router = Router();

  router.post('/notifications', async (req, res) => {
    // Before the schema: the walk over the raw JSON sees `__proto__` keys the parsed copy would lose.
    const raw = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    if (Object.hasOwn(raw, 'params')) checkParams(raw.params, deps.paramsLimits);
    const body = parse(notificationBodySchema, req.body);
    const at = now();
    let scheduleAt: Date | undefined;
    if (body.scheduleAt !== undefined) {
      scheduleAt = new Date(body.scheduleAt);
      if (scheduleAt.getTime() <= at.getTime()) throw new HttpError(400, 'invalid_request', 'scheduleAt: must be in the future', { field: 'scheduleAt' });
      if (scheduleAt.getTime() > at.getTime() + deps.maxScheduleDays * DAY) {
        throw new HttpError(400, 'invalid_request', `scheduleAt: must be within ${deps.maxScheduleDays} days`, { field: 'scheduleAt' });
      }
    }
    const ctx = contextOf(res, at);
    const options = {
      templateId: body.templateId,
      params: body.params ?? {},
      ...(body.channels ? { channels: [...new Set(body.channels)] } : {}),
      ...(body.category !== undefined ? { category: body.category } : {}),
      ...(scheduleAt ? { scheduleAt } : {}),
      ...(body.digest ? { digest: body.digest } : {}),
      ...(body.fallback ? { fallback: body.fallback } : {}),
    };
    if (body.topic !== undefined) {
      // `{ notifications }` up to 1,000 subscribers, else `{ fanout: { id, subscribers } }` made in the background.
      res.status(202).json(await sendToTopic(deps, ctx, { eventId: body.eventId, topicId: body.topic, ...options }));
      return;
    }
    const userIds = body.userIds ? [...new Set(body.userIds)] : [body.userId!];
    const notifications = await requestNotifications(deps, ctx, { eventId: body.eventId, userIds, ...options });
    res.status(202).json({ notifications });
  });

  router.post('/notifications/cancel', async (req, res) => {
    const body = parse(cancelByEventBodySchema, req.body);
    const notifications = await cancelByEventId(deps.store, contextOf(res, now()), body.eventId);
    res.status(200).json({ notifications });
  });

  router.post('/notifications/:id/cancel', async (req, res) => {
    const id = req.params.id;
    const canceled = NOTIFICATION_ID.test(id) ? await cancelNotification(deps.store, contextOf(res, now()), id) : undefined;
    if (!canceled) throw new HttpError(404, 'notification_not_found', `notification ${id} does not exist`);
    res.status(200).json(canceled);
  });

  router.get('/notifications/:id', async (req, res) => {
    const id = req.params.id;
    const read = NOTIFICATION_ID.test(id) ? await readAppNotification(deps.store, appIdOf(res), id) : undefined;
    if (!read) throw new HttpError(404, 'notification_not_found', `notification ${id} does not exist`);
    res.status(200).json(viewOf(id, read));
  });

  router.get('/notifications/:id/events', async (req, res) => {
    const id = req.params.id;
    const events = NOTIFICATION_ID.test(id) ? (await readAppNotification(deps.store, appIdOf(res), id))?.events : undefined;
    if (!events) throw new HttpError(404, 'notification_not_found', `notification ${id} does not exist`);
    res.status(200).json({
      id,
      ...(fromArchive(events) && { archived: true }),
      events: events.map((e) => ({
        id: e.id,
        type: e.type,
        revision: e.revision,
        position: e.position,
        recordedAt: e.recordedAt,
        data: e.data,
        metadata: e.metadata,
      })),
    });
  });

  return router;
}
