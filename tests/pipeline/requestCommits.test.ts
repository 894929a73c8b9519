import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkedNotifications } from '../../commands/cancel.ts';
import { createRateCounter, parseRateLimits } from '../../commands/rateLimits.ts';
import { requestNotifications } from '../../commands/notifications.ts';
import { publishTemplate } from '../../commands/templates.ts';
import { upsertUser } from '../../commands/users.ts';
import type { CommandContext } from '../../commands/context.ts';
import { streams } from '../../domain/streams.ts';
import type { EventStore, StreamAppend } from '../../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { tempDir } from './world.ts';

/** How a request reaches the log: its transactions, and the (app, eventId) index inside the first. */
const dir = tempDir('reqcommits');
let raw: EventStore;
let writes: Array<{ kind: 'append' | 'appendMulti'; streams: string[] }>;
let store: EventStore;
const ctx = (): CommandContext => ({ appId: 'app', requestId: 'req', now: new Date() });
const notify = () => ({ store, idKey: 'request-commits-key', rateCounter: createRateCounter(), rateLimits: parseRateLimits('email=1000/1h') });

beforeAll(async () => {
  raw = createSqliteEventStore(path.join(dir, 'events.sqlite'));
  writes = [];
  store = {
    ...raw,
    append: (stream, events, expected) => (writes.push({ kind: 'append', streams: [stream] }), raw.append(stream, events, expected)),
    appendMulti: (batch: StreamAppend[]) => (writes.push({ kind: 'appendMulti', streams: batch.map((b) => b.stream) }), raw.appendMulti(batch)),
  };
  await publishTemplate(raw, ctx(), 't', { email: { subject: 'E', html: '<p>x</p>' } });
  for (let i = 0; i < 20; i++) await upsertUser(raw, ctx(), `u${i}`, { email: `u${i}@example.com` });
});
afterAll(async () => {
  await raw.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a request commits its index with its first notifications', () => {
  it('one user: one transaction holds the index and the notification, index first', async () => {
    writes = [];
    const [n] = await requestNotifications(notify(), ctx(), { eventId: 'e1', userIds: ['u0'], templateId: 't', params: {}, channels: ['email'] });
    expect(writes).toEqual([{ kind: 'appendMulti', streams: [streams.event('app', 'e1'), streams.notification(n!.id)] }]);
    expect(await linkedNotifications(raw, 'app', 'e1')).toEqual([n!.id]);
    const [index] = await raw.readStream(streams.event('app', 'e1'));
    const [request] = await raw.readStream(streams.notification(n!.id));
    expect(index!.position).toBeLessThan(request!.position);
  });

  it('twenty users: the index rides in the first group only, and every id is in it', async () => {
    writes = [];
    const out = await requestNotifications(notify(), ctx(), {
      eventId: 'e2',
      userIds: Array.from({ length: 20 }, (_, i) => `u${i}`),
      templateId: 't',
      params: {},
      channels: ['email'],
    });
    expect(writes.every((w) => w.kind === 'appendMulti')).toBe(true);
    expect(writes.length).toBe(2);
    expect(writes[0]!.streams[0]).toBe(streams.event('app', 'e2'));
    expect(writes.slice(1).flatMap((w) => w.streams)).not.toContain(streams.event('app', 'e2'));
    expect(await linkedNotifications(raw, 'app', 'e2')).toEqual(out.map((o) => o.id));
  });

  it('the same request again writes nothing: every id is linked and decided already', async () => {
    writes = [];
    const again = await requestNotifications(notify(), ctx(), { eventId: 'e1', userIds: ['u0'], templateId: 't', params: {}, channels: ['email'] });
    expect(again[0]!.status).toBe('pending');
    expect(writes).toEqual([]);
  });
});
