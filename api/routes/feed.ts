import { Router } from 'express';
import { HttpError } from '../edge/errors.ts';
import { appIdOf } from '../edge/locals.ts';
import { userNotificationsQuerySchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';
import type { UserNotificationsList } from './users.ts';

/**
 * GET /v1/notifications: the calling app's whole feed, newest first, with the user's list filters
 * (the console's activity page). Same read model, same cursor, items name their user.
 */
export function feedRouter(listNotifications?: UserNotificationsList): Router {
  const router = Router();
  router.get('/notifications', async (req, res) => {
    const q = parse(userNotificationsQuerySchema, req.query, 'query');
    if (!listNotifications) throw new HttpError(503, 'unavailable', 'listing notifications needs the projection store, which this API process was started without');
    const page = await listNotifications({
      appId: appIdOf(res),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.channel !== undefined ? { channel: q.channel } : {}),
    });
    res.status(200).json(page);
  });
  return router;
}
