/**
 * Read-side queries for operators and auditors: rate-window counts as of a past time (the "why"),
 * the notifications of an event (the "why" of one that never existed), and failed notifications
 * in a window (redrive). Every function resolves the serving generation (generations.ts).
 */
import type { Channel, FailureReason } from '../domain/events.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { servingCollection } from './generations.ts';
import { notificationStatus, type NotificationStatusDoc } from './notificationStatus.ts';
import { rateWindows, type RateWindowDoc } from './rateWindows.ts';
import { hourOf } from './readModel.ts';

/**
 * Requests counted by the limiter in [since, until): what a rate window held just before a
 * request made at `until` (a request in the very same millisecond is not counted).
 */
export async function countBetween(store: ProjectionStore, q: { appId: string; userId: string; channel: Channel; category?: string; since: Date; until: Date }): Promise<number> {
  const c = await servingCollection<RateWindowDoc>(store, rateWindows);
  const since = q.since.toISOString();
  const until = q.until.toISOString();
  const docs = await c.find({ appId: q.appId, userId: q.userId, channel: q.channel, window: 'hour', start: { $gte: hourOf(since), $lte: until } });
  let n = 0;
  for (const d of docs) for (const r of d.requests ?? []) if (r.at >= since && r.at < until && (q.category === undefined || r.category === q.category)) n += 1;
  return n;
}

export interface EventNotification {
  id: string;
  userId: string;
  channel: Channel;
  status: string;
  templateId: string;
  templateVersion?: number;
  requestedAt?: string;
  /** A fallback notification: the one whose outcome requested it. */
  fallbackOf?: string;
  /** A digest member: the digest notification that carried it. */
  digestNotificationId?: string;
}

/** Notifications the app's event produced (for any user), at most `limit`. */
export async function notificationsOfEvent(store: ProjectionStore, appId: string, eventId: string, limit = 50): Promise<EventNotification[]> {
  const c = await servingCollection<NotificationStatusDoc>(store, notificationStatus);
  const docs = await c.find({ appId, eventId }, { limit });
  return docs.flatMap((d) =>
    d.userId !== undefined && d.channel !== undefined && d.templateId !== undefined
      ? [
          {
            id: d.notificationId,
            userId: d.userId,
            channel: d.channel,
            status: d.status,
            templateId: d.templateId,
            ...(d.templateVersion !== undefined && { templateVersion: d.templateVersion }),
            ...(d.requestedAt !== undefined && { requestedAt: d.requestedAt }),
            ...(d.fallbackOf !== undefined && { fallbackOf: d.fallbackOf }),
            ...(d.digestNotificationId !== undefined && { digestNotificationId: d.digestNotificationId }),
          },
        ]
      : [],
  );
}

/** Failed notifications of an app whose (last) failure is in [from, to), oldest first. */
export async function failedNotifications(
  store: ProjectionStore,
  q: { appId: string; from: Date; to: Date; channel?: Channel; reason?: FailureReason; limit?: number },
): Promise<Array<{ id: string; channel: Channel; failedAt: string; reason?: string }>> {
  const c = await servingCollection<NotificationStatusDoc>(store, notificationStatus);
  const docs = await c.find(
    {
      appId: q.appId,
      status: 'failed',
      failedAt: { $gte: q.from.toISOString(), $lt: q.to.toISOString() },
      ...(q.channel !== undefined && { channel: q.channel }),
      ...(q.reason !== undefined && { reason: q.reason }),
    },
    { sort: { failedAt: 1 }, ...(q.limit !== undefined && { limit: q.limit }) },
  );
  return docs.flatMap((d) =>
    d.channel !== undefined && d.failedAt !== undefined
      ? [{ id: d.notificationId, channel: d.channel, failedAt: d.failedAt, ...(d.reason !== undefined && { reason: d.reason }) }]
      : [],
  );
}
