import { digestDecider } from '../domain/digest.ts';
import type { DigestEvent, EventMetadata, NotificationRequested } from '../domain/events.ts';
import { notificationDecider } from '../domain/notification.ts';
import { digestNotificationId, streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { handleCommand } from './handle.ts';

/**
 * Adds a digest member (its NotificationRequested carries `digest`) to the open window of its
 * key, opening one when none is (DigestWindowOpened: the workflow sets the close's timer when it
 * reads it). Idempotent: a replay adds nothing.
 */
export async function joinDigest(store: EventStore, member: NotificationRequested['data'], metadata: EventMetadata): Promise<void> {
  if (!member.digest) return;
  const stream = streams.digest(member.appId, member.userId, member.channel, member.digest.key);
  await handleCommand(
    store,
    digestDecider,
    stream,
    {
      type: 'JoinDigest',
      data: {
        notificationId: member.notificationId,
        appId: member.appId,
        userId: member.userId,
        channel: member.channel,
        key: member.digest.key,
        windowSeconds: member.digest.windowSeconds,
        at: member.requestedAt,
      },
    },
    metadata,
    { maxAttempts: 50 },
  );
}

/**
 * Closes one window, then (idempotently, so a crash anywhere is finished by running it again):
 * 1. DigestWindowClosed with the revision read: the member list is frozen by the log;
 * 2. each member gets NotificationDigested, unless it was canceled first (its own stream decides);
 * 3. the digest notification is requested ('no stream': one per window) with the params of the
 *    members that were digested, in join order, as `digest.events` and `digest.count`.
 * Answers the digest notification's id, or undefined when no member was left to carry.
 */
export async function closeDigest(
  store: EventStore,
  idKey: string,
  stream: string,
  windowId: string,
  now: Date,
  metadata: EventMetadata,
): Promise<{ digestNotificationId: string; members: string[] } | undefined> {
  const at = now.toISOString();
  const events = await store.readStream(stream);
  const opened = events.find((e) => e.type === 'DigestWindowOpened' && e.data.windowId === windowId);
  if (!opened || opened.type !== 'DigestWindowOpened') return undefined;
  const read = { state: events.reduce((s, e) => digestDecider.evolve(s, e as DigestEvent), digestDecider.initialState()), revision: events[events.length - 1]!.revision };
  const { appId, userId, channel } = opened.data;
  const digestId = digestNotificationId(idKey, stream, windowId, appId, userId, channel);
  const closed = await handleCommand(store, digestDecider, stream, { type: 'CloseDigest', data: { windowId, digestNotificationId: digestId, at } }, metadata, {
    known: read,
    maxAttempts: 50,
  });
  const members = closed.state.closed[windowId]?.members ?? [];

  const carried: Array<NotificationRequested['data']> = [];
  for (const id of members) {
    // Store errors propagate: the timer stays and the next tick finishes the close.
    const result = await handleCommand(
      store,
      notificationDecider,
      streams.notification(id),
      { type: 'DigestNotification', data: { notificationId: id, digestNotificationId: digestId, at } },
      metadata,
    );
    // Carried only when this digest holds it: a member canceled before the close stays out.
    if (result.state.digestedInto === digestId && result.state.request) carried.push(result.state.request);
  }
  const first = carried[0];
  const last = carried[carried.length - 1];
  if (!first || !last) return undefined;
  await handleCommand(
    store,
    notificationDecider,
    streams.notification(digestId),
    {
      type: 'RequestNotification',
      data: {
        notificationId: digestId,
        appId,
        eventId: `${stream}:${windowId}`,
        userId,
        channel,
        templateId: first.templateId,
        templateVersion: first.templateVersion,
        // The latest member's params stay readable at the top level; the digest adds the list.
        params: { ...last.params, digest: { events: carried.map((r) => r.params), count: carried.length } },
        // The most recently resolved contact: the member requested last knows it best.
        recipient: last.recipient,
        ...(first.category !== undefined ? { category: first.category } : {}),
        requestedAt: at,
        digestOf: carried.map((r) => r.notificationId),
      },
    },
    metadata,
  );
  return { digestNotificationId: digestId, members: carried.map((r) => r.notificationId) };
}
