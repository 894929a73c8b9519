import { Router } from 'express';
import type { Channel, Contact, ContactChanges, Preferences } from '../../domain/events.ts';
import type { NotificationStatus } from '../../domain/notification.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { KeyVault } from '../../infra/keyVault/port.ts';
import type { CommandContext } from '../../commands/context.ts';
import { deviceId, tokenOfDeviceId } from '../../domain/user.ts';
import { eraseUser, loadUser, registerDevice, removeDevice, setPreferences, upsertUser } from '../../commands/users.ts';
import { leaveTopics } from '../../commands/topics.ts';
import { checkOutboundUrl } from '../../channels/outboundUrl.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf, contextOf } from '../edge/locals.ts';
import { deviceBodySchema, idSchema, preferencesBodySchema, userBodySchema, userNotificationsQuerySchema, APNS_TOKEN, DEVICE_ID, FCM_TOKEN } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

/** A user's notifications for the calling app, newest first: `{ items, nextCursor }`. */
export type UserNotificationsList = (query: {
  appId: string;
  userId?: string;
  limit?: number;
  cursor?: string;
  status?: NotificationStatus;
  channel?: Channel;
}) => Promise<unknown>;

/** What a web subscription must satisfy: the endpoint rule (channels/outboundUrl.ts) and the per-user count. */
export interface WebSubscriptionRules {
  allowedOrigins: readonly string[];
  maxSubscriptions: number;
}

/** The contact as the API shows it: the chat webhook under `chat`, as PUT takes it. */
function contactView(contact: Contact): Record<string, unknown> {
  const { chatWebhookUrl, ...rest } = contact;
  return { ...rest, ...(chatWebhookUrl !== undefined && { chat: { webhookUrl: chatWebhookUrl } }) };
}

export function usersRouter(
  store: EventStore,
  keyVault: KeyVault,
  now: () => Date,
  listNotifications?: UserNotificationsList,
  web?: WebSubscriptionRules,
  topicsOfUser?: (appId: string, userId: string) => Promise<string[]>,
): Router {
  const router = Router();
  const ctxOf = (res: Parameters<typeof appIdOf>[0]): CommandContext => contextOf(res, now());

  router.put('/users/:userId', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const { chat, ...contact } = parse(userBodySchema, req.body);
    if (chat) {
      // The chat senders will POST to this URL: the rule Web Push endpoints follow (channels/outboundUrl.ts).
      const check = checkOutboundUrl(chat.webhookUrl, web?.allowedOrigins ?? []);
      if (!check.ok) throw new HttpError(400, 'invalid_request', `chat.webhookUrl: ${check.message}`, { field: 'chat.webhookUrl' });
    }
    const changes: ContactChanges = { ...(contact as ContactChanges), ...(chat !== undefined && { chatWebhookUrl: chat === null ? null : chat.webhookUrl }) };
    const { state } = await upsertUser(store, ctxOf(res), userId, changes);
    res.status(200).json({ userId, ...contactView(state.contact), devices: Object.keys(state.devices).length });
  });

  // Not in the pinned table, but what a caller expects next to the PUT: the user as the log has it.
  router.get('/users/:userId', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const user = await loadUser(store, appIdOf(res), userId);
    if (!user.exists) throw new HttpError(404, 'user_not_found', `user ${userId} does not exist`);
    res.status(200).json({
      userId,
      ...contactView(user.contact),
      devices: Object.entries(user.devices).map(([token, platform]) => ({ id: deviceId(token), token, platform })),
      preferences: user.preferences,
    });
  });

  // Erasure: the user's data key is destroyed, so their email, phone, tokens and params read as erased everywhere.
  router.delete('/users/:userId', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const ctx = ctxOf(res);
    // Read before the erasure: the subscribers read model drops an erased user's documents.
    const topics = topicsOfUser ? await topicsOfUser(ctx.appId, userId) : [];
    await eraseUser(store, keyVault, ctx, userId);
    // Erased users leave their topics.
    await leaveTopics(store, ctx, userId, topics);
    res.status(204).end();
  });

  router.post('/users/:userId/devices', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const body = parse(deviceBodySchema, req.body);
    // A web subscription is a device whose token is its endpoint; its keys travel in the same event.
    const token = body.platform === 'web' ? body.subscription.endpoint : body.token;
    const keys = body.platform === 'web' ? { p256dh: body.subscription.keys.p256dh.replace(/=+$/, ''), auth: body.subscription.keys.auth.replace(/=+$/, '') } : undefined;
    if (body.platform === 'web') {
      // The senders will call this URL: one pointing inside the network is refused here, and again at connect time.
      const check = checkOutboundUrl(token, web?.allowedOrigins ?? []);
      if (!check.ok) throw new HttpError(400, 'invalid_request', `subscription.endpoint: ${check.message}`, { field: 'subscription.endpoint' });
    }
    await registerDevice(store, ctxOf(res), userId, token, body.platform, keys, web && { maxWebSubscriptions: web.maxSubscriptions });
    res.status(201).json({ id: deviceId(token), userId, platform: body.platform });
  });

  // `:id` is the id a registration answered with, or (ios, android) the token itself.
  router.delete('/users/:userId/devices/:id', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const id = req.params.id;
    let token: string;
    if (APNS_TOKEN.test(id) || FCM_TOKEN.test(id)) token = id;
    else if (DEVICE_ID.test(id)) {
      const user = await loadUser(store, appIdOf(res), userId);
      if (!user.exists) throw new HttpError(404, 'user_not_found', `user ${userId} does not exist`);
      const found = tokenOfDeviceId(user, id);
      if (found === undefined) throw new HttpError(404, 'device_not_found', `user ${userId} has no device ${id}`);
      token = found;
    } else {
      throw new HttpError(400, 'invalid_request', 'id: is neither a device id nor an APNs or FCM device token', { field: 'id' });
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
    const user = await loadUser(store, appIdOf(res), userId);
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
