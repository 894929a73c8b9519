import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../infra/logger.ts';
import { createMetrics } from '../../infra/metrics.ts';
import { createQueueDepthPoller } from '../../monitors/queueDepth.ts';
import { pickQueueStatsSource } from '../../monitors/unacked.ts';

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
    const stats = await pickQueueStatsSource({ amqpUrl: AMQP_URL, logger: silentLogger });
    // Where this test runs next to the broker as root, rabbitmqctl must be found and used.
    if (process.getuid?.() === 0 && fs.existsSync('/usr/sbin/rabbitmqctl') && /127\.0\.0\.1|localhost/.test(AMQP_URL)) expect(stats).toBeDefined();
    const poller = createQueueDepthPoller({ amqpUrl: AMQP_URL, queues: () => [missing, queue], metrics, logger: silentLogger, intervalMs: 60_000 });
    // rabbitmqctl costs an Erlang VM start: a second poller asks it once, at the end.
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
      await consumer.close();
      await ch.deleteQueue(queue);
    } finally {
      await poller.stop();
      await withStats.stop();
      await conn.close();
    }
  });
});
