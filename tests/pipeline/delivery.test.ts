import fs from 'node:fs';
import { streams } from '../../domain/streams.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, type Channel } from '../../domain/events.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { channelNames, HEADERS } from '../../infra/rabbit/names.ts';
import type { Topology } from '../../infra/rabbit/topology.ts';
import { drain, messageCount, publishRaw, removeTopology, testRetry, testTopology, waitFor } from '../helpers/rabbit.ts';
import { startPipeline, type Pipeline } from './harness.ts';
import { addUser, count, eventsOf, openStore, request, tempDir, testProvider, type TestProvider } from './world.ts';

describe('delivery pipeline (real RabbitMQ)', () => {
  let cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
    cleanup = [];
  });

  async function setup(label: string, providers: Partial<Record<Channel, TestProvider>>, extra: Partial<Parameters<typeof startPipeline>[0]> = {}) {
    const dir = tempDir(label);
    const store: EventStore = openStore(dir);
    const topology: Topology = testTopology(label, { channels: Object.keys(providers) as Channel[] });
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => store.close());
    cleanup.push(() => removeTopology(topology));
    const pipeline: Pipeline = await startPipeline({ dir, store, topology, providers, ...extra });
    cleanup.push(() => pipeline.stop());
    return { dir, store, topology, pipeline };
  }

  it('1,000 notifications on four channels, 30% of first attempts failing: every one Sent, one call each except the retried', async () => {
    const failFirst = new Set<string>();
    const providers = Object.fromEntries(
      CHANNELS.map((c) => [
        c,
        testProvider(c, {
          fault: (m, n) => (n === 1 && failFirst.has(m.notificationId) ? { kind: 'retryable', provider: `test:${c}`, code: 'http_503', message: 'unavailable' } : undefined),
        }),
      ]),
    ) as Record<Channel, TestProvider>;
    const { store, pipeline } = await setup('thousand', providers);
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const channel = CHANNELS[i % 4]!;
      const r = await request(store, channel);
      ids.push(r.notificationId);
      if (i % 10 < 3) failFirst.add(r.notificationId);
    }
    expect(failFirst.size).toBe(300);

    const allSent = async () => {
      let sent = 0;
      for (const s of pipeline.senders.values()) sent += s.stats().sent;
      return sent >= 1000;
    };
    await waitFor(allSent, 45_000, '1,000 notifications sent', 100);

    let totalCalls = 0;
    for (const id of ids) {
      const events = await eventsOf(store, id);
      expect(count(events, 'NotificationSent')).toBe(1);
      expect(count(events, 'NotificationFailed')).toBe(0);
      const retried = failFirst.has(id);
      expect(count(events, 'NotificationAttemptFailed')).toBe(retried ? 1 : 0);
      const calls = CHANNELS.reduce((n, c) => n + (providers[c].calls.get(id) ?? 0), 0);
      expect(calls).toBe(retried ? 2 : 1);
      const sent = events.find((e) => e.type === 'NotificationSent');
      expect(sent?.type === 'NotificationSent' && sent.data.attempt).toBe(retried ? 2 : 1);
      totalCalls += calls;
    }
    expect(totalCalls).toBe(1300);
    expect(CHANNELS.reduce((n, c) => n + providers[c].total(), 0)).toBe(1300);
    const retried = [...pipeline.senders.values()].reduce((n, s) => n + s.stats().retried, 0);
    expect(retried).toBe(300);
    expect(pipeline.dispatcher!.stats().published).toBe(1000);
    // Caught up: the lag (log head - checkpoint) is 0, and the gauge says so.
    await waitFor(async () => (await pipeline.dispatcher!.lag()) === 0, 5_000, 'dispatcher lag 0');
    await waitFor(async () => (await pipeline.metrics.dispatcherLag.get()).values[0]?.value === 0, 5_000, 'lag gauge 0');
  });

  it('a permanent failure is recorded once, parked with its reason, and a channel that keeps failing raises one alert', async () => {
    const provider = testProvider('email', { fault: () => ({ kind: 'permanent', provider: 'test:email', code: 'http_400', message: 'bad request' }) });
    const { store, topology, pipeline } = await setup('permanent', { email: provider }, { sender: { failingThreshold: 3 } });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await request(store, 'email')).notificationId);
    const parked = channelNames('email', topology.prefix).parkedQueue;
    await waitFor(async () => (await messageCount(parked)) >= 5, 15_000, 'five parked messages');

    for (const id of ids) {
      const events = await eventsOf(store, id);
      expect(count(events, 'NotificationFailed')).toBe(1);
      const failed = events.find((e) => e.type === 'NotificationFailed');
      expect(failed?.type === 'NotificationFailed' && failed.data.reason).toBe('permanent');
      expect(provider.calls.get(id)).toBe(1);
    }
    const messages = await drain(parked);
    expect(messages).toHaveLength(5);
    for (const m of messages) {
      expect(m.properties.headers?.[HEADERS.parkReason]).toBe('permanent');
      expect(String(m.properties.headers?.[HEADERS.parkDetail])).toContain('http_400');
    }
    const alerts = pipeline.alerter.active();
    expect(alerts.filter((a) => a.kind === 'channel_failing' && a.subject === 'email')).toHaveLength(1);
    expect(alerts.some((a) => a.kind === 'message_parked')).toBe(true);
    const raised = await pipeline.metrics.registry.getSingleMetricAsString('notify_alerts_raised_total');
    expect(raised).toMatch(/kind="channel_failing",subject="email"} 1/);
  });

  it('retries that never succeed end exhausted after the last tier: Failed once, parked', async () => {
    const provider = testProvider('sms', { fault: () => ({ kind: 'retryable', provider: 'test:sms', code: 'http_500', message: 'down' }) });
    const { store, topology } = await setup('exhausted', { sms: provider }, { sender: { retry: testRetry({ maxAttempts: 3 }) } });
    const { notificationId } = await request(store, 'sms');
    const parked = channelNames('sms', topology.prefix).parkedQueue;
    await waitFor(async () => (await messageCount(parked)) >= 1, 15_000, 'the exhausted message parked');
    const events = await eventsOf(store, notificationId);
    expect(count(events, 'NotificationAttemptFailed')).toBe(2);
    expect(count(events, 'NotificationFailed')).toBe(1);
    expect(events.at(-1)?.type === 'NotificationFailed' && events.at(-1)?.data).toMatchObject({ reason: 'exhausted', attempt: 3 });
    expect(provider.calls.get(notificationId)).toBe(3);
    const [m] = await drain(parked);
    expect(m?.properties.headers?.[HEADERS.parkReason]).toBe('exhausted');
  });

  it('token-invalid removes the dead device, never uses it again, and fails the notification when none remains', async () => {
    const provider = testProvider('ios', {
      fault: (m) => {
        if (m.recipient.kind !== 'push') return undefined;
        const dead = m.recipient.tokens.filter((t) => t.endsWith('-a'));
        return dead.length ? { kind: 'token_invalid', provider: 'test:ios', code: 'Unregistered', message: 'gone', tokens: dead } : undefined;
      },
    });
    const { store } = await setup('token', { ios: provider });
    const partial = await request(store, 'ios'); // tokens -a (dead) and -b (alive)
    const userId = 'u-only-dead';
    await addUser(store, userId, [{ token: `tok-${userId}-ios-a`, platform: 'ios' }]);
    const allDead = await request(store, 'ios', { userId });

    await waitFor(
      async () => {
        const a = await eventsOf(store, partial.notificationId);
        const b = await eventsOf(store, allDead.notificationId);
        return count(a, 'NotificationSent') === 1 && count(b, 'NotificationFailed') === 1;
      },
      15_000,
      'partial sent and all-dead failed',
    );

    const userEvents = await store.readStream(streams.user('app-test', partial.userId));
    const removed = userEvents.filter((e) => e.type === 'DeviceRemoved');
    expect(removed).toHaveLength(1);
    expect(removed[0]?.type === 'DeviceRemoved' && removed[0].data).toMatchObject({ token: `tok-${partial.userId}-ios-a`, reason: 'token_invalid' });
    // The retry went to the live token only.
    const lastCall = provider.messages.filter((m) => m.notificationId === partial.notificationId).at(-1)!;
    expect(lastCall.recipient.kind === 'push' && lastCall.recipient.tokens).toEqual([`tok-${partial.userId}-ios-b`]);

    const failed = (await eventsOf(store, allDead.notificationId)).find((e) => e.type === 'NotificationFailed');
    expect(failed?.type === 'NotificationFailed' && failed.data.reason).toBe('token_invalid');
    const deadUser = await store.readStream(streams.user('app-test', userId));
    expect(deadUser.filter((e) => e.type === 'DeviceRemoved')).toHaveLength(1);
  });

  it('graceful shutdown: stops consuming, finishes and acks the sends in flight, leaves the rest queued', async () => {
    const provider = testProvider('email', { latencyMs: 150 });
    const { store, topology, pipeline } = await setup('shutdown', { email: provider }, { sender: { prefetch: 8 } });
    for (let i = 0; i < 40; i++) await request(store, 'email');
    const queue = channelNames('email', topology.prefix).queue;
    await waitFor(() => provider.total() >= 4, 10_000, 'sends in flight');
    const sender = pipeline.senders.get('email')!;
    await sender.stop();
    const { received, sent } = sender.stats();
    expect(received).toBeGreaterThanOrEqual(4);
    expect(sent).toBe(received);
    expect(received).toBeLessThan(40);
    // Every message it took was acked (none requeued on close); the rest wait in the queue.
    await waitFor(async () => (await messageCount(queue)) === 40 - received, 5_000, 'the untouched rest queued');
  });

  it('a message that fails to parse, or names an unknown notification, is parked with the reason and the consumer keeps going', async () => {
    const provider = testProvider('email');
    const { store, topology, pipeline } = await setup('poison', { email: provider }, { sender: { parkedQuietMs: 1_500 } });
    const names = channelNames('email', topology.prefix);
    await publishRaw(names.exchange, [
      Buffer.from('{not json'),
      Buffer.from(JSON.stringify({ notificationId: 42 })),
      Buffer.from(JSON.stringify({ notificationId: 'nope', channel: 'email', appId: 'a' })),
    ]);
    const good = await request(store, 'email');
    await waitFor(async () => (await messageCount(names.parkedQueue)) >= 3 && pipeline.senders.get('email')!.stats().sent === 1, 15_000, 'three parked, one sent');
    const parked = await drain(names.parkedQueue);
    const reasons = parked.map((m) => [m.properties.headers?.[HEADERS.parkReason], String(m.properties.headers?.[HEADERS.parkDetail])]);
    expect(reasons).toEqual([
      ['malformed', expect.stringContaining('not JSON')],
      ['malformed', expect.stringContaining('notificationId')],
      ['unknown_notification', expect.stringContaining('notification-nope')],
    ]);
    expect(parked[0]?.content.toString()).toBe('{not json');
    expect(provider.calls.get(good.notificationId)).toBe(1);
    // One alert for the incident: a success in between neither clears it nor lets the next park
    // raise a second one; it ends after a quiet spell without parks.
    const raisedParked = async () =>
      /kind="message_parked",subject="[^"]+\.email\.parked"} (\d+)/.exec(await pipeline.metrics.registry.getSingleMetricAsString('notify_alerts_raised_total'))?.[1];
    expect(await raisedParked()).toBe('1');
    expect(pipeline.alerter.active().filter((a) => a.kind === 'message_parked')).toHaveLength(1);
    await publishRaw(names.exchange, [Buffer.from('{still not json')]);
    await waitFor(async () => (await messageCount(names.parkedQueue)) >= 1, 10_000, 'a fourth parked');
    expect(await raisedParked()).toBe('1');
    await request(store, 'email');
    await waitFor(() => pipeline.senders.get('email')!.stats().sent === 2, 10_000, 'a later one sent');
    await waitFor(() => pipeline.alerter.active().filter((a) => a.kind === 'message_parked').length === 0, 10_000, 'incident over after a quiet spell');
    expect(await raisedParked()).toBe('1');
  });
});
