import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../infra/logger.ts';
import { createMetrics } from '../../infra/metrics.ts';
import { createQueueDepthPoller } from '../../monitors/queueDepth.ts';
import { lazyQueueStatsSource, pickManagement } from '../../monitors/management.ts';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function depth(metrics: ReturnType<typeof createMetrics>, queue: string, state: string) {
  return (await metrics.queueDepth.get()).values.find((v) => v.labels.queue === queue && v.labels.state === state)?.value;
}

describe('queue depth poller', () => {
  it('reports ready (and, where the broker can tell, unacked) depth of a queue as it fills and drains', async () => {
    const metrics = createMetrics();
    const queue = `test.obs.depth.${randomUUID()}`;
    const missing = `test.obs.depth.missing.${randomUUID()}`;
    const conn = await connect(AMQP_URL);
    const client = await pickManagement({ amqpUrl: AMQP_URL, logger: silentLogger });
    // Unacked counts come from the management API of the AMQP host (port 15672) when it answers,
    // and from nothing else: never a local rabbitmqctl (it may speak for another broker).
    const answers = await fetch(`http://${new URL(AMQP_URL).hostname}:15672/api/overview`, { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false,
    );
    expect(client !== undefined).toBe(answers);
    const stats = client ? lazyQueueStatsSource(Promise.resolve(client), AMQP_URL) : undefined;
    const poller = createQueueDepthPoller({ amqpUrl: AMQP_URL, queues: () => [missing, queue], metrics, logger: silentLogger, intervalMs: 60_000 });
    // The stats are dearer than checkQueue: a second poller asks them once, at the end.
    const withStats = createQueueDepthPoller({ amqpUrl: AMQP_URL, queues: () => [queue], metrics, logger: silentLogger, stats, intervalMs: 60_000 });
    try {
      const ch = await conn.createConfirmChannel();
      await ch.assertQueue(queue, { durable: false });
      expect(await poller.poll()).toEqual([expect.objectContaining({ queue, ready: 0 })]); // the missing queue is skipped, not fatal
      for (let i = 0; i < 5; i++) ch.sendToQueue(queue, Buffer.from(String(i)));
      await ch.waitForConfirms();
      await poller.poll();
      expect(await depth(metrics, queue, 'ready')).toBe(5);

      // A consumer holding two unacked messages: ready drops to 3; unacked reads 2 where a source exists.
      const consumer = await conn.createChannel();
      await consumer.prefetch(2);
      let held = 0;
      await consumer.consume(queue, () => void held++);
      while (held < 2) await new Promise((r) => setTimeout(r, 20));
      await withStats.poll();
      expect(await depth(metrics, queue, 'ready')).toBe(3);
      if (stats) expect(await depth(metrics, queue, 'unacked')).toBe(2);
      if (stats) expect((await metrics.queueConsumers.get()).values.find((v) => v.labels.queue === queue)?.value).toBe(1);
      await consumer.close();
      await ch.deleteQueue(queue);
    } finally {
      await poller.stop();
      await withStats.stop();
      await conn.close();
    }
  });
});
