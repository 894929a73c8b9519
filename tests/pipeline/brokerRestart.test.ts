import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type Channel } from '../../domain/events.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { channelNames } from '../../infra/rabbit/names.ts';
import { messageCount, startPrivateBroker, testRetry, testTopology, waitFor, type PrivateBroker } from '../helpers/rabbit.ts';
import { startPipeline } from './harness.ts';
import { count, eventsOf, openStore, request, tempDir, testProvider, type TestProvider } from './world.ts';

/**
 * `rabbitmqctl stop_app` / `start_app` in the middle of a run. It runs on a private RabbitMQ node
 * (own name, ports and data dir) so the shared broker other test files use is never restarted.
 */
describe('RabbitMQ restarted during a run', () => {
  let broker: PrivateBroker;
  beforeAll(async () => {
    broker = await startPrivateBroker();
  }, 90_000);
  afterAll(async () => {
    await broker?.stop();
  }, 60_000);

  it('loses nothing and records nothing twice: dispatcher and senders reconnect, re-assert the topology and resume', async () => {
    const dir = tempDir('restart');
    const store: EventStore = openStore(dir);
    const retry = testRetry({ tiersMs: [100, 200, 400], maxAttempts: 10 });
    const topology = testTopology('restart', { retry });
    const failFirst = new Set<string>();
    const providers = Object.fromEntries(
      CHANNELS.map((c) => [
        c,
        testProvider(c, {
          latencyMs: 2,
          fault: (m, n) => (n === 1 && failFirst.has(m.notificationId) ? { kind: 'retryable', provider: `test:${c}`, code: 'http_429', message: 'slow down' } : undefined),
        }),
      ]),
    ) as Record<Channel, TestProvider>;
    const pipeline = await startPipeline({ dir, store, topology, providers, url: broker.url, sender: { retry } });
    try {
      const ids: string[] = [];
      const add = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const r = await request(store, CHANNELS[ids.length % 4]!);
          if (ids.length % 5 === 0) failFirst.add(r.notificationId);
          ids.push(r.notificationId);
        }
      };
      const sent = () => [...pipeline.senders.values()].reduce((n, s) => n + s.stats().sent, 0);

      await add(200);
      await waitFor(() => sent() >= 50, 15_000, 'some sent before the restart');
      // Stop the broker mid-run: some messages are queued, some in flight, some waiting in retry tiers.
      await broker.stopApp();
      await add(200); // appended while the broker is down: the dispatcher must hold them
      await new Promise((r) => setTimeout(r, 300));
      await broker.startApp();
      await add(100);

      await waitFor(
        async () => {
          let done = 0;
          for (const id of ids) if (count(await eventsOf(store, id), 'NotificationSent') === 1) done += 1;
          return done === ids.length;
        },
        45_000,
        'all 500 Sent after the restart',
        250,
      );

      for (const id of ids) {
        const events = await eventsOf(store, id);
        expect(count(events, 'NotificationSent')).toBe(1);
        expect(count(events, 'NotificationFailed')).toBe(0);
        expect(count(events, 'NotificationAttemptFailed')).toBe(failFirst.has(id) ? 1 : 0);
      }
      // The topology came back (queues are durable) and nothing was parked.
      for (const c of CHANNELS) expect(await messageCount(channelNames(c, topology.prefix).parkedQueue, broker.url)).toBe(0);
      expect(pipeline.dispatcher!.stats().checkpoint).toBe(await store.headPosition());
      // Both the dispatcher's and the senders' connections really went down and came back.
      for (const r of pipeline.rabbits) expect(r.connects).toBeGreaterThanOrEqual(2);
    } finally {
      await pipeline.stop();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
      // The private node is stopped and its files removed in afterAll; no shared queue was touched.
    }
  }, 120_000);
});
