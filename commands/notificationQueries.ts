import { eventTime } from '../projections/readModel.ts';
import { fromArchive, type NotificationRead } from './readNotification.ts';

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
  /** A digest notification: the members it carried, in the order they joined. */
  digestOf?: string[];
  /** Its stream left the hot log under retention (LOG_RETENTION) and was read from the archive. */
  archived?: true;
}

export function viewOf(id: string, { state, events }: Pick<NotificationRead, 'state' | 'events'>): NotificationView {
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
    // A suppression names its version only when a fallback still needs it; otherwise there is none to show.
    ...(state.request
      ? { templateVersion: state.request.templateVersion }
      : state.suppression?.templateVersion !== undefined
        ? { templateVersion: state.suppression.templateVersion }
        : {}),
    ...(origin?.category !== undefined ? { category: origin.category } : {}),
    ...(state.request?.scheduleAt ? { scheduleAt: state.request.scheduleAt } : {}),
    ...(state.request?.deferredBy ? { deferredBy: state.request.deferredBy } : {}),
    ...(state.suppression ? { reason: state.suppression.reason } : failed?.type === 'NotificationFailed' ? { reason: failed.data.reason } : {}),
    opened: state.opened,
    clicked: state.clicked,
    ...(state.digestedInto ? { digestNotificationId: state.digestedInto } : {}),
    ...(origin?.fallbackOf !== undefined ? { fallbackOf: origin.fallbackOf } : {}),
    ...(state.request?.digestOf !== undefined ? { digestOf: state.request.digestOf } : {}),
    ...(fromArchive(events) && { archived: true as const }),
  };
}
