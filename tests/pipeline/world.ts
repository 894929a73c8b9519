import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Channel, NotificationRequested, Platform, Recipient } from '../../domain/events.ts';
import { streams } from '../../domain/streams.ts';
import type { EventStore, RecordedEvent } from '../../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import type { Provider, ProviderMessage, ProviderResult, RenderedContent } from '../../channels/port.ts';

/** Shared pieces of the pipeline tests: a throwaway log, requests, a trivial renderer, a test provider. */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `notify-${label}-`));
}

export function openStore(dir: string): EventStore {
  return createSqliteEventStore(path.join(dir, 'events.sqlite'), { pollIntervalMs: 20 });
}

const meta = (appId: string) => ({ correlationId: randomUUID(), causationId: randomUUID(), appId });

export function recipientFor(channel: Channel, userId: string): Recipient {
  switch (channel) {
    case 'email':
      return { kind: 'email', email: `${userId}@example.test` };
    case 'sms':
      return { kind: 'sms', phone: '+15555550100' };
    case 'ios':
    case 'android':
    case 'web':
      return { kind: 'push', platform: channel, tokens: [`tok-${userId}-${channel}-a`, `tok-${userId}-${channel}-b`] };
    case 'inapp':
      return { kind: 'inapp' };
    case 'chat':
      return { kind: 'chat', webhookUrl: `https://hooks.slack.com/services/${userId}` };
    default: {
      const never: never = channel;
      throw new Error(`unknown channel ${String(never)}`);
    }
  }
}

/** Registers the user and, for push, the devices its requests will name. */
export async function addUser(store: EventStore, userId: string, devices: Array<{ token: string; platform: Platform }> = []): Promise<void> {
  const at = new Date().toISOString();
  await store.append(
    streams.user('app-test', userId),
    [
      { type: 'UserRegistered', data: { userId, contact: {}, at }, metadata: meta('app-test') },
      ...devices.map((d) => ({ type: 'DeviceRegistered' as const, data: { userId, token: d.token, platform: d.platform, at }, metadata: meta('app-test') })),
    ],
    'no_stream',
  );
}

export async function request(
  store: EventStore,
  channel: Channel,
  options: { userId?: string; scheduleAt?: string; traceparent?: string; data?: Partial<NotificationRequested['data']> } = {},
): Promise<NotificationRequested['data']> {
  const userId = options.userId ?? `u-${randomUUID()}`;
  const recipient = recipientFor(channel, userId);
  if (recipient.kind === 'push' && !options.userId) {
    await addUser(
      store,
      userId,
      recipient.tokens.map((token) => ({ token, platform: recipient.platform })),
    );
  }
  const data: NotificationRequested['data'] = {
    notificationId: randomUUID(),
    appId: 'app-test',
    eventId: randomUUID(),
    userId,
    channel,
    templateId: 'welcome',
    templateVersion: 1,
    params: { name: 'Ada' },
    recipient,
    requestedAt: new Date().toISOString(),
    ...(options.scheduleAt ? { scheduleAt: options.scheduleAt } : {}),
    ...options.data,
  };
  await store.append(
    streams.notification(data.notificationId),
    [{ type: 'NotificationRequested', data, metadata: { ...meta('app-test'), ...(options.traceparent ? { traceparent: options.traceparent } : {}) } }],
    'no_stream',
  );
  return data;
}

export async function renderTrivially(r: NotificationRequested['data']): Promise<RenderedContent> {
  switch (r.channel) {
    case 'email':
      return { channel: 'email', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' };
    case 'sms':
      return { channel: 'sms', text: 'Hi', segments: 1 };
    case 'ios':
    case 'android':
    case 'web':
      return { channel: r.channel, title: 'Hi', body: 'Hello' };
    case 'inapp':
      return { channel: 'inapp', title: 'Hi', body: 'Hello' };
    case 'chat':
      return { channel: 'chat', text: 'Hi' };
    default: {
      const never: never = r.channel;
      throw new Error(`unknown channel ${String(never)}`);
    }
  }
}

export type Fault = (message: ProviderMessage, callNumber: number) => ProviderResult | undefined;

export interface TestProvider extends Provider {
  /** Provider calls per notification id. */
  calls: Map<string, number>;
  total(): number;
  messages: ProviderMessage[];
}

/** In-memory provider: counts calls, answers ok unless `fault` says otherwise for that call. */
export function testProvider(channel: Channel, options: { fault?: Fault; latencyMs?: number } = {}): TestProvider {
  const calls = new Map<string, number>();
  const messages: ProviderMessage[] = [];
  let seq = 0;
  return {
    channel,
    name: `test:${channel}`,
    calls,
    messages,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    async send(message) {
      const n = (calls.get(message.notificationId) ?? 0) + 1;
      calls.set(message.notificationId, n);
      messages.push(message);
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      const fault = options.fault?.(message, n);
      if (fault) return fault;
      return { kind: 'ok', provider: `test:${channel}`, providerMessageId: `pm-${++seq}` };
    },
  };
}

export async function eventsOf(store: EventStore, notificationId: string): Promise<RecordedEvent[]> {
  return store.readStream(streams.notification(notificationId));
}

export function count(events: RecordedEvent[], type: RecordedEvent['type']): number {
  return events.filter((e) => e.type === type).length;
}
