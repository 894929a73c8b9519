import { isDomainError } from '../domain/errors.ts';
import type { EventIndexEvent } from '../domain/events.ts';
import { notificationDecider, type NotificationStatus } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore, NewEvent, StreamAppend } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand } from './handle.ts';
import { readAppNotification, readNotification } from './readNotification.ts';

/**
 * Cancel: a notification not yet sent (pending, scheduled, deferred, waiting in a digest) ends
 * `canceled`; the dispatcher drops its schedule entry and the sender skips it like any final one.
 * Once sent (or otherwise final) the decider refuses with `already_final` (HTTP 409).
 */
export async function cancelNotification(store: EventStore, ctx: CommandContext, id: string): Promise<{ id: string; status: 'canceled' } | undefined> {
  // Another app's notification is indistinguishable from a missing one.
  const known = await readAppNotification(store, ctx.appId, id);
  if (!known) return undefined;
  await handleCommand(
    store,
    notificationDecider,
    streams.notification(id),
    { type: 'CancelNotification', data: { notificationId: id, appId: ctx.appId, at: ctx.now.toISOString(), ...(ctx.operator && { by: ctx.operator }) } },
    metadataFor(ctx),
    { known },
  );
  return { id, status: 'canceled' };
}

/**
 * Cancels every notification one eventId made for the calling app, found through the
 * `event-<app>-<eventId>` index stream. Each answers its own status: `canceled`, or the final
 * status that kept it from being canceled (never a 409 for the whole batch).
 */
export async function cancelByEventId(store: EventStore, ctx: CommandContext, eventId: string): Promise<Array<{ id: string; status: NotificationStatus }>> {
  const out: Array<{ id: string; status: NotificationStatus }> = [];
  for (const id of await linkedNotifications(store, ctx.appId, eventId)) {
    const stream = streams.notification(id);
    const known = await readNotification(store, id);
    // Linked but never written (a request that crashed between the index and the notification).
    if (known.state.status === 'none') continue;
    try {
      const result = await handleCommand(
        store,
        notificationDecider,
        stream,
        { type: 'CancelNotification', data: { notificationId: id, appId: ctx.appId, at: ctx.now.toISOString(), ...(ctx.operator && { by: ctx.operator }) } },
        metadataFor(ctx),
        { known },
      );
      out.push({ id, status: result.state.status === 'none' ? 'pending' : result.state.status });
    } catch (e) {
      if (!isDomainError(e, 'already_final')) throw e;
      const now = await readNotification(store, id);
      out.push({ id, status: now.state.status === 'none' ? 'pending' : now.state.status });
    }
  }
  return out;
}

/** Ids the index holds for (app, eventId), in the order they were first linked. */
export async function linkedNotifications(store: Pick<EventStore, 'readStream'>, appId: string, eventId: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const e of await store.readStream(streams.event(appId, eventId))) {
    if (e.type === 'NotificationsLinked') for (const id of e.data.notificationIds) ids.add(id);
  }
  return [...ids];
}

/**
 * Written before the notifications themselves: every notification that exists is in the index
 * (an id whose write then failed is skipped by the cancel). Appends only ids not linked yet, so
 * a repeated request adds nothing.
 */
export async function linkNotifications(store: EventStore, ctx: CommandContext, eventId: string, ids: readonly string[]): Promise<void> {
  const share = await linkShare(store, ctx, eventId, ids);
  if (share) await store.append(share.stream, share.events, share.expected);
}

/**
 * The index's append for `ids` (those not linked yet), or undefined when there is none: a request
 * commits it in the same transaction as its first notifications (appendMulti), never after them.
 */
export async function linkShare(store: Pick<EventStore, 'readStream'>, ctx: CommandContext, eventId: string, ids: readonly string[]): Promise<StreamAppend | undefined> {
  const known = new Set(await linkedNotifications(store, ctx.appId, eventId));
  const fresh = [...new Set(ids)].filter((id) => !known.has(id));
  if (fresh.length === 0) return undefined;
  const event: EventIndexEvent = { type: 'NotificationsLinked', data: { appId: ctx.appId, eventId, notificationIds: fresh, at: ctx.now.toISOString() } };
  // 'any': the index is a set; two concurrent requests may both add an id, read back once.
  return { stream: streams.event(ctx.appId, eventId), events: [{ ...event, metadata: metadataFor(ctx) } as NewEvent], expected: 'any' };
}
