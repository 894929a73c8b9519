import { NOTIFICATION_EVENT_TYPES, type Channel, type NotificationEvent } from '../domain/events.ts';
import { attemptNumber, nextStatus, type NotificationStatus } from '../domain/notification.ts';
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
  digestKey?: string;
  /** A fallback notification: the one whose outcome requested it. */
  fallbackOf?: string;
  sentAt?: string;
  deliveredAt?: string;
  failedAt?: string;
  suppressedAt?: string;
  openedAt?: string;
  clickedAt?: string;
  /** Conversions the app reported, by name (first time each). */
  conversions?: Record<string, { at: string; value?: number }>;
  /** Redrives applied, oldest first. */
  redrives?: Array<{ redriveId: string; at: string; fromAttempt: number }>;
  canceledAt?: string;
  /** Digest members: the digest notification that carried them. */
  digestNotificationId?: string;
  /** Why it was suppressed or failed. */
  reason?: string;
  lastError?: { code: string; message: string };
  updatedAt: string;
}

type Handled = NotificationEvent['type'];
const HANDLES: readonly Handled[] = NOTIFICATION_EVENT_TYPES;

/**
 * The status moves by the notification state machine (domain/notification.ts nextStatus); this
 * read model adds only what it shows: the fields an event sets when it moves the status.
 */
function evolve(doc: NotificationStatusDoc | undefined, event: EventOf<Handled>, id: string): NotificationStatusDoc {
  const at = eventTime(event);
  const base: NotificationStatusDoc = doc ?? { _id: id, notificationId: event.data.notificationId, status: 'pending', attempts: 0, timeline: [], updatedAt: at };
  const d: NotificationStatusDoc = { ...base, timeline: [...base.timeline, { type: event.type, at }], updatedAt: at };
  const fresh = doc === undefined;
  const status = nextStatus(d.status, event);
  const attempts = Math.max(d.attempts, attemptNumber(event));
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
        ...(r.digest !== undefined && { digestKey: r.digest.key }),
        ...(r.fallbackOf !== undefined && { fallbackOf: r.fallbackOf }),
        // A new document's 'pending' is a placeholder: the notification's first event opens it from 'none'.
        status: fresh ? nextStatus('none', event) : status,
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
        status: fresh ? nextStatus('none', event) : status,
        ...(s.fallbackOf !== undefined && { fallbackOf: s.fallbackOf }),
        reason: s.reason,
        suppressedAt: s.at,
      };
    }
    case 'NotificationSent': {
      const s = event.data;
      if (status === d.status) return { ...d, attempts };
      return { ...d, attempts, status, provider: s.provider, providerMessageId: s.providerMessageId, sentAt: s.at };
    }
    case 'NotificationAttemptFailed': {
      const f = event.data;
      return { ...d, attempts, provider: f.provider, lastError: { code: f.code, message: f.message } };
    }
    case 'NotificationFailed': {
      const f = event.data;
      if (status === d.status) return { ...d, attempts };
      return {
        ...d,
        attempts,
        status,
        reason: f.reason,
        lastError: { code: f.code, message: f.message },
        failedAt: f.at,
        ...(f.provider !== undefined && { provider: f.provider }),
      };
    }
    case 'NotificationDelivered':
      return status === d.status ? d : { ...d, status, deliveredAt: event.data.at };
    case 'NotificationOpened':
      return { ...d, openedAt: d.openedAt ?? event.data.at };
    case 'NotificationClicked':
      return { ...d, clickedAt: d.clickedAt ?? event.data.at };
    case 'NotificationRedriven': {
      const r = event.data;
      const redrives = [...(d.redrives ?? []), { redriveId: r.redriveId, at: r.at, fromAttempt: r.fromAttempt }];
      // failedAt stays: it is when the last failure happened, and a redrive window selects on it.
      return { ...d, status, redrives };
    }
    case 'NotificationConverted': {
      const c = event.data;
      if (d.conversions?.[c.name]) return d;
      return { ...d, conversions: { ...d.conversions, [c.name]: { at: c.at, ...(c.value !== undefined && { value: c.value }) } } };
    }
    case 'NotificationCanceled':
      return status === d.status ? d : { ...d, status, canceledAt: event.data.at };
    case 'NotificationDigested':
      return status === d.status ? d : { ...d, status, digestNotificationId: event.data.digestNotificationId };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const notificationStatus: ReadModel<NotificationStatusDoc, Handled> = {
  name: 'notifications',
  handles: HANDLES,
  // The first serves a user's list (GET /v1/users/:userId/notifications, newest first); then the
  // analytics window, redrive's failed window and an event's notifications (why); the last serves
  // the stuck-notification reconciler (not final, untouched for a while).
  indexes: [
    { keys: { appId: 1, userId: 1, requestedAt: 1 } },
    { keys: { appId: 1, requestedAt: 1 } },
    { keys: { appId: 1, status: 1, failedAt: 1 } },
    { keys: { appId: 1, eventId: 1 } },
    { keys: { status: 1, updatedAt: 1 } },
  ],
  ids: (event) => [event.data.notificationId],
  evolve,
};
