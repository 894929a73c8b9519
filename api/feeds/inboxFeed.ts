import type { EventStore, RecordedEvent } from '../../infra/eventStore/port.ts';
import { followLog, type LogFollower } from '../../infra/eventStore/follower.ts';
import type { Logger } from '../../infra/logger.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { inboxItemById, unreadCount, type InboxItem, type InboxOwner } from '../../projections/inboxQueries.ts';

/**
 * The live side of the inbox for Server-Sent Events. It follows the log itself (not a process-local
 * signal), so a sender in another process is seen within one poll of the store: a NotificationSent
 * carrying an inbox item goes straight to that user's open streams, with the item's log position
 * as its event id. Unread counts come from the inbox read model once it has applied that position.
 */
export interface InboxListener {
  owner: InboxOwner;
  item(seq: number, item: InboxItem): void;
  unread(count: number): void;
}

export interface InboxFeed {
  /** Log position this feed has processed: a stream resuming from the read model waits for it first. */
  position(): number;
  /** Resolves once the inbox read model has applied `position` (or after `timeoutMs`, to serve what it has). */
  applied(position: number, timeoutMs?: number): Promise<void>;
  listen(listener: InboxListener): () => void;
  close(): Promise<void>;
}

export interface InboxFeedOptions {
  eventStore: EventStore;
  store: ProjectionStore;
  /** How far the inbox read model has applied the log: the in-process runner's position, or its stored checkpoint. */
  appliedPosition: () => Promise<number>;
  logger?: Logger;
}

const key = (o: InboxOwner) => `${o.appId}\u0000${o.userId}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startInboxFeed(o: InboxFeedOptions): Promise<InboxFeed> {
  const listeners = new Map<string, Set<InboxListener>>();
  const apps = new Map<string, number>();

  async function applied(position: number, timeoutMs = 2000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((await o.appliedPosition()) < position && Date.now() < until) await sleep(15);
  }

  async function pushUnread(owner: InboxOwner, position: number): Promise<void> {
    const set = listeners.get(key(owner));
    if (!set?.size) return;
    await applied(position);
    const count = await unreadCount(o.store, owner);
    for (const l of set) l.unread(count);
  }

  function onEvent(event: RecordedEvent): void {
    // Only apps with an open stream here are worth a look: everything else is skipped cheaply.
    if (!apps.has(event.metadata.appId)) return;
    if (event.type === 'NotificationSent' && event.data.inbox) {
      const owner = { appId: event.metadata.appId, userId: event.data.inbox.userId };
      const set = listeners.get(key(owner));
      if (!set?.size) return;
      const { inbox } = event.data;
      const item: InboxItem = {
        id: event.data.notificationId,
        notificationId: event.data.notificationId,
        title: inbox.title,
        body: inbox.body,
        url: inbox.url ?? null,
        createdAt: event.data.at,
        readAt: null,
      };
      for (const l of set) l.item(event.position, item);
      void pushUnread(owner, event.position).catch((e: unknown) => o.logger?.warn({ err: e }, 'inbox feed: unread count failed'));
    } else if (event.type === 'NotificationOpened') {
      const position = event.position;
      void (async () => {
        await applied(position);
        const doc = await inboxItemById(o.store, event.data.notificationId);
        if (doc && doc.appId === event.metadata.appId) await pushUnread({ appId: doc.appId, userId: doc.userId }, position);
      })().catch((e: unknown) => o.logger?.warn({ err: e }, 'inbox feed: unread count failed'));
    }
  }

  const follower: LogFollower = followLog({
    name: 'inbox feed',
    eventStore: o.eventStore,
    // The two kinds this feed reacts to; every other event is passed over unparsed and unopened.
    types: ['NotificationSent', 'NotificationOpened'],
    // Live only: what happened before a stream opened is served from the read model.
    after: await o.eventStore.headPosition(),
    onEvent,
    ...(o.logger && { logger: o.logger }),
  });

  return {
    position: () => follower.position(),
    applied,
    listen(listener) {
      const k = key(listener.owner);
      let set = listeners.get(k);
      if (!set) listeners.set(k, (set = new Set()));
      set.add(listener);
      apps.set(listener.owner.appId, (apps.get(listener.owner.appId) ?? 0) + 1);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(k);
        const n = (apps.get(listener.owner.appId) ?? 1) - 1;
        if (n <= 0) apps.delete(listener.owner.appId);
        else apps.set(listener.owner.appId, n);
      };
    },
    close: () => follower.close(),
  };
}
