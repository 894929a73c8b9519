import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type Channel } from '../../domain/events.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { startPrivateCluster, type PrivateCluster } from '../../testkit/cluster.ts';
import { testRetry, testTopology, waitFor } from '../helpers/rabbit.ts';
import { startPipeline } from './harness.ts';
import { count, eventsOf, openStore, request, tempDir, testProvider, type TestProvider } from './world.ts';

/**
 * The pipeline on a three-node private cluster (AMQP_URL lists all three), the node leading the
 * quorum queues killed with SIGKILL under a steady load. Issue 26: with one URL, deliveries came
 * back only when that node did (43 s); with the list they must resume on the other two.
 */
const RESUME_BOUND_MS = 15_000;

describe('a three-node RabbitMQ cluster, the leaders\' node killed mid-load', () => {
  let cluster: PrivateCluster;
  beforeAll(async () => {
    cluster = await startPrivateCluster(new Set());
  }, 150_000);
  afterAll(async () => {
    await cluster?.remove();
  }, 60_000);

  it('loses nothing, records nothing twice and resumes within the bound on the surviving nodes', async () => {
    const dir = tempDir('cluster3');
    const store: EventStore = openStore(dir);
    const retry = testRetry({ tiersMs: [100, 200, 400], maxAttempts: 10 });
    const topology = testTopology('cluster3', { retry, quorumReplicas: 3 });
    const providers = Object.fromEntries(CHANNELS.map((c) => [c, testProvider(c, { latencyMs: 2 })])) as Record<Channel, TestProvider>;
    const pipeline = await startPipeline({ dir, store, topology, providers, url: cluster.url, sender: { retry } });
    let loading = true;
    const ids: string[] = [];
    const load = (async () => {
      // ~40 a second, spread over the four channels, until told to stop.
      while (loading) {
        for (let i = 0; i < 4; i++) ids.push((await request(store, CHANNELS[ids.length % 4]!)).notificationId);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      const sent = () => [...pipeline.senders.values()].reduce((n, s) => n + s.stats().sent, 0);
      await waitFor(() => sent() >= 100, 20_000, '100 sent before the kill');
      const victim = await cluster.busiestLeader(topology.prefix);
      const before = await cluster.leaders(topology.prefix);
      const sentAtKill = sent();
      const killedAt = Date.now();
      await victim.kill9();
      // Resumed: the senders send again something appended after the kill.
      await waitFor(() => sent() >= sentAtKill + 40, RESUME_BOUND_MS + 30_000, 'deliveries after the kill', 20);
      const resumeMs = Date.now() - killedAt;
      process.stdout.write(`cluster3: ${[...before.values()].filter((n) => n === victim).length}/${before.size} quorum leaders on the killed node; deliveries resumed ${resumeMs} ms after the kill\n`);
      await new Promise((r) => setTimeout(r, 3000));
      loading = false;
      await load;

      await waitFor(async () => {
        let done = 0;
        for (const id of ids) if (count(await eventsOf(store, id), 'NotificationSent') === 1) done += 1;
        return done === ids.length;
      }, 60_000, `all ${ids.length} Sent after the kill`, 250);

      for (const id of ids) {
        const events = await eventsOf(store, id);
        expect(count(events, 'NotificationSent')).toBe(1);
        expect(count(events, 'NotificationFailed')).toBe(0);
      }
      // Every leader now sits on a surviving node.
      const after = await cluster.leaders(topology.prefix);
      expect([...after.values()].every((n) => n !== victim)).toBe(true);
      // Provider copies beyond one: at most what the senders had in flight when their node died.
      const copies = CHANNELS.reduce((n, c) => n + providers[c].total(), 0) - ids.length;
      process.stdout.write(`cluster3: ${ids.length} notifications, ${copies} extra provider calls\n`);
      expect(copies).toBeLessThanOrEqual(50 * CHANNELS.length);
      expect(resumeMs).toBeLessThan(RESUME_BOUND_MS);
    } finally {
      loading = false;
      await load.catch(() => {});
      await pipeline.stop();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
