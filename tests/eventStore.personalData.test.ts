import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERASED, type DomainEvent, type EventMetadata, type NotificationRequested } from '../domain/events.ts';
import { streams, userKey } from '../domain/streams.ts';
import { withPersonalDataEncryption } from '../infra/eventStore/personalData.ts';
import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import type { KeyVault } from '../infra/keyVault/port.ts';
import { createSqliteKeyVault } from '../infra/sqlite/keyVault.ts';
import { eventStoreContract } from './contracts/eventStore.contract.ts';

// The decorator is transparent for everything the port promises.
eventStoreContract(
  'embedded SQLite with personal data sealed',
  async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'es-pd-contract-'));
    const vault = createSqliteKeyVault(path.join(dir, 'keys.sqlite'));
    return {
      open: async () => withPersonalDataEncryption(createSqliteEventStore(path.join(dir, 'events.sqlite'), { pollIntervalMs: 20 }), vault),
      cleanup: async () => {
        await vault.close();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
    // Sealing awaits the vault first, longer for more events: appends made together reach the log in no set order.
  },
  { callOrder: false },
);

const at = '2026-03-01T10:00:00.000Z';
const meta = (appId: string): EventMetadata => ({ correlationId: 'c', causationId: 'c', appId });
const TOKEN = 'ab'.repeat(32);

describe('personal data sealed with per-user keys (crypto-shredding)', () => {
  let dir: string;
  let raw: EventStore;
  let vault: KeyVault;
  let store: EventStore;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'es-pd-'));
    raw = createSqliteEventStore(path.join(dir, 'events.sqlite'), { pollIntervalMs: 20 });
    vault = createSqliteKeyVault(path.join(dir, 'keys.sqlite'));
    store = withPersonalDataEncryption(raw, vault);
  });
  afterEach(async () => {
    await raw.close();
    await vault.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const userEvents = (userId: string, email: string): DomainEvent[] => [
    { type: 'UserRegistered', data: { userId, contact: { email, phone: '+14155550123', locale: 'fr' }, at } },
    { type: 'ContactChanged', data: { userId, changes: { phone: null, email: `new.${email}` }, at } },
    { type: 'DeviceRegistered', data: { userId, token: TOKEN, platform: 'ios', at } },
    { type: 'DeviceRemoved', data: { userId, token: TOKEN, platform: 'ios', reason: 'user', at } },
    { type: 'PreferencesChanged', data: { userId, preferences: { channels: { sms: false }, categories: {} }, at } },
  ];
  const request = (userId: string, email: string): NotificationRequested => ({
    type: 'NotificationRequested',
    data: {
      notificationId: `n-${userId}`,
      appId: 'app-a',
      eventId: 'e1',
      userId,
      channel: 'email',
      templateId: 't',
      templateVersion: 1,
      params: { code: 'SECRET-123', nested: { a: [1, 2] } },
      recipient: { kind: 'email', email, locale: 'fr' },
      requestedAt: at,
    },
  });
  async function write(userId: string, email: string) {
    await store.append(
      streams.user('app-a', userId),
      userEvents(userId, email).map((e) => ({ ...e, metadata: meta('app-a') })),
      'no_stream',
    );
    await store.append(streams.notification(`n-${userId}`), [{ ...request(userId, email), metadata: meta('app-a') }], 'no_stream');
  }
  const dataOf = (events: RecordedEvent[]) => events.map((e) => e.data);

  it('stores ciphertext only, and every read path (stream, all, subscription) gives the events back as written', async () => {
    await write('u1', 'ada@example.test');
    const rawText = JSON.stringify(await raw.readAll());
    for (const s of ['ada@example.test', '+14155550123', TOKEN, 'SECRET-123']) expect(rawText).not.toContain(s);
    expect(rawText).toContain('"locale":"fr"');

    expect(dataOf(await store.readStream(streams.user('app-a', 'u1')))).toEqual(userEvents('u1', 'ada@example.test').map((e) => e.data));
    expect(dataOf(await store.readStream(streams.notification('n-u1')))).toEqual([request('u1', 'ada@example.test').data]);
    const all = await store.readAll();
    expect(all.map((e) => e.type)).toEqual([...userEvents('u1', 'x').map((e) => e.type), 'NotificationRequested']);
    const seen: RecordedEvent[] = [];
    const sub = store.subscribe({ onEvent: (e) => void seen.push(e) });
    await sub.caughtUp;
    await sub.close();
    expect(seen).toEqual(all);
  });

  it('a subscriber that reads no personal field gets the events sealed, and asks the vault for no key', async () => {
    await write('u1', 'ada@example.test');
    let lookups = 0;
    const counting: KeyVault = {
      ...vault,
      getOrCreate: (scope) => vault.getOrCreate(scope),
      getMany: async (scopes) => {
        lookups += 1;
        return vault.getMany(scopes);
      },
      destroy: (scope) => vault.destroy(scope),
      close: async () => undefined,
    };
    const watched = withPersonalDataEncryption(raw, counting);
    const seen: RecordedEvent[] = [];
    const sub = watched.subscribe({ personalData: false, onEvent: (e) => void seen.push(e) });
    await sub.caughtUp;
    await sub.close();
    expect(lookups).toBe(0);
    expect(seen.map((e) => e.type)).toEqual([...userEvents('u1', 'x').map((e) => e.type), 'NotificationRequested']);
    const text = JSON.stringify(seen);
    for (const secret of ['ada@example.test', '+14155550123', TOKEN, 'SECRET-123']) expect(text).not.toContain(secret);
    // What is not personal reads as usual.
    const req = seen.at(-1)!;
    expect(req.type === 'NotificationRequested' && [req.data.channel, req.data.notificationId]).toEqual(['email', 'n-u1']);
    // The default still opens every event.
    const opened: RecordedEvent[] = [];
    const sub2 = watched.subscribe({ onEvent: (e) => void opened.push(e) });
    await sub2.caughtUp;
    await sub2.close();
    expect(lookups).toBeGreaterThan(0);
    expect(JSON.stringify(opened)).toContain('ada@example.test');
  });

  it('once the key is destroyed, personal fields read as erased and everything else survives; other users are untouched', async () => {
    await write('u1', 'ada@example.test');
    await write('u2', 'bob@example.test');
    expect(await vault.destroy(userKey('app-a', 'u1'))).toBe(true);

    const [registered, changed, device, removed, prefs] = await store.readStream(streams.user('app-a', 'u1'));
    expect(registered?.data).toEqual({ userId: 'u1', contact: { email: ERASED, phone: ERASED, locale: 'fr' }, at });
    expect(changed?.data).toEqual({ userId: 'u1', changes: { phone: null, email: ERASED }, at });
    expect(device?.type === 'DeviceRegistered' && device.data.token).toBe(ERASED);
    expect(removed?.type === 'DeviceRemoved' && removed.data).toMatchObject({ token: ERASED, platform: 'ios', reason: 'user' });
    expect(prefs?.data).toEqual(userEvents('u1', '')[4]!.data);
    const [req] = await store.readStream(streams.notification('n-u1'));
    expect(req?.type === 'NotificationRequested' && req.data).toEqual({ ...request('u1', '').data, params: {}, recipient: { kind: 'email', email: ERASED, locale: 'fr' } });

    expect(dataOf(await store.readStream(streams.user('app-a', 'u2')))).toEqual(userEvents('u2', 'bob@example.test').map((e) => e.data));
    // A key made later for the same user (a new write) never opens what the old one sealed.
    await store.append(
      streams.user('app-a', 'u1'),
      [{ type: 'DeviceRegistered', data: { userId: 'u1', token: 'cd'.repeat(32), platform: 'ios', at }, metadata: meta('app-a') }],
      'any',
    );
    const again = await store.readStream(streams.user('app-a', 'u1'));
    expect(again[0]?.type === 'UserRegistered' && again[0].data.contact.email).toBe(ERASED);
    expect(again.at(-1)?.type === 'DeviceRegistered' && again.at(-1)!.data).toMatchObject({ token: 'cd'.repeat(32) });
  });

  it('a chat webhook URL is sealed like an address, in the contact, its changes and the recipient, and erased with the user', async () => {
    const hook = 'https://hooks.slack.com/services/T0/B0/SECRETHOOK';
    const events: DomainEvent[] = [
      { type: 'UserRegistered', data: { userId: 'u3', contact: { chatWebhookUrl: hook, locale: 'fr' }, at } },
      { type: 'ContactChanged', data: { userId: 'u3', changes: { chatWebhookUrl: null }, reason: 'webhook_invalid', at } },
      { type: 'ContactChanged', data: { userId: 'u3', changes: { chatWebhookUrl: `${hook}2` }, at } },
    ];
    const chatRequest: NotificationRequested = {
      type: 'NotificationRequested',
      data: { ...request('u3', '').data, notificationId: 'n-u3', channel: 'chat', recipient: { kind: 'chat', webhookUrl: hook, locale: 'fr' } },
    };
    await store.append(
      streams.user('app-a', 'u3'),
      events.map((e) => ({ ...e, metadata: meta('app-a') })),
      'no_stream',
    );
    await store.append(streams.notification('n-u3'), [{ ...chatRequest, metadata: meta('app-a') }], 'no_stream');
    expect(JSON.stringify(await raw.readAll())).not.toContain('SECRETHOOK');
    expect(dataOf(await store.readStream(streams.user('app-a', 'u3')))).toEqual(events.map((e) => e.data));
    expect(dataOf(await store.readStream(streams.notification('n-u3')))).toEqual([chatRequest.data]);

    await vault.destroy(userKey('app-a', 'u3'));
    const [registered, cleared, changed] = await store.readStream(streams.user('app-a', 'u3'));
    expect(registered?.data).toEqual({ userId: 'u3', contact: { chatWebhookUrl: ERASED, locale: 'fr' }, at });
    expect(cleared?.data).toEqual(events[1]!.data);
    expect(changed?.data).toEqual({ userId: 'u3', changes: { chatWebhookUrl: ERASED }, at });
    const [req] = await store.readStream(streams.notification('n-u3'));
    expect(req?.type === 'NotificationRequested' && req.data.recipient).toEqual({ kind: 'chat', webhookUrl: ERASED, locale: 'fr' });
  });

  it("sealed data is bound to its user: copied into another user's event, or altered, it reads as erased", async () => {
    await write('u1', 'ada@example.test');
    const [original] = await raw.readStream(streams.user('app-a', 'u1'));
    const data = original!.data as { contact: { email?: string }; $sealed?: string };
    expect(data.contact.email).toBe('[sealed]');
    expect(data.$sealed?.startsWith('enc:v1:')).toBe(true);
    // The same user id in another app is another user with another key.
    await raw.append(streams.user('app-b', 'u1'), [{ type: 'UserRegistered', data: original!.data, metadata: meta('app-b') } as never], 'no_stream');
    await vault.getOrCreate(userKey('app-b', 'u1'));
    const [copied] = await store.readStream(streams.user('app-b', 'u1'));
    expect(copied?.data).toEqual({ userId: 'u1', contact: { email: ERASED, phone: ERASED, locale: 'fr' }, at });
    const s = data.$sealed!;
    const flipped = `${s.slice(0, -3)}${s.at(-3) === 'A' ? 'B' : 'A'}${s.slice(-2)}`;
    await raw.append(streams.user('app-a', 'u1'), [{ type: 'UserRegistered', data: { ...data, $sealed: flipped }, metadata: meta('app-a') } as never], 'any');
    const altered = await store.readStream(streams.user('app-a', 'u1'));
    expect(altered.at(-1)?.type === 'UserRegistered' && altered.at(-1)!.data).toEqual({ userId: 'u1', contact: { email: ERASED, phone: ERASED, locale: 'fr' }, at });
    expect(altered[0]?.type === 'UserRegistered' && altered[0].data.contact.email).toBe('ada@example.test');
  });

  it('values written before sealing existed read as they are', async () => {
    await raw.append(
      streams.user('app-a', 'old'),
      [{ type: 'UserRegistered', data: { userId: 'old', contact: { email: 'old@example.test' }, at }, metadata: meta('app-a') }],
      'no_stream',
    );
    const [e] = await store.readStream(streams.user('app-a', 'old'));
    expect(e?.type === 'UserRegistered' && e.data.contact.email).toBe('old@example.test');
  });
});
