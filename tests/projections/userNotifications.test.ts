import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../domain/events.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { notificationStatus } from '../../projections/notificationStatus.ts';
import { QueryError } from '../../projections/queries.ts';
import { userNotifications } from '../../projections/userNotifications.ts';
import { at, given, requested, T0 } from './fixtures.ts';

const sent = (n: string): DomainEvent => ({ type: 'NotificationSent', data: { notificationId: n, attempt: 1, provider: 'p', providerMessageId: `pm-${n}`, at: at(99_000) } });

async function seeded() {
  const store = createSqliteProjectionStore(':memory:');
  await given(
    notificationStatus,
    [
      requested({ notificationId: 'a', requestedAt: at(1000) }),
      requested({ notificationId: 'b', requestedAt: at(2000), channel: 'sms' }),
      // c and d share a time (one fan-out): the id breaks the tie.
      requested({ notificationId: 'c', requestedAt: at(3000) }),
      requested({ notificationId: 'd', requestedAt: at(3000) }),
      {
        type: 'NotificationSuppressed',
        data: { notificationId: 'e', appId: 'app1', eventId: 'ev9', userId: 'u1', channel: 'email', templateId: 'welcome', reason: 'opted_out', at: at(4000) },
      },
      requested({ notificationId: 'x', appId: 'app2', requestedAt: at(5000) }),
      requested({ notificationId: 'y', userId: 'u2', requestedAt: at(5000) }),
      sent('a'),
      sent('c'),
    ],
    store,
  );
  return store;
}

describe('userNotifications', () => {
  it('newest first, the calling app and user only, with the pinned fields', async () => {
    const store = await seeded();
    const page = await userNotifications(store, { appId: 'app1', userId: 'u1' });
    expect(page.items.map((i) => i.id)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toEqual({ id: 'e', eventId: 'ev9', channel: 'email', status: 'suppressed', templateId: 'welcome', requestedAt: at(4000) });
    expect(page.items[2]).toEqual({ id: 'c', eventId: 'ev1', channel: 'email', status: 'sent', templateId: 'welcome', requestedAt: at(3000) });
    expect(await userNotifications(store, { appId: 'app2', userId: 'u1' })).toEqual({ items: [expect.objectContaining({ id: 'x' })], nextCursor: null });
    expect(await userNotifications(store, { appId: 'app3', userId: 'u1' })).toEqual({ items: [], nextCursor: null });
    expect(await userNotifications(store, { appId: 'app1', userId: 'nobody' })).toEqual({ items: [], nextCursor: null });
  });

  it('pages by cursor across a tie without skipping or repeating; filters by status and channel', async () => {
    const store = await seeded();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await userNotifications(store, { appId: 'app1', userId: 'u1', limit: 2, ...(cursor && { cursor }) });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect((await userNotifications(store, { appId: 'app1', userId: 'u1', status: 'sent' })).items.map((i) => i.id)).toEqual(['c', 'a']);
    expect((await userNotifications(store, { appId: 'app1', userId: 'u1', channel: 'sms' })).items.map((i) => i.id)).toEqual(['b']);
    expect((await userNotifications(store, { appId: 'app1', userId: 'u1', channel: 'sms', status: 'sent' })).items).toEqual([]);
  });

  it('bad limit, status, channel or cursor is a QueryError naming the field', async () => {
    const store = await seeded();
    const q = { appId: 'app1', userId: 'u1' };
    for (const limit of [0, 201, 1.5]) await expect(userNotifications(store, { ...q, limit })).rejects.toMatchObject({ name: 'QueryError', field: 'limit' });
    await expect(userNotifications(store, { ...q, status: 'lost' as never })).rejects.toMatchObject({ field: 'status' });
    await expect(userNotifications(store, { ...q, channel: 'fax' as never })).rejects.toMatchObject({ field: 'channel' });
    const forged = Buffer.from(JSON.stringify({ at: T0 })).toString('base64url');
    for (const cursor of ['not a cursor', forged, Buffer.from('[1,2]').toString('base64url'), 'AAAA']) {
      await expect(userNotifications(store, { ...q, cursor })).rejects.toBeInstanceOf(QueryError);
      await expect(userNotifications(store, { ...q, cursor })).rejects.toMatchObject({ field: 'cursor' });
    }
    expect((await userNotifications(store, { ...q, limit: 200 })).items).toHaveLength(5);
  });
});
