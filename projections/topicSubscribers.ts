import type { ProjectedDoc, EventOf, ReadModel } from './readModel.ts';

/**
 * Who is subscribed to which topic, one document per (app, topic, user): the list GET
 * /v1/topics/:topicId/subscribers pages through, and the topics an erased user is taken out of
 * (commands/users.ts). The send itself folds the topic's stream (it must see a subscription made
 * just before it); this model follows the log. UserErased drops the user's documents at once, so
 * the list never shows an erased user even before their topics record them leaving.
 */
export interface TopicSubscriberDoc extends ProjectedDoc {
  appId: string;
  topicId: string;
  userId: string;
  since: string;
}

type Handled = 'TopicSubscribed' | 'TopicUnsubscribed' | 'UserErased';

const enc = (s: string) => encodeURIComponent(s);
export const topicSubscriberId = (appId: string, topicId: string, userId: string) => `${enc(appId)}|${enc(topicId)}|${enc(userId)}`;

function evolve(doc: TopicSubscriberDoc | undefined, event: EventOf<Handled>, id: string): TopicSubscriberDoc | undefined {
  switch (event.type) {
    case 'TopicSubscribed': {
      if (doc) return doc;
      const userId = decodeURIComponent(id.slice(id.lastIndexOf('|') + 1));
      return { _id: id, appId: event.data.appId, topicId: event.data.topicId, userId, since: event.data.at };
    }
    case 'TopicUnsubscribed':
      return undefined;
    // Names no document (ids below): `drops` removes them all.
    case 'UserErased':
      return doc;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const topicSubscribers: ReadModel<TopicSubscriberDoc, Handled> = {
  name: 'topicSubscribers',
  handles: ['TopicSubscribed', 'TopicUnsubscribed', 'UserErased'],
  indexes: [{ keys: { appId: 1, topicId: 1, userId: 1 } }, { keys: { appId: 1, userId: 1 } }],
  ids: (event) => (event.type === 'UserErased' ? [] : event.data.userIds.map((u) => topicSubscriberId(event.data.appId, event.data.topicId, u))),
  evolve,
  // User streams are the app's own, so the app is the one that appended.
  drops: (event) => (event.type === 'UserErased' ? { appId: event.metadata.appId, userId: event.data.userId } : undefined),
};
