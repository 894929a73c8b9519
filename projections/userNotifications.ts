import { CHANNELS, type Channel } from '../domain/events.ts';
import { NOTIFICATION_STATUSES, type NotificationStatus } from '../domain/notification.ts';
import type { Filter, ProjectionStore } from '../infra/projectionStore/port.ts';
import { servingCollection } from './generations.ts';
import { notificationStatus, type NotificationStatusDoc } from './notificationStatus.ts';
import { QueryError } from './queries.ts';

export const USER_NOTIFICATIONS_DEFAULT_LIMIT = 50;
export const USER_NOTIFICATIONS_MAX_LIMIT = 200;

export interface UserNotificationItem {
  id: string;
  eventId: string;
  channel: Channel;
  status: NotificationStatus;
  templateId: string;
  requestedAt: string;
  /** On the app-wide list only (no userId asked). */
  userId?: string;
}

export interface UserNotificationsPage {
  items: UserNotificationItem[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

export interface UserNotificationsQuery {
  /** The calling app: only its notifications are listed. */
  appId: string;
  /** Absent: the app's whole feed (the console's activity list), each item naming its user. */
  userId?: string;
  limit?: number;
  cursor?: string;
  status?: NotificationStatus;
  channel?: Channel;
}

/**
 * The cursor is the (requestedAt, id) of the last item given, base64url JSON: a keyset, so a page
 * neither skips nor repeats items when newer notifications arrive between two calls.
 */
type Position = { at: string; id: string };

const encodeCursor = (p: Position): string => Buffer.from(JSON.stringify([p.at, p.id])).toString('base64url');

function decodeCursor(cursor: string): Position {
  const bad = () => new QueryError('cursor', 'cursor is not one this API gave');
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(value) || value.length !== 2) throw bad();
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || id === '') throw bad();
  return { at, id };
}

function validated(q: UserNotificationsQuery): { limit: number; after?: Position } {
  const limit = q.limit ?? USER_NOTIFICATIONS_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > USER_NOTIFICATIONS_MAX_LIMIT) {
    throw new QueryError('limit', `limit must be an integer from 1 to ${USER_NOTIFICATIONS_MAX_LIMIT}`);
  }
  if (q.status !== undefined && !(NOTIFICATION_STATUSES as readonly string[]).includes(q.status)) {
    throw new QueryError('status', `status must be one of ${NOTIFICATION_STATUSES.join(', ')}`);
  }
  if (q.channel !== undefined && !(CHANNELS as readonly string[]).includes(q.channel)) throw new QueryError('channel', `channel must be one of ${CHANNELS.join(', ')}`);
  return { limit, ...(q.cursor !== undefined && { after: decodeCursor(q.cursor) }) };
}

/** A user's (or, without userId, the app's) notifications, newest first (ties by id), from the `notifications` read model. */
export async function userNotifications(store: ProjectionStore, q: UserNotificationsQuery): Promise<UserNotificationsPage> {
  const { limit, after } = validated(q);
  const filter: Filter = {
    appId: q.appId,
    ...(q.userId !== undefined && { userId: q.userId }),
    ...(q.status !== undefined && { status: q.status }),
    ...(q.channel !== undefined && { channel: q.channel }),
    // The top-level bound lets the embedded store narrow candidates through the index; $or settles ties.
    ...(after && { requestedAt: { $lte: after.at }, $or: [{ requestedAt: { $lt: after.at } }, { _id: { $lt: after.id } }] }),
  };
  const c = await servingCollection<NotificationStatusDoc>(store, notificationStatus);
  // One more than asked says whether there is a next page.
  const docs = await c.find(filter, { sort: { requestedAt: -1, _id: -1 }, limit: limit + 1 });
  const items = docs.slice(0, limit).flatMap((d): UserNotificationItem[] =>
    // appId is only ever set together with these (NotificationRequested or NotificationSuppressed).
    d.eventId !== undefined && d.channel !== undefined && d.templateId !== undefined && d.requestedAt !== undefined
      ? [
          {
            id: d.notificationId,
            ...(q.userId === undefined && d.userId !== undefined && { userId: d.userId }),
            eventId: d.eventId,
            channel: d.channel,
            status: d.status,
            templateId: d.templateId,
            requestedAt: d.requestedAt,
          },
        ]
      : [],
  );
  const last = docs[limit - 1];
  const nextCursor = docs.length > limit && last?.requestedAt !== undefined ? encodeCursor({ at: last.requestedAt, id: last._id }) : null;
  return { items, nextCursor };
}
