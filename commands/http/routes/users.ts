import { Router } from 'express';
import type { Channel, ContactChanges, Preferences } from '../../../domain/events.ts';
import type { NotificationStatus } from '../../../domain/notification.ts';
import type { EventStore } from '../../../infra/eventStore/port.ts';
import type { CommandContext } from '../../context.ts';
import { loadUser, registerDevice, removeDevice, setPreferences, upsertUser } from '../../users.ts';
import { HttpError } from '../errors.ts';
import { appIdOf, locals } from '../locals.ts';
import { deviceBodySchema, idSchema, preferencesBodySchema, userBodySchema, userNotificationsQuerySchema, APNS_TOKEN, FCM_TOKEN } from '../schemas.ts';
import { parse } from '../validate.ts';

/** A user's notifications for the calling app, newest first: `{ items, nextCursor }`. */
export type UserNotificationsList = (query: { appId: string; userId?: string; limit?: number; cursor?: string; status?: NotificationStatus; channel?: Channel }) => Promise<unknown>;

export function usersRouter(store: EventStore, now: () => Date, listNotifications?: UserNotificationsList): Router {
  const router = Router();
  const ctxOf = (res: Parameters<typeof appIdOf>[0]): CommandContext => ({ appId: appIdOf(res), requestId: locals(res).requestId, now: now() });

  router.put('/users/:userId', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const body = parse(userBodySchema, req.body);
    const { state } = await upsertUser(store, ctxOf(res), userId, body as ContactChanges);
    res.status(200).json({ userId, ...state.contact, devices: Object.keys(state.devices).length });
  });

  // Not in the pinned table, but what a caller expects next to the PUT: the user as the log has it.
  router.get('/users/:userId', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const user = await loadUser(store, userId);
    if (!user.exists) throw new HttpError(404, 'user_not_found', `user ${userId} does not exist`);
    res.status(200).json({
      userId,
      ...user.contact,
      devices: Object.entries(user.devices).map(([token, platform]) => ({ token, platform })),
      preferences: user.preferences,
    });
  });

  router.post('/users/:userId/devices', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const body = parse(deviceBodySchema, req.body);
    await registerDevice(store, ctxOf(res), userId, body.token, body.platform);
    res.status(201).json({ userId, platform: body.platform });
  });

  router.delete('/users/:userId/devices/:token', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const token = req.params.token;
    if (!APNS_TOKEN.test(token) && !FCM_TOKEN.test(token)) {
      throw new HttpError(400, 'invalid_request', 'token: is neither an APNs nor an FCM device token', { field: 'token' });
    }
    await removeDevice(store, ctxOf(res), userId, token);
    res.status(204).end();
  });

  router.put('/users/:userId/preferences', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const body = parse(preferencesBodySchema, req.body);
    const preferences: Preferences = {
      channels: body.channels ?? {},
      categories: body.categories ?? {},
      ...(body.quietHours ? { quietHours: body.quietHours } : {}),
    };
    res.status(200).json(await setPreferences(store, ctxOf(res), userId, preferences));
  });

  router.get('/users/:userId/preferences', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const user = await loadUser(store, userId);
    if (!user.exists) throw new HttpError(404, 'user_not_found', `user ${userId} does not exist`);
    res.status(200).json(user.preferences);
  });

  // From the notifications read model (eventually consistent: it follows the log); only the calling app's.
  router.get('/users/:userId/notifications', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const q = parse(userNotificationsQuerySchema, req.query, 'query');
    if (!listNotifications) throw new HttpError(503, 'unavailable', 'listing notifications needs the projection store, which this API process was started without');
    const page = await listNotifications({
      appId: appIdOf(res),
      userId,
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.channel !== undefined ? { channel: q.channel } : {}),
    });
    res.status(200).json(page);
  });

  return router;
}
