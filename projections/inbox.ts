import { eventTime, type EventOf, type ProjectedDoc, type ReadModel } from './readModel.ts';

/**
 * The in-app inbox: one document per item, fed by NotificationSent events that carry an inbox
 * item (channel inapp) and marked read by NotificationOpened. Built from the log alone, so an
 * inbox survives restarts and rebuilds. UserErased removes all of the user's items. `seq` is the log position of the NotificationSent: the
 * order of the list and the id of the item's Server-Sent Event (Last-Event-ID resumes after it).
 */
export interface InboxItemDoc extends ProjectedDoc {
  notificationId: string;
  appId: string;
  userId: string;
  title: string;
  body: string;
  url: string | null;
  createdAt: string;
  readAt: string | null;
  seq: number;
}

type Handled = 'NotificationSent' | 'NotificationOpened' | 'UserErased';

function evolve(doc: InboxItemDoc | undefined, event: EventOf<Handled>, id: string): InboxItemDoc | undefined {
  switch (event.type) {
    case 'NotificationSent': {
      const item = event.data.inbox;
      // Only inapp sends carry an item; a second Sent (never expected) keeps the first.
      if (!item || doc) return doc;
      return {
        _id: id,
        notificationId: event.data.notificationId,
        appId: event.metadata.appId,
        userId: item.userId,
        title: item.title,
        body: item.body,
        url: item.url ?? null,
        createdAt: event.data.at,
        readAt: null,
        seq: event.position,
      };
    }
    case 'NotificationOpened':
      if (!doc || doc.readAt !== null) return doc;
      return { ...doc, readAt: eventTime(event) };
    // Names no item (ids below): `drops` removes them all.
    case 'UserErased':
      return doc;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const inbox: ReadModel<InboxItemDoc, Handled> = {
  name: 'inbox',
  handles: ['NotificationSent', 'NotificationOpened', 'UserErased'],
  indexes: [{ keys: { appId: 1, userId: 1, seq: -1 } }, { keys: { appId: 1, userId: 1, readAt: 1 } }],
  ids: (event) => (event.type === 'UserErased' ? [] : [event.data.notificationId]),
  evolve,
  // The items hold rendered content (personal data the log keeps sealed): erasure deletes them,
  // so neither a token issued before it nor the projection file still has them. User streams are
  // the app's own, so the app is the one that appended.
  drops: (event) => (event.type === 'UserErased' ? { appId: event.metadata.appId, userId: event.data.userId } : undefined),
};
