import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { servingCollection } from './generations.ts';
import { QueryError } from './queries.ts';
import { topicSubscribers, type TopicSubscriberDoc } from './topicSubscribers.ts';

export const TOPIC_SUBSCRIBERS_PAGE = 100;

export interface TopicSubscribersPage {
  items: Array<{ userId: string }>;
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

/** The cursor is the last user id given (base64url): a keyset, so a page neither skips nor repeats a subscriber added meanwhile. */
function decodeCursor(cursor: string): string {
  const bad = () => new QueryError('cursor', 'cursor is not one this API gave');
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw bad();
  const userId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (userId.length === 0) throw bad();
  return userId;
}

/** One app's subscribers of one topic, by user id (code-unit order), TOPIC_SUBSCRIBERS_PAGE at a time. */
export async function topicSubscriberPage(store: ProjectionStore, q: { appId: string; topicId: string; cursor?: string; limit?: number }): Promise<TopicSubscribersPage> {
  const limit = q.limit ?? TOPIC_SUBSCRIBERS_PAGE;
  const after = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
  const c = await servingCollection<TopicSubscriberDoc>(store, topicSubscribers);
  const docs = await c.find({ appId: q.appId, topicId: q.topicId, ...(after !== undefined && { userId: { $gt: after } }) }, { sort: { userId: 1 }, limit: limit + 1 });
  const items = docs.slice(0, limit).map((d) => ({ userId: d.userId }));
  const last = items[items.length - 1];
  return { items, nextCursor: docs.length > limit && last ? Buffer.from(last.userId).toString('base64url') : null };
}

/** The topics one user of one app is subscribed to (erasure takes the user out of each). */
export async function topicsOfUser(store: ProjectionStore, appId: string, userId: string): Promise<string[]> {
  const c = await servingCollection<TopicSubscriberDoc>(store, topicSubscribers);
  return (await c.find({ appId, userId })).map((d) => d.topicId);
}
