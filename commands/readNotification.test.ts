import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventMetadata, NotificationEvent } from '../domain/events.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import { readAppNotification, readNotification } from './readNotification.ts';

const at = '2026-01-01T10:00:00.000Z';
const metadata: EventMetadata = { correlationId: 'c', causationId: 'c', appId: 'a1' };
const requested: NotificationEvent = {
  type: 'NotificationRequested',
  data: {
    notificationId: 'n1',
    appId: 'a1',
    eventId: 'e1',
    userId: 'u1',
    channel: 'email',
    templateId: 't',
    templateVersion: 1,
    params: {},
    recipient: { kind: 'email', email: 'x@example.test' },
    requestedAt: at,
  },
};
const retried: NotificationEvent = { type: 'NotificationAttemptFailed', data: { notificationId: 'n1', attempt: 1, provider: 'p', code: '503', message: 'busy', at } };
const sent: NotificationEvent = { type: 'NotificationSent', data: { notificationId: 'n1', attempt: 2, provider: 'p', providerMessageId: 'm', at } };

let store: EventStore;
beforeEach(() => {
  store = createSqliteEventStore(':memory:');
});
afterEach(async () => {
  await store.close();
});

const append = (id: string, events: NotificationEvent[]) =>
  store.append(
    streams.notification(id),
    events.map((e) => ({ ...e, metadata })),
    'any',
  );

describe('readNotification', () => {
  it('no stream: nothing folded, revision -1 (the expected revision of a first append is no_stream)', async () => {
    const read = await readNotification(store, 'n1');
    expect(read).toEqual({ state: expect.objectContaining({ status: 'none', lastAttempt: 0 }), revision: -1, events: [] });
  });

  it('folds the stream with the decider and gives its last revision and events', async () => {
    await append('n1', [requested, retried, sent]);
    const read = await readNotification(store, 'n1');
    expect(read.revision).toBe(2);
    expect(read.events.map((e) => e.type)).toEqual(['NotificationRequested', 'NotificationAttemptFailed', 'NotificationSent']);
    expect(read.state).toMatchObject({ status: 'sent', lastAttempt: 2, request: requested.data });
  });
});

describe('readAppNotification', () => {
  it("the app's own notification, folded", async () => {
    await append('n1', [requested, sent]);
    const read = await readAppNotification(store, 'a1', 'n1');
    expect(read?.revision).toBe(1);
    expect(read?.state.status).toBe('sent');
  });

  it("another app's notification, a missing one and one whose stream does not open with its request all read as absent", async () => {
    await append('n1', [requested]);
    await append('n2', [sent, requested]);
    expect(await readAppNotification(store, 'a2', 'n1')).toBeUndefined();
    expect(await readAppNotification(store, 'a1', 'n9')).toBeUndefined();
    expect(await readAppNotification(store, 'a1', 'n2')).toBeUndefined();
  });
});
