import { NOTIFICATION_EVENT_TYPES, type Channel, type NotificationEvent } from '../domain/events.ts';
import { isFinal, type NotificationStatus } from '../domain/notification.ts';
import { eventTime, type EventOf, type ProjectedDoc, type ReadModel } from './readModel.ts';

export interface NotificationStatusDoc extends ProjectedDoc {
  notificationId: string;
  appId?: string;
  userId?: string;
  channel?: Channel;
  templateId?: string;
  templateVersion?: number;
  category?: string;
  eventId?: string;
  status: NotificationStatus;
  /** Highest attempt number seen in an outcome. */
  attempts: number;
  provider?: string;
  providerMessageId?: string;
  /** Every event of the notification, in log order. */
  timeline: Array<{ type: NotificationEvent['type']; at: string }>;
  /** When it was requested, or suppressed (never requested): orders a user's list. */
  requestedAt?: string;
  scheduleAt?: string;
  deferredBy?: string;
  sentAt?: string;
  deliveredAt?: string;
  failedAt?: string;
  suppressedAt?: string;
  openedAt?: string;
  clickedAt?: string;
  /** Why it was suppressed or failed. */
  reason?: string;
  lastError?: { code: string; message: string };
  updatedAt: string;
}

type Handled = NotificationEvent['type'];
const HANDLES: readonly Handled[] = NOTIFICATION_EVENT_TYPES;

/** Follows the same transitions as the notification decider (domain/notification.ts). */
function evolve(doc: NotificationStatusDoc | undefined, event: EventOf<Handled>, id: string): NotificationStatusDoc {
  const at = eventTime(event);
  const base: NotificationStatusDoc = doc ?? { _id: id, notificationId: event.data.notificationId, status: 'pending', attempts: 0, timeline: [], updatedAt: at };
  const d: NotificationStatusDoc = { ...base, timeline: [...base.timeline, { type: event.type, at }], updatedAt: at };
  const fresh = doc === undefined;
  switch (event.type) {
    case 'NotificationRequested': {
      const r = event.data;
      if (!fresh && base.requestedAt !== undefined) return d;
      return {
        ...d,
        appId: r.appId,
        userId: r.userId,
        channel: r.channel,
        templateId: r.templateId,
        templateVersion: r.templateVersion,
        eventId: r.eventId,
        ...(r.category !== undefined && { category: r.category }),
        ...(r.scheduleAt !== undefined && { scheduleAt: r.scheduleAt }),
        ...(r.deferredBy !== undefined && { deferredBy: r.deferredBy }),
        requestedAt: r.requestedAt,
        status: fresh ? (r.scheduleAt ? 'scheduled' : 'pending') : d.status,
      };
    }
    case 'NotificationSuppressed': {
      const s = event.data;
      return {
        ...d,
        appId: s.appId,
        userId: s.userId,
        channel: s.channel,
        templateId: s.templateId,
        eventId: s.eventId,
        ...(s.category !== undefined && { category: s.category }),
        // A suppressed notification was never requested: it is listed at the time it was decided.
        requestedAt: d.requestedAt ?? s.at,
        status: fresh ? 'suppressed' : d.status,
        reason: s.reason,
        suppressedAt: s.at,
      };
    }
    case 'NotificationSent': {
      const s = event.data;
      const attempts = Math.max(d.attempts, s.attempt);
      if (isFinal(d.status)) return { ...d, attempts };
      return { ...d, attempts, status: 'sent', provider: s.provider, providerMessageId: s.providerMessageId, sentAt: s.at };
    }
    case 'NotificationAttemptFailed': {
      const f = event.data;
      return { ...d, attempts: Math.max(d.attempts, f.attempt), provider: f.provider, lastError: { code: f.code, message: f.message } };
    }
    case 'NotificationFailed': {
      const f = event.data;
      const attempts = Math.max(d.attempts, f.attempt ?? 0);
      if (d.status === 'failed' || d.status === 'suppressed' || d.status === 'delivered') return { ...d, attempts };
      return { ...d, attempts, status: 'failed', reason: f.reason, lastError: { code: f.code, message: f.message }, failedAt: f.at, ...(f.provider !== undefined && { provider: f.provider }) };
    }
    case 'NotificationDelivered':
      return d.status === 'sent' ? { ...d, status: 'delivered', deliveredAt: event.data.at } : d;
    case 'NotificationOpened':
      return { ...d, openedAt: d.openedAt ?? event.data.at };
    case 'NotificationClicked':
      return { ...d, clickedAt: d.clickedAt ?? event.data.at };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const notificationStatus: ReadModel<NotificationStatusDoc, Handled> = {
  name: 'notifications',
  handles: HANDLES,
  // The first serves a user's list (GET /v1/users/:userId/notifications, newest first).
  // The last serves the stuck-notification reconciler (not final, untouched for a while).
  indexes: [{ keys: { appId: 1, userId: 1, requestedAt: 1 } }, { keys: { appId: 1, requestedAt: 1 } }, { keys: { status: 1, updatedAt: 1 } }],
  ids: (event) => [event.data.notificationId],
  evolve,
};
