import { fold } from '../domain/decider.ts';
import type { NotificationEvent } from '../domain/events.ts';
import { notificationDecider, type NotificationState } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';

/** One notification as its own stream says: a handful of rows, consistent with the last write. */
export interface NotificationRead {
  /** The decider's fold of the stream: what the next command on it is decided on. */
  state: NotificationState;
  /** The stream's last revision (-1: no stream), the expected revision of the next append. */
  revision: number;
  /** The recorded events, in stream order. */
  events: RecordedEvent[];
}

function folded(events: RecordedEvent[]): NotificationRead {
  return {
    state: fold(notificationDecider, events as unknown as NotificationEvent[]),
    revision: events.length === 0 ? -1 : events[events.length - 1]!.revision,
    events,
  };
}

/** Whether any of the events came from the archive (infra/archive): the answers say `"archived": true`. */
export const fromArchive = (events: readonly RecordedEvent[]): boolean => events.some((e) => e.archived === true);

/** The one read-and-fold of a notification's stream: whoever needs its state reads it here. */
export async function readNotification(store: Pick<EventStore, 'readStream'>, id: string): Promise<NotificationRead> {
  return folded(await store.readStream(streams.notification(id)));
}

/** The notification, or undefined when it does not exist or belongs to another app (indistinguishable on purpose). */
export async function readAppNotification(store: Pick<EventStore, 'readStream'>, appId: string, id: string): Promise<NotificationRead | undefined> {
  const events = await store.readStream(streams.notification(id));
  const first = events[0];
  if (!first) return undefined;
  if (first.type !== 'NotificationRequested' && first.type !== 'NotificationSuppressed') return undefined;
  return first.data.appId === appId ? folded(events) : undefined;
}
