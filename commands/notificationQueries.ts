import type { NotificationEvent } from '../domain/events.ts';
import { notificationDecider, type NotificationState } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';

/**
 * Reads of one notification come from its own stream: a handful of rows, always consistent
 * with the last write (no projection lag between a POST and the GET that follows it).
 */
export interface NotificationView {
  id: string;
  userId: string;
  channel: string;
  status: string;
  attempts: number;
  timeline: Array<{ type: string; at: string }>;
  eventId: string;
  templateId: string;
  templateVersion?: number;
  category?: string;
  scheduleAt?: string;
  deferredBy?: string;
  reason?: string;
  opened: boolean;
  clicked: boolean;
  /** A digest member: the digest notification that carried it. */
  digestNotificationId?: string;
  /** A fallback notification: the one whose outcome requested it. */
  fallbackOf?: string;
}

/** The stream, or undefined when it does not exist or belongs to another app (indistinguishable on purpose). */
export async function readNotificationStream(store: EventStore, appId: string, id: string): Promise<RecordedEvent[] | undefined> {
  const events = await store.readStream(streams.notification(id));
  const first = events[0];
  if (!first) return undefined;
  if (first.type !== 'NotificationRequested' && first.type !== 'NotificationSuppressed') return undefined;
  return first.data.appId === appId ? events : undefined;
}

function eventTime(e: RecordedEvent): string {
  switch (e.type) {
    case 'NotificationRequested':
      return e.data.requestedAt;
    case 'NotificationSuppressed':
    case 'NotificationSent':
    case 'NotificationAttemptFailed':
    case 'NotificationFailed':
    case 'NotificationDelivered':
    case 'NotificationOpened':
    case 'NotificationClicked':
    case 'NotificationRedriven':
    case 'NotificationConverted':
    case 'NotificationCanceled':
    case 'NotificationDigested':
      return e.data.at;
    default:
      return e.recordedAt;
  }
}

export function viewOf(id: string, events: RecordedEvent[]): NotificationView {
  let state: NotificationState = notificationDecider.initialState();
  for (const e of events) state = notificationDecider.evolve(state, e as NotificationEvent);
  const origin = state.request ?? state.suppression;
  const failed = [...events].reverse().find((e) => e.type === 'NotificationFailed');
  return {
    id,
    userId: origin?.userId ?? '',
    channel: origin?.channel ?? '',
    status: state.status === 'none' ? 'pending' : state.status,
    attempts: state.lastAttempt,
    timeline: events.map((e) => ({ type: e.type, at: eventTime(e) })),
    eventId: origin?.eventId ?? '',
    templateId: origin?.templateId ?? '',
    ...(state.request ? { templateVersion: state.request.templateVersion } : {}),
    ...(origin?.category !== undefined ? { category: origin.category } : {}),
    ...(state.request?.scheduleAt ? { scheduleAt: state.request.scheduleAt } : {}),
    ...(state.request?.deferredBy ? { deferredBy: state.request.deferredBy } : {}),
    ...(state.suppression ? { reason: state.suppression.reason } : failed?.type === 'NotificationFailed' ? { reason: failed.data.reason } : {}),
    opened: state.opened,
    clicked: state.clicked,
    ...(state.digestedInto ? { digestNotificationId: state.digestedInto } : {}),
    ...(origin?.fallbackOf !== undefined ? { fallbackOf: origin.fallbackOf } : {}),
  };
}
