import amqp from 'amqplib';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { HEADERS, channelNames } from '../../infra/rabbit/names.ts';
import { assertTopology, buildTopology } from '../../infra/rabbit/topology.ts';
import { nextRetry, retryPolicy } from '../../channels/retryPolicy.ts';
import { createSender } from '../../channels/sender/consumer.ts';
import { silentLogger } from '../../infra/logger.ts';
import { AMQP_URL, drain, removeTopology, testTopology, waitFor, withChannel } from '../helpers/rabbit.ts';
import { startPipeline } from './harness.ts';
import { count, eventsOf, openStore, request, tempDir, testProvider } from './world.ts';

describe('topology as data', () => {
  it('names production queues and exchanges exactly as the pinned contract (docs/architecture.md)', () => {
    const t = buildTopology({ retry: retryPolicy() });
    expect(t.exchanges.map((e) => `${e.name}:${e.type}`)).toEqual(
      ['ios', 'android', 'web', 'sms', 'email', 'inapp', 'chat'].flatMap((c) => [`notify.${c}:fanout`, `notify.${c}.retry:direct`]),
    );
    const email = t.queues.filter((q) => q.name.startsWith('notify.email'));
    expect(email.map((q) => q.name)).toEqual([
      'notify.email',
      'notify.email.retry.1s',
      'notify.email.retry.10s',
      'notify.email.retry.1m',
      'notify.email.retry.10m',
      'notify.email.parked',
    ]);
    expect(email[0]!.arguments).toMatchObject({ 'x-queue-type': 'quorum', 'x-delivery-limit': 10, 'x-dead-letter-routing-key': 'notify.email.parked' });
    // Derived from the default policy exactly as before it existed: a running broker's queues still assert.
    expect(email.slice(1, 5).map((q) => q.arguments)).toEqual(
      [1200, 12_000, 72_000, 720_000].map((ttl) => ({ 'x-queue-type': 'classic', 'x-message-ttl': ttl, 'x-dead-letter-exchange': 'notify.email' })),
    );
    expect(t.bindings).toContainEqual({ queue: 'notify.email.retry.1m', exchange: 'notify.email.retry', routingKey: '1m' });
    // Web Push, the in-app inbox and chat are channels like the others: own quorum queue, retry tiers, parking.
    for (const c of ['web', 'inapp', 'chat']) {
      expect(t.queues.filter((q) => q.name.startsWith(`notify.${c}`)).map((q) => q.name)).toEqual(email.map((q) => q.name.replace('email', c)));
    }
  });

  it("the delay queues are the policy's tiers; retries walk them, repeat the last one, and stay within the jitter", () => {
    const policy = retryPolicy({ tiersMs: [1000, 10_000], jitter: 0.2, maxAttempts: 8 });
    const t = buildTopology({ retry: policy });
    expect(t.retryTiers).toEqual([
      { delayMs: 1000, label: '1s' },
      { delayMs: 10_000, label: '10s' },
    ]);
    const tier = (attempts: number) => {
      const next = nextRetry(policy, attempts, undefined, () => 0.5);
      return next === 'exhausted' ? next : t.retryTiers[next.tierIndex]!.label;
    };
    expect([1, 2, 7, 8].map(tier)).toEqual(['1s', '10s', '10s', 'exhausted']);
    expect(nextRetry(policy, 1, undefined, () => 0)).toEqual({ tierIndex: 0, delayMs: 800 });
    expect(nextRetry(policy, 1, undefined, () => 0.999999)).toEqual({ tierIndex: 0, delayMs: 1200 });
    expect(() => buildTopology({ retry: { tiersMs: [], jitter: 0.2 } })).toThrow(/retry tiers/);
    expect(() => buildTopology({ retry: { tiersMs: [1000], jitter: 1 } })).toThrow(/jitter/);
  });

  it('a sender refuses a policy whose tiers are not the delay queues of its topology', () => {
    const unused = {} as never;
    const sender = (tiersMs: number[]) => () =>
      createSender({
        channel: 'sms',
        eventStore: unused,
        rabbit: unused,
        provider: unused,
        render: unused,
        logger: silentLogger,
        topology: buildTopology({ retry: retryPolicy() }),
        retry: retryPolicy({ tiersMs, jitter: 0.2 }),
      });
    expect(sender([1000, 10_000, 60_000])).toThrow(/the retry policy's tiers \(1000,10000,60000\) are not the topology's \(1000,10000,60000,600000\)/);
  });

  it('pipeline settings come from the environment with clear errors', () => {
    const loadPipelineConfig = (env: Record<string, string>) => loadConfig(env).pipeline;
    expect(loadPipelineConfig({})).toMatchObject({ prefetch: 50, deliveryLimit: 10, dispatcherMaxInFlight: 100 });
    expect(loadConfig({}).retry).toEqual({ tiersMs: [1000, 10_000, 60_000, 600_000], jitter: 0.2 });
    expect(retryPolicy(loadConfig({}).retry)).toEqual({ tiersMs: [1000, 10_000, 60_000, 600_000], jitter: 0.2, maxAttempts: 5, retryAfterCapMs: 600_000, unsettledPauseMs: 1000 });
    expect(loadPipelineConfig({ SENDER_PREFETCH: '10' })).toMatchObject({ prefetch: 10 });
    expect(loadConfig({ RETRY_DELAYS_MS: '500, 5000', SENDER_MAX_ATTEMPTS: '4', RETRY_AFTER_CAP_MS: '2000' }).retry).toEqual({
      tiersMs: [500, 5000],
      jitter: 0.2,
      maxAttempts: 4,
      retryAfterCapMs: 2000,
    });
    expect(() => loadConfig({ RETRY_DELAYS_MS: '1000,soon' })).toThrow(/RETRY_DELAYS_MS\[1\] must be a positive integer, got "soon"/);
    expect(() => loadConfig({ RETRY_DELAYS_MS: '10000,1000' })).toThrow(/RETRY_DELAYS_MS must ascend, got 1000 after 10000/);
    expect(() => loadConfig({ RETRY_DELAYS_MS: '1000,5000', RETRY_AFTER_CAP_MS: '6000' })).toThrow(
      /RETRY_AFTER_CAP_MS must be an integer from 0 to the longest retry tier \(5000 ms\), got 6000/,
    );
    expect(() => loadPipelineConfig({ SENDER_PREFETCH: '0' })).toThrow(/SENDER_PREFETCH/);
    expect(() => loadConfig({ RETRY_JITTER: '2' })).toThrow(/RETRY_JITTER/);
  });

  it('is asserted idempotently, and a message redelivered past x-delivery-limit lands in parking', async () => {
    const t = testTopology('deliverylimit', { channels: ['sms'], deliveryLimit: 2 });
    const n = channelNames('sms', t.prefix);
    try {
      const conn = await amqp.connect(AMQP_URL);
      const ch = await conn.createConfirmChannel();
      await assertTopology(ch, t);
      await assertTopology(ch, t);
      ch.publish(n.exchange, '', Buffer.from('{"poison":true}'), { persistent: true });
      await ch.waitForConfirms();
      // A consumer that dies on the message every time: nack with requeue until the broker gives up.
      let deliveries = 0;
      await ch.consume(n.queue, (m) => {
        if (!m) return;
        deliveries += 1;
        ch.nack(m, false, true);
      });
      await waitFor(async () => (await withChannel(async (c) => (await c.checkQueue(n.parkedQueue)).messageCount)) === 1, 10_000, 'dead-lettered to parking');
      await conn.close();
      expect(deliveries).toBe(3);
      const [parked] = await drain(n.parkedQueue);
      expect(parked?.content.toString()).toBe('{"poison":true}');
      expect(parked?.properties.headers?.['x-death']).toBeDefined();
    } finally {
      await removeTopology(t);
    }
  });

  it('carries the request trace context: message header and outcome metadata share its trace id', async () => {
    const dir = tempDir('trace');
    const store = openStore(dir);
    const t = testTopology('trace', { channels: ['email'] });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
    const seen: string[] = [];
    const provider = testProvider('email');
    const pipeline = await startPipeline({ dir, store, topology: t, providers: { email: provider } });
    try {
      // Watch the wire: a second queue bound to the channel's fanout exchange sees every dispatched message.
      await withChannel(async (ch) => {
        await ch.assertQueue(`${t.prefix}.tap`, { exclusive: false, autoDelete: false });
        await ch.bindQueue(`${t.prefix}.tap`, channelNames('email', t.prefix).exchange, '');
      });
      const r = await request(store, 'email', { traceparent });
      await waitFor(async () => count(await eventsOf(store, r.notificationId), 'NotificationSent') === 1, 10_000, 'sent');
      for (const m of await drain(`${t.prefix}.tap`)) seen.push(String(m.properties.headers?.[HEADERS.traceparent]));
      expect(seen).toHaveLength(1);
      expect(seen[0]).toContain(traceId);
      const sent = (await eventsOf(store, r.notificationId)).find((e) => e.type === 'NotificationSent');
      expect(sent?.metadata.traceparent).toContain(traceId);
      expect(sent?.metadata.causationId).toBe((await eventsOf(store, r.notificationId))[0]!.id);
    } finally {
      await pipeline.stop();
      await withChannel((ch) => ch.deleteQueue(`${t.prefix}.tap`).then(() => undefined));
      await removeTopology(t);
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
