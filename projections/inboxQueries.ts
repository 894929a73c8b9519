import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { servingCollection } from './generations.ts';
import { inbox, type InboxItemDoc } from './inbox.ts';
import { QueryError } from './queries.ts';

export const INBOX_DEFAULT_LIMIT = 20;
export const INBOX_MAX_LIMIT = 100;

/** What the end-user API shows of an item (the pinned shape). */
export interface InboxItem {
  id: string;
  notificationId: string;
  title: string;
  body: string;
  url: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface InboxOwner {
  appId: string;
  userId: string;
}

export function inboxItem(d: InboxItemDoc): InboxItem {
  return { id: d._id, notificationId: d.notificationId, title: d.title, body: d.body, url: d.url, createdAt: d.createdAt, readAt: d.readAt };
}

/** The cursor is the seq of the last item given: a keyset, so new items never shift a page. */
const encodeCursor = (seq: number) => Buffer.from(`s${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor) || !m) throw new QueryError('cursor', 'cursor is not one this API gave');
  return Number(m[1]);
}

const ownerFilter = (o: InboxOwner) => ({ appId: o.appId, userId: o.userId });

export async function unreadCount(store: ProjectionStore, owner: InboxOwner): Promise<number> {
  const c = await servingCollection<InboxItemDoc>(store, inbox);
  return c.count({ ...ownerFilter(owner), readAt: null });
}

/** Newest first. */
export async function listInbox(
  store: ProjectionStore,
  q: InboxOwner & { limit?: number; cursor?: string },
): Promise<{ items: InboxItem[]; unread: number; nextCursor: string | null }> {
  const limit = q.limit ?? INBOX_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > INBOX_MAX_LIMIT) throw new QueryError('limit', `limit must be an integer from 1 to ${INBOX_MAX_LIMIT}`);
  const before = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
  const c = await servingCollection<InboxItemDoc>(store, inbox);
  const docs = await c.find({ ...ownerFilter(q), ...(before !== undefined && { seq: { $lt: before } }) }, { sort: { seq: -1 }, limit: limit + 1 });
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(inboxItem), unread: await unreadCount(store, q), nextCursor: docs.length > limit && last ? encodeCursor(last.seq) : null };
}

/** Items after a log position, oldest first: what an SSE client missed (Last-Event-ID). */
export async function inboxItemsAfter(store: ProjectionStore, owner: InboxOwner, seq: number, limit = 500): Promise<InboxItemDoc[]> {
  const c = await servingCollection<InboxItemDoc>(store, inbox);
  return c.find({ ...ownerFilter(owner), seq: { $gt: seq } }, { sort: { seq: 1 }, limit });
}

/** The owner's unread items among `ids` (all of them when `ids` is undefined): anything else is not theirs to mark. */
export async function unreadItems(store: ProjectionStore, owner: InboxOwner, ids?: readonly string[]): Promise<InboxItemDoc[]> {
  const c = await servingCollection<InboxItemDoc>(store, inbox);
  return c.find({ ...ownerFilter(owner), readAt: null, ...(ids && { _id: { $in: [...ids] } }) }, { sort: { seq: 1 } });
}

export async function inboxItemById(store: ProjectionStore, id: string): Promise<InboxItemDoc | null> {
  const c = await servingCollection<InboxItemDoc>(store, inbox);
  return c.findOne({ _id: id });
}
